# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_info's export: groups and their members by names that find exactly them again."""

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.export import GroupExport
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import guid, membership_tenant as directory, obj


def test_export_names_members_by_unique_names_and_leaves_groups_graph_cannot_change_out():
    client = directory()
    client.objects[guid(40)] = obj('device', guid(40), displayName='PC-1')  # a second PC-1: members named so are given by id
    client.objects[guid(41)] = obj('group', guid(41), displayName='Device: fleet', groupTypes=[])
    client.members[guid(41)] = [guid(2)]
    export = GroupExport(client).read(['Mixed', 'Dynamic', guid(41), 'Gone', 'group:Team'])
    groups, memberships = export.result()
    assert export.missing == ['Gone']
    assert [g['displayName'] for g in groups] == ['Mixed', 'Dynamic', 'Device: fleet', 'Team']
    assert groups[1]['membershipRule'] is None and 'membershipRule' not in groups[0] and groups[0]['isAssignableToRole'] is False
    assert memberships == [
        {'group': 'Mixed', 'members': sorted([guid(30), 'group:Nested', 'orgContact:Partner', 'servicePrincipal:HR sync', 'user:u1@x'])},
        {'group': 'group:Device: fleet', 'members': ['user:u2@x']},
        {'group': 'Team', 'members': []},
    ]
    member_reads = [(version, r['url'].split('?')[0]) for version, batch in client.sent for r in batch if '/members' in r['url']]
    assert sorted(member_reads) == sorted(('beta', '/groups/%s/members' % g) for g in (guid(20), guid(41), guid(10)))


def test_export_of_every_group_and_refusals():
    client = directory()
    groups, memberships = GroupExport(client).read().result()
    assert [g['displayName'] for g in groups] == ['Admins', 'Dynamic', 'Mixed', 'Nested', 'Team']
    assert [m['group'] for m in memberships] == ['Admins', 'Mixed', 'Nested', 'Team']
    client.objects[guid(42)] = obj('group', guid(42), displayName='nested', groupTypes=[])
    with pytest.raises(InputError) as caught:
        GroupExport(client).read(['Nested', 'device:PC-1', guid(1)])
    assert str(caught.value) == ("groups[1]: 'device:PC-1' is a device reference; groups lists groups (a group whose name starts with 'device:' "
                                 "is written group:device:PC-1)")
    with pytest.raises(InputError) as caught:
        GroupExport(client).read(['Nested', guid(1)])
    assert str(caught.value) == ("groups[0]: group 'Nested' is ambiguous: 2 objects have that name (ids %s, %s); use the id instead; "
                                 "groups[1]: group id '%s' is a user, not a group" % (guid(21), guid(42), guid(1)))
