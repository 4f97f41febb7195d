# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_membership's input: items in both directions, typed references, every problem at once."""

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_input import parse_membership_task
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import membership_params as params


def test_items_in_every_direction_with_typed_references():
    task = parse_membership_task(params(memberships=[dict(group='Sales', members=['a@x', 'device:PC-1']), dict(user='device:PC-1', groups=['Ops'])],
                                        recently_created=['a@x']))
    first, second = task.items
    assert (first.label, first.side, first.owner.type, [r.type for r in first.listed]) == ('memberships[0]', 'group', 'group', ['user', 'device'])
    assert [r.where for r in first.listed] == ['memberships[0].members[0]', 'memberships[0].members[1]']
    assert (second.side, second.owner.type, second.owner.where, second.listed[0].type) == ('user', 'device', 'memberships[1].user', 'group')
    assert task.is_recent(first.listed[0]) and not task.is_recent(first.listed[1])
    (top,) = parse_membership_task(params(group='Sales', members=['a@x'])).items
    assert top.label is None and top.listed[0].where == 'members[0]'


def test_every_input_problem_is_reported_at_once_naming_item_and_field():
    with pytest.raises(InputError) as caught:
        parse_membership_task(params(state='exact', member_types=['user'], recently_created=['Fresh'], memberships=[
            dict(group='Sales', members=['a@x']),                    # fine
            dict(group='G', user='u@x'),                              # both sides
            dict(group='Sales', members=['Engineering', 'device:PC-1']),  # untyped name; a type member_types leaves out
            dict(user='u@x', groups=['Ops', 'device:PC-1']),        # not a group
            dict(group='user:a@x', members=['b@x']),                  # not a group
            dict(user='u@x', groups=[]),                              # exact, empty, no allow_empty
        ]))
    assert [problem.where for problem in caught.value.problems] == ['recently_created[0]', 'memberships[1]', 'memberships[2].members[0]',
                                                                    'memberships[2].members[1]', 'memberships[3].groups[1]',
                                                                    'memberships[4].group', 'memberships[5]']
    assert str(caught.value) == '; '.join([
        "recently_created[0]: 'Fresh' does not say what it is: name the type, e.g. group:Fresh (without a type a reference is an object id "
        "or a userPrincipalName)",
        'memberships[1]: give either group with members, or user with groups',
        "memberships[2].members[0]: 'Engineering' does not say what it is: name the type, e.g. group:Engineering (without a type a "
        "reference is an object id or a userPrincipalName)",
        "memberships[2].members[1]: 'device:PC-1' is a device, but member_types (user) leaves devices out of state=exact",
        "memberships[3].groups[1]: 'device:PC-1' is a device reference; groups lists groups (a group whose name starts with 'device:' is "
        "written group:device:PC-1)",
        "memberships[4].group: 'user:a@x' is a user reference; group takes a group (a group whose name starts with 'user:' is written "
        "group:user:a@x)",
        'memberships[5]: state=exact with an empty groups list would remove every direct membership; set allow_empty: true if that is intended',
    ])


@pytest.mark.parametrize('overrides, message', [
    (dict(memberships=[dict()]), 'memberships[0]: give either group with members, or user with groups'),
    (dict(memberships=[dict(group='G', groups=['H'])]), 'memberships[0]: members goes with group, not groups'),
    (dict(user='u@x', members=['m@x']), "user 'u@x': groups goes with user, not members"),
    (dict(memberships=[dict(user='u@x')]), 'memberships[0]: groups is required with user'),
    (dict(group='G', members=['a@x', '']), 'members[1]: empty reference'),
    (dict(group='  ', members=['a@x']), 'group: empty reference'),
    (dict(group='G', members=[], state='exact'), "group 'G': state=exact with an empty members list would remove every direct membership"),
    (dict(group='G', members=['a@x'], member_types=[]), 'member_types is empty'),
    (dict(user='Adele Vance', groups=['G']), "user: 'Adele Vance' does not say what it is"),
])
def test_parse_membership_task_refuses_bad_input(overrides, message):
    with pytest.raises(InputError) as caught:
        parse_membership_task(params(**overrides))
    assert str(caught.value).startswith(message)


def test_an_empty_list_is_fine_when_allowed_or_not_exact():
    assert parse_membership_task(params(user='u@x', groups=[], state='exact', allow_empty=True)).items[0].listed == []
    assert parse_membership_task(params(group='G', members=[])).items[0].listed == []
