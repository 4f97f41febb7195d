# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_user_info through ansible-playbook against the emulator: what it returns, and that it round-trips through graph_user_bulk."""

from __future__ import annotations

import json

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
%s
"""
SPE_E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'
EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e'
TEAMS = '57ff2da0-773e-42df-b2af-ffb7a2317929'


def play(text):
    return PLAY % '\n'.join('    ' + line for line in text.strip('\n').splitlines())


def info_task(name, register='found', **options):
    lines = ['- name: %s' % name, '  mynster.msgraph.graph_user_info:']
    lines += ['    %s: %s' % (key, json.dumps(value)) for key, value in options.items()]
    return '\n'.join(lines + ['  register: %s' % register]) + '\n'


def bulk_task(name, users_expression, **options):
    lines = ['- name: %s' % name, '  mynster.msgraph.graph_user_bulk:', '    users: "%s"' % users_expression]
    lines += ['    %s: %s' % (key, json.dumps(value)) for key, value in options.items()]
    return '\n'.join(lines) + '\n'


def tenant(count, **extra):
    """``count`` users with licences (one with a plan disabled), managers, provinces and some empty properties."""
    users = [{'userPrincipalName': 'boss@contoso.example', 'displayName': 'Boss', 'usageLocation': 'DK', 'state': 'Hovedstaden',
              'assignedLicenses': [{'skuId': SPE_E3, 'disabledPlans': [TEAMS]}, {'skuId': EMS}]}]
    for i in range(count):
        user = {'userPrincipalName': 'u%04d@contoso.example' % i, 'displayName': 'User %04d' % i, 'jobTitle': 'Engineer',
                'department': 'R&D %d' % (i % 7), 'usageLocation': 'DK', 'businessPhones': ['+45 %08d' % i], 'city': None,
                'state': 'Sjælland', 'manager': 'boss@contoso.example', 'assignedLicenses': [{'skuId': EMS}]}
        user.update(extra)
        users.append(user)
    return users


def test_users_by_name_and_id_with_licences_and_manager(emulator, playbook):
    seeded = emulator.seed(users=tenant(3) + [{'userPrincipalName': '$adm@contoso.example', 'accountEnabled': False}],
                           groups=[{'displayName': 'E3 by group', 'members': ['u0000@contoso.example'], 'assignedLicenses': [{'skuId': SPE_E3}]}])
    ids = dict((u['userPrincipalName'], u['id']) for u in seeded['users'])
    run = playbook(play(info_task('Read', users=['U0000@contoso.example', ids['boss@contoso.example'], '$adm@contoso.example',
                                                 'gone@contoso.example', ids['boss@contoso.example']],
                                  include_licenses=True, include_manager=True)), check=True)
    assert run.rc == 0, run
    result = run.result('Read')
    assert result['changed'] is False and result['missing'] == ['gone@contoso.example']
    first, boss, admin = result['users']
    assert first['userPrincipalName'] == 'u0000@contoso.example' and first['jobTitle'] == 'Engineer' and first['state'] == 'Sjælland'
    assert first['licenses'] == ['EMS']  # the group's SPE_E3 is inherited, not listed
    group_id = seeded['groups'][0]['id']
    assert result['inherited_licenses'] == {'u0000@contoso.example': [{'sku': 'SPE_E3', 'skuId': SPE_E3, 'group': 'E3 by group',
                                                                       'group_id': group_id, 'state': 'Active', 'error': 'None'}]}
    # SPE_E3 carries a mailbox plan (EXCHANGE_S_ENTERPRISE), EMS does not; the boss's disabled TEAMS1 leaves the mailbox
    assert result['mailbox_licenses'] == {
        'u0000@contoso.example': [{'sku': 'SPE_E3', 'skuId': SPE_E3, 'group': 'E3 by group', 'group_id': group_id}],
        'boss@contoso.example': [{'sku': 'SPE_E3', 'skuId': SPE_E3, 'group': None, 'group_id': None}]}
    assert first['manager'] == 'boss@contoso.example' and first['businessPhones'] == ['+45 00000000'] and first['city'] is None
    assert boss['licenses'] == ['EMS', {'sku': 'SPE_E3', 'disabled_plans': ['TEAMS1']}] and boss['manager'] is None
    assert admin['userPrincipalName'] == '$adm@contoso.example' and admin['accountEnabled'] is False and admin['licenses'] == []
    assert set(first) == set(['userPrincipalName', 'licenses', 'manager', 'accountEnabled', 'businessPhones', 'city', 'companyName',
                              'country', 'department', 'displayName', 'employeeId', 'employeeType', 'givenName', 'jobTitle',
                              'mailNickname', 'mobilePhone', 'officeLocation', 'postalCode', 'preferredLanguage', 'state',
                              'streetAddress', 'surname', 'usageLocation'])
    assert 'id' not in first
    assert result['ids'] == {'u0000@contoso.example': ids['u0000@contoso.example'], 'boss@contoso.example': ids['boss@contoso.example'],
                             '$adm@contoso.example': ids['$adm@contoso.example']}
    assert emulator.stats()['writes'] == 0


def test_inherited_licences_in_error_are_returned_apart_and_round_trip(emulator, playbook):
    small = '11111111-2222-3333-4444-555555555555'
    emulator.seed(subscribedSkus=[{'skuId': small, 'skuPartNumber': 'SMALL', 'prepaidUnits': {'enabled': 1},
                                   'servicePlans': [{'servicePlanId': TEAMS, 'servicePlanName': 'TEAMS1'}]}])
    seeded = emulator.seed(users=[{'userPrincipalName': 'u%d@contoso.example' % i, 'displayName': 'U%d' % i, 'usageLocation': 'DK'}
                                  for i in range(3)],
                           groups=[{'displayName': 'Small', 'members': ['u0@contoso.example', 'u1@contoso.example'],
                                    'assignedLicenses': [{'skuId': small}]}])
    group_id = seeded['groups'][0]['id']
    emulator.reset_stats()
    tasks = (info_task('Read', users=['u0@contoso.example', 'u1@contoso.example', 'u2@contoso.example'], properties=['displayName'],
                       include_licenses=True)
             + bulk_task('Feed it back', '{{ found.users }}', purge_licenses=True))
    run = playbook(play(tasks))
    assert run.rc == 0, run
    result = run.result('Read')
    assert [u['licenses'] for u in result['users']] == [[], [], []]
    record = {'sku': 'SMALL', 'skuId': small, 'group': 'Small', 'group_id': group_id}
    assert result['inherited_licenses'] == {'u0@contoso.example': [dict(record, state='Active', error='None')],
                                            'u1@contoso.example': [dict(record, state='Error', error='CountViolation')]}
    assert result['mailbox_licenses'] == {}  # SMALL has no mailbox plan
    # fed back, the direct (empty) lists change nothing: nothing inherited is removed; u1's assignment in Error is reported
    fed = run.result('Feed it back')
    assert fed['changed'] is False and fed['unchanged'] == 3
    assert [(e['userPrincipalName'], e['error']) for e in fed['license_errors']] == [('u1@contoso.example', 'CountViolation')]
    assert any(w.startswith('u1@contoso.example: licence SMALL inherited from group') for w in fed['warnings'])
    stats = emulator.stats()
    # each module: users and subscriptions in one batch, the groups' names in a second
    assert stats['writes'] == 0 and stats['batches'] == 4, stats


def test_filter_and_chosen_properties(emulator, playbook):
    emulator.seed(users=tenant(20))
    run = playbook(play(info_task('Filtered', filter="department eq 'R&D 3'", properties=['displayName', 'department'])
                        + info_task('Everyone', register='everyone', properties=['displayName'])))
    assert run.rc == 0, run
    filtered = run.result('Filtered')['users']
    assert sorted(u['userPrincipalName'] for u in filtered) == ['u0003@contoso.example', 'u0010@contoso.example', 'u0017@contoso.example']
    first = [u for u in filtered if u['userPrincipalName'] == 'u0003@contoso.example'][0]
    assert first == {'userPrincipalName': 'u0003@contoso.example', 'displayName': 'User 0003', 'department': 'R&D 3'}
    assert len(run.result('Everyone')['users']) == 21 and run.result('Everyone')['missing'] == []


def test_the_result_round_trips_through_graph_user_bulk_without_a_write(emulator, playbook):
    emulator.seed(users=tenant(40) + [{'userPrincipalName': "o'neil#EXT#@contoso.example", 'accountEnabled': False, 'state': None}])
    tasks = (info_task('Export', filter=None, include_licenses=True, include_manager=True)
             + bulk_task('Feed it back', '{{ found.users }}', purge_licenses=True)
             + bulk_task('Feed it back in check mode', '{{ found.users }}', purge_licenses=True).replace(
                 '  mynster.msgraph.graph_user_bulk:', '  check_mode: true\n  mynster.msgraph.graph_user_bulk:'))
    emulator.reset_stats()
    run = playbook(play(tasks.replace('    filter: null\n', '')), diff=True)
    assert run.rc == 0, run
    assert len(run.result('Export')['users']) == 42
    for name in ('Feed it back', 'Feed it back in check mode'):
        result = run.result(name)
        assert result['changed'] is False and result['unchanged'] == 42, result
        assert result['created'] == result['updated'] == result['disabled'] == [] and 'diff' not in result
    assert emulator.stats()['writes'] == 0


def test_a_thousand_licensed_users_in_at_most_fifteen_http_requests(emulator, playbook):
    emulator.seed(users=tenant(999))
    names = ['u%04d@contoso.example' % i for i in range(999)] + ['boss@contoso.example']
    emulator.reset_stats()
    run = playbook(play(info_task('By name', users=names, include_licenses=True, include_manager=True)))
    assert run.rc == 0, run
    result = run.result('By name')
    assert len(result['users']) == 1000 and result['missing'] == []
    assert all(u['licenses'] for u in result['users']) and result['users'][0]['manager'] == 'boss@contoso.example'
    by_name = emulator.stats()
    emulator.reset_stats()
    run = playbook(play(info_task('By filter', filter="usageLocation eq 'DK'", include_licenses=True, include_manager=True)))
    assert run.rc == 0, run
    assert len(run.result('By filter')['users']) == 1000
    by_filter = emulator.stats()
    # 67 in-queries and subscribedSkus: 4 batches; the filter: 2 pages of 999
    assert by_name['http_requests'] <= 15 and by_filter['http_requests'] <= 15, (by_name, by_filter)
    assert by_name['http_requests'] == 4 and by_filter['http_requests'] == 2, (by_name, by_filter)


def test_refusals_name_the_option_and_item(emulator, playbook):
    emulator.seed(users=tenant(1))
    run = playbook(play(info_task('Unknown property', users=['u0000@contoso.example'], properties=['displayName', 'favouriteColour'])
                        + '  ignore_errors: true\n'
                        + info_task('Bad filter', filter="department eq", properties=['displayName'])
                        + '  ignore_errors: true\n'))
    assert run.failed('Unknown property') and run.failed('Bad filter')
    assert run.result('Unknown property')['msg'] == "Nothing was read: 1 problem(s): properties[1]: Graph's users have no property 'favouriteColour'"
    assert run.result('Bad filter')['msg'].startswith("400 BadRequest: Reading users with filter department eq:")
