# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Graph's documented property lengths and Entra's password rule for cloud users."""

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.common.limits import (GROUP_MAX_LENGTH, PASSWORD_SYMBOLS, USER_MAX_LENGTH,
                                                                                    length_problem, password_problems)


@pytest.mark.parametrize('name, limit', sorted(USER_MAX_LENGTH.items()))
def test_each_user_limit_is_the_last_length_accepted(name, limit):
    assert length_problem(name, 'x' * limit) is None
    assert length_problem(name, 'x' * (limit + 1)) == "is %d characters long; Graph allows at most %d in a user's %s" % (limit + 1, limit, name)


def test_documented_lengths():
    assert (USER_MAX_LENGTH['displayName'], USER_MAX_LENGTH['employeeId'], USER_MAX_LENGTH['postalCode'], USER_MAX_LENGTH['streetAddress']) == (
        256, 16, 40, 1024)
    assert GROUP_MAX_LENGTH == {'displayName': 256, 'mailNickname': 64}


def test_limits_ignore_case_and_undocumented_properties():
    assert length_problem('DISPLAYNAME', 'x' * 257).endswith("in a user's displayName")
    assert length_problem('officeLocation', 'x' * 5000) is None      # user.md names no maximum
    assert length_problem('jobTitle', ['x' * 500]) is None           # not text: the type check reports it
    assert length_problem('displayName', 'x' * 257, 'group') == "is 257 characters long; Graph allows at most 256 in a group's displayName"
    assert length_problem('jobTitle', 'x' * 500, 'group') is None


@pytest.mark.parametrize('password', ['Welcome-2026!', 'abcdefG1', 'abcdefg!1', 'ABCDEFG 1', 'Aa1' + 'x' * 253, 'Abc def ghi'])
def test_passwords_entra_accepts(password):
    assert password_problems(password) == []


@pytest.mark.parametrize('password, start', [
    ('Ab1!xyz', 'is shorter than 8 characters'),
    ('Aa1!' + 'x' * 253, 'is longer than 256 characters'),
    ('abcdefghijkl', 'uses 1 of the 4 kinds of character'),
    ('abcdefgh1234', 'uses 2 of the 4 kinds of character'),
    ('Ærø-Skøbing-2026', 'holds characters Graph does not accept in a password'),
    ('Tab\there-2026', 'holds characters Graph does not accept in a password'),
])
def test_passwords_entra_refuses(password, start):
    problems = password_problems(password)
    assert len(problems) == 1 and problems[0].startswith(start)
    assert password not in problems[0]


def test_a_password_can_break_several_rules_and_none_is_printed():
    problems = password_problems('aaaa')
    assert [p.split(';')[0] for p in problems] == ['is shorter than 8 characters', 'uses 1 of the 4 kinds of character']
    assert all('8 to 256 characters with at least 3 of lowercase letters, uppercase letters, digits and symbols' in p for p in problems)
    assert not any('aaaa' in p for p in problems)


def test_every_symbol_of_the_policy_counts():
    for symbol in PASSWORD_SYMBOLS:
        assert password_problems('abcdefg1' + symbol) == [], repr(symbol)
    assert len(PASSWORD_SYMBOLS) == 33      # printable ASCII punctuation (32) and the space


def test_disable_strong_password_turns_the_rule_off():
    assert password_problems('short', 'DisableStrongPassword') == []
    assert password_problems('short', 'DisablePasswordExpiration, DisableStrongPassword') == []
    assert password_problems('short', 'DisablePasswordExpiration') != []
    assert password_problems(12345678) == []      # not text: the input check says so
