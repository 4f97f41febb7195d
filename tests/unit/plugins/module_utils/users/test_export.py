# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Users read back as graph_user_bulk entries (graph_user_info)."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.export import UserExport, readable_property_problems, user_item
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import current_licenses, plan_licenses, resolve_licenses
from ansible_collections.mynster.msgraph.plugins.module_utils.users.properties import changed_properties, wanted_properties
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.users.users_tenant import BOSS_ID, CATALOG, E3, EMS, TEAMS, FakeDirectory, one


def test_user_item_is_a_bulk_entry():
    user = {'id': '1', 'userPrincipalName': '$adm@contoso.example', 'jobTitle': 'Engineer', 'state': 'Hovedstaden', 'city': None,
            'businessPhones': [], 'assignedLicenses': [],
            'licenseAssignmentStates': [{'skuId': E3, 'disabledPlans': [TEAMS], 'assignedByGroup': None},
                                        {'skuId': EMS, 'disabledPlans': [], 'assignedByGroup': None},
                                        {'skuId': E3, 'disabledPlans': [], 'assignedByGroup': 'g1'}],
            'manager': {'id': '2', 'userPrincipalName': 'boss@contoso.example'}}
    item = user_item(user, ['jobtitle', 'state', 'city', 'businessPhones', 'userPrincipalName'], CATALOG, True, True)
    assert item == {'userPrincipalName': '$adm@contoso.example', 'jobTitle': 'Engineer', 'state': 'Hovedstaden', 'city': None,
                    'businessPhones': [], 'licenses': ['EMS', {'sku': 'ENTERPRISEPACK', 'disabled_plans': ['TEAMS1']}],
                    'manager': 'boss@contoso.example'}
    spec = one(item)
    assert changed_properties(wanted_properties(spec), user) == {}
    direct, inherited = current_licenses(user)
    wanted, problems = resolve_licenses(spec, CATALOG)
    assert problems == [] and not plan_licenses(wanted, direct, inherited, purge=True)
    bare = user_item({'userPrincipalName': 'a@contoso.example'}, ['displayName'], include_licenses=True, include_manager=True)
    assert bare == {'userPrincipalName': 'a@contoso.example', 'displayName': None, 'licenses': [], 'manager': None}


def test_export_reads_names_and_ids_in_one_batch_and_keeps_their_order():
    client = FakeDirectory([{'id': BOSS_ID, 'userPrincipalName': 'boss@contoso.example', 'jobTitle': 'CEO'},
                            {'id': '1', 'userPrincipalName': 'a@contoso.example', 'jobTitle': 'x'}])
    export = UserExport(['A@contoso.example', BOSS_ID, 'gone@contoso.example', 'boss@contoso.example'], properties=['jobTitle', 'id'],
                        include_licenses=True)
    items, ids, missing, unknown = export.read(client)
    assert len(client.calls) == 1 and client.calls[0][-1] == '/subscribedSkus'
    assert [call.split('%20in%20')[0] for call in client.calls[0][:2]] == ['/users?$filter=userPrincipalName', '/users?$filter=id']
    assert items == [{'userPrincipalName': 'a@contoso.example', 'jobTitle': 'x', 'licenses': []},
                     {'userPrincipalName': 'boss@contoso.example', 'jobTitle': 'CEO', 'licenses': []}]
    assert ids == {'a@contoso.example': '1', 'boss@contoso.example': BOSS_ID}
    assert missing == ['gone@contoso.example'] and unknown == []
    assert UserExport([]).read(client) == ([], {}, [], [])
    assert UserExport(None, properties=['favouriteColour']).read(client) == ([], {}, [], ['favouriteColour'])


def test_export_lists_inherited_licences_apart_with_their_group():
    group = 'aaaaaaaa-0000-0000-0000-000000000001'
    states = [{'skuId': E3, 'disabledPlans': [], 'assignedByGroup': group, 'state': 'Error', 'error': 'CountViolation'},
              {'skuId': E3, 'disabledPlans': [], 'assignedByGroup': None, 'state': 'Active', 'error': 'None'}]
    client = FakeDirectory([{'id': '1', 'userPrincipalName': 'a@contoso.example', 'assignedLicenses': [{'skuId': E3}],
                             'licenseAssignmentStates': states},
                            {'id': '2', 'userPrincipalName': 'b@contoso.example', 'licenseAssignmentStates': []}],
                           groups=[{'id': group, 'displayName': 'Sales E3'}])
    export = UserExport(['a@contoso.example', 'b@contoso.example'], properties=[], include_licenses=True)
    items, dummy, dummy, dummy = export.read(client)
    assert [item['licenses'] for item in items] == [['ENTERPRISEPACK'], []]  # the entries keep direct licences only
    assert export.inherited == {'a@contoso.example': [{'sku': 'ENTERPRISEPACK', 'skuId': E3, 'group': 'Sales E3', 'group_id': group,
                                                       'state': 'Error', 'error': 'CountViolation'}]}
    assert len(client.calls) == 2 and client.calls[1][0].startswith('/groups?$filter=id%20in%20(') and export.warnings == []
    denied = UserExport(['a@contoso.example'], properties=[], include_licenses=True)
    denied.read(FakeDirectory(client.users, groups_status=403))
    assert denied.inherited['a@contoso.example'][0]['group'] is None and 'were not read' in denied.warnings[0]


def test_properties_to_read_back_must_be_writable():
    assert [str(p) for p in readable_property_problems(['jobTitle', 'licenses', 'createdDateTime', 'passwordProfile', 'job title'])] == [
        "properties[1]: 'licenses' is not a user property; licences come with include_licenses",
        "properties[2]: 'createdDateTime' cannot be written back by graph_user_bulk (read-only in Graph); the users returned must be "
        "valid graph_user_bulk entries",
        "properties[3]: 'passwordProfile' cannot be written back by graph_user_bulk; the users returned must be valid graph_user_bulk "
        "entries",
        "properties[4]: 'job title' is not a Graph property name"]
