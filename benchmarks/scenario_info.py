# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""1,000 licensed users with managers and group memberships read back as desired state: graph_user_info versus a uri loop.

graph_user_info reads the users by name (15 to an ``in`` query, 20 queries to a batch) and by ``$filter`` (999 to a
page), with licences and managers; then the export is fed back to graph_user_bulk, which must write nothing. The
users' memberships (ten groups) are read with graph_group_info in the same play and fed back to graph_group_membership
with ``state: exact``, which must write nothing either. The
baseline is what an admin writes with ``ansible.builtin.uri``: one GET per user with ``$select`` and ``$expand``,
in parts of 200 users (the harness stops a run after 900 s).

Environment: BENCH_INFO_USERS (default 1000); BENCH_INFO_BASELINE=0 skips the uri loop (about 0.8 s per user at 50 ms).
"""

from __future__ import annotations

import os

from benchlib import PLAY_HEADER, TOKEN_TASK, uri_task

NAME = 'info'
DESCRIPTION = ('1,000 licensed users with managers and memberships read as graph_user_bulk and graph_group_membership entries, '
               'and fed back')
COUNT = int(os.environ.get('BENCH_INFO_USERS', '1000'))
BASELINE = os.environ.get('BENCH_INFO_BASELINE', '1') != '0'
PART = 200
SPE_E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'
EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e'
TEAMS = '57ff2da0-773e-42df-b2af-ffb7a2317929'
GROUPS = 10

BY_NAME = PLAY_HEADER + """
    - name: Read the users by name
      mynster.msgraph.graph_user_info:
        users: "{{ names }}"
        include_licenses: true
        include_manager: true
      register: found
"""

BY_FILTER = PLAY_HEADER + """
    - name: Read the users by filter
      mynster.msgraph.graph_user_info:
        filter: "usageLocation eq 'DK'"
        include_licenses: true
        include_manager: true
      register: found
"""

ROUND_TRIP = BY_FILTER + """
    - name: Feed them back
      mynster.msgraph.graph_user_bulk:
        users: "{{ found.users }}"
        purge_licenses: true
      register: fed_back
"""

WITH_MEMBERSHIPS = BY_FILTER + """
    - name: Read every group and its members
      mynster.msgraph.graph_group_info: {}
      register: groups_found
"""

MEMBERSHIPS_ROUND_TRIP = WITH_MEMBERSHIPS + """
    - name: Feed the memberships back
      mynster.msgraph.graph_group_membership:
        memberships: "{{ groups_found.memberships }}"
        state: exact
      register: memberships_fed_back
"""

LOOP = PLAY_HEADER + TOKEN_TASK + uri_task(
    'Read each user', 'GET',
    "/users/{{ item }}?$select=userPrincipalName,displayName,jobTitle,department,usageLocation,state,accountEnabled,"
    "licenseAssignmentStates&$expand=manager($select=userPrincipalName)") + uri_task(
    'Read the subscriptions once', 'GET', '/subscribedSkus', loop='{{ [1] }}')


def tenant(count):
    """A manager per 50 users, licences (some with a plan disabled), and every user in one of ten groups."""
    users = []
    for i in range(count):
        user = {'userPrincipalName': 'info%05d@contoso.example' % i, 'displayName': 'Info User %05d' % i, 'jobTitle': 'Engineer',
                'department': 'R&D %d' % (i % 10), 'usageLocation': 'DK', 'state': 'Hovedstaden',
                'assignedLicenses': [{'skuId': SPE_E3, 'disabledPlans': [TEAMS] if i % 3 == 0 else []}] + ([{'skuId': EMS}] if i % 2 else [])}
        if i % 50:
            user['manager'] = 'info%05d@contoso.example' % (i - i % 50)
        users.append(user)
    groups = [{'displayName': 'Info group %d' % g, 'mailNickname': 'info-group-%d' % g, 'mailEnabled': False, 'securityEnabled': True,
               'members': [u['userPrincipalName'] for n, u in enumerate(users) if n % GROUPS == g]} for g in range(GROUPS)]
    return users, groups


def run(bench):
    users, groups = tenant(COUNT)
    names = [u['userPrincipalName'] for u in users]
    bench.empty_directory()
    bench.emulator.seed(users=users, groups=groups)
    by_name = bench.measure(NAME, 'graph_user_info by name', BY_NAME, {'names': names})
    assert len(by_name['run'].result('Read the users by name')['users']) == COUNT
    by_filter = bench.measure(NAME, 'graph_user_info by filter', BY_FILTER)
    assert len(by_filter['run'].result('Read the users by filter')['users']) == COUNT
    round_trip = bench.measure(NAME, 'graph_user_info + graph_user_bulk', ROUND_TRIP)
    fed_back = round_trip['run'].result('Feed them back')
    assert fed_back['changed'] is False and fed_back['unchanged'] == COUNT and round_trip['writes'] == 0, fed_back.get('msg')
    with_memberships = bench.measure(NAME, 'graph_user_info + graph_group_info', WITH_MEMBERSHIPS)
    exported = with_memberships['run'].result('Read every group and its members')['memberships']
    assert sum(len(item['members']) for item in exported) == COUNT, exported
    memberships_round_trip = bench.measure(NAME, '... + graph_group_membership (exact)', MEMBERSHIPS_ROUND_TRIP)
    memberships_fed_back = memberships_round_trip['run'].result('Feed the memberships back')
    assert memberships_fed_back['changed'] is False and memberships_round_trip['writes'] == 0, memberships_fed_back.get('msg')
    print('\n%s licensed users with managers, read as graph_user_bulk entries (emulator latency %d ms)' % (format(COUNT, ','), bench.latency_ms))
    print('  %-44s %14s %10s %10s' % ('', 'HTTP requests', 'writes', 'wall s'))
    for row in (by_name, by_filter, round_trip, with_memberships, memberships_round_trip):
        print('  %-44s %14d %10d %10.1f' % (row['label'], row['http_requests'], row['writes'], row['seconds']))
    if BASELINE:
        parts = [bench.measure(NAME, 'uri loop (part %d)' % (n + 1), LOOP, {'items': names[start:start + PART]})
                 for n, start in enumerate(range(0, len(names), PART))]
        baseline = {'label': 'ansible.builtin.uri loop', 'http_requests': sum(p['http_requests'] for p in parts),
                    'writes': sum(p['writes'] for p in parts), 'seconds': sum(p['seconds'] for p in parts)}
        bench.compare('%s users read back' % format(COUNT, ','), by_name, baseline)
