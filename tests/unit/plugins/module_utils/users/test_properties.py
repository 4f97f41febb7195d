# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a new user is created with, and which properties of an existing one differ."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import creation_problems, mail_nickname_from
from ansible_collections.mynster.msgraph.plugins.module_utils.users.properties import changed_properties, creation_body, same_value, wanted_properties
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.users.users_tenant import one


def test_creation_needs_and_body():
    spec = one({'userPrincipalName': "o'brien+x@contoso.example"})
    assert [p.field for p in creation_problems(spec)] == ['displayName', 'password', 'userPrincipalName']
    spec = one({'userPrincipalName': "o'brien@contoso.example"})
    assert [p.field for p in creation_problems(spec, ['contoso.example'])] == ['displayName', 'password']
    spec = one({'userPrincipalName': 'new@contoso.example', 'displayName': 'New', 'password': 'Pw-1234567', 'jobTitle': None},
               default_state='disabled', default_force_change=False)
    assert creation_problems(spec) == []
    assert creation_body(spec) == {'userPrincipalName': 'new@contoso.example', 'displayName': 'New', 'accountEnabled': False,
                                   'mailNickname': 'new', 'passwordProfile': {'password': 'Pw-1234567', 'forceChangePasswordNextSignIn': False}}
    assert mail_nickname_from("o'brien+x@contoso.example") == "o'brien+x"
    assert mail_nickname_from('.(weird)@contoso.example') == 'weird'
    assert mail_nickname_from('()@contoso.example') is None


def test_a_new_users_password_must_meet_entras_rule_and_is_never_printed():
    def problems(password, **extra):
        spec = one(dict({'userPrincipalName': 'new@contoso.example', 'displayName': 'New', 'password': password}, **extra))
        return [str(p) for p in creation_problems(spec, ['contoso.example'])]

    assert problems('Pw-1234567') == []
    for weak in ('Pw-1', 'password1234', 'x' * 257, 'Kodeord-æøå-1'):
        found = problems(weak)
        assert len(found) >= 1 and all(p.startswith('users[0] (new@contoso.example): password: ') for p in found), found
        assert not any(weak in p for p in found)
    assert problems('password1234') == ['users[0] (new@contoso.example): password: uses 2 of the 4 kinds of character; Graph requires 8 to '
                                        '256 characters with at least 3 of lowercase letters, uppercase letters, digits and symbols']
    assert problems('weak', passwordPolicies='DisableStrongPassword') == []


def test_only_given_properties_are_compared():
    current = {'id': '1', 'userPrincipalName': 'a@contoso.example', 'jobTitle': 'Engineer', 'department': None, 'usageLocation': 'DK',
               'accountEnabled': True, 'businessPhones': ['+45 1', '+45 2'], 'employeeHireDate': '2026-03-01T00:00:00Z',
               'onPremisesExtensionAttributes': {'extensionAttribute1': 'a', 'extensionAttribute2': 'b'}}
    spec = one({'userPrincipalName': 'A@contoso.example', 'jobTitle': 'Engineer', 'department': '', 'usageLocation': 'dk',
                'businessPhones': ['+45 2', '+45 1'], 'employeeHireDate': '2026-03-01', 'mobilePhone': None,
                'onPremisesExtensionAttributes': {'extensionAttribute1': 'a'}})
    assert changed_properties(wanted_properties(spec), current) == {}
    spec = one({'userPrincipalName': 'a@contoso.example', 'jobTitle': 'engineer', 'department': 'Sales',
                'onPremisesExtensionAttributes': {'extensionAttribute2': 'c'}}, default_state='disabled')
    assert changed_properties(wanted_properties(spec), current) == {
        'jobTitle': 'engineer', 'department': 'Sales', 'onPremisesExtensionAttributes': {'extensionAttribute2': 'c'}, 'accountEnabled': False}


def test_value_equality_rules():
    assert same_value('mail', 'A@X.example', 'a@x.example') and not same_value('displayName', 'Ada', 'ada')
    assert same_value('x', True, True) and not same_value('x', True, 'True') and not same_value('x', False, None)
    assert same_value('x', None, '') and same_value('x', [], None)
    assert not same_value('x', ['a'], ['a', 'b']) and not same_value('x', {'a': 1}, None)
    assert same_value('x', [{'a': 1}], [{'a': 1, 'b': 2}])
    assert same_value('employeeHireDate', '2026-03-01T01:00:00+01:00', '2026-03-01T00:00:00Z')
    assert not same_value('employeeHireDate', '2026-03-02', '2026-03-01T00:00:00Z')
