# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A hybrid tenant of 1,000 users: half synchronised from on-premises AD, a quarter licensed through a group.

Measured: a ``graph_user_bulk`` update of ``jobTitle`` for every user - refused before any write by default
(``synced_users: refuse``), then made with ``synced_users: skip``, then re-run - and the offboarding role for 50
leavers (half synchronised), then re-run. Against it, the naive ``ansible.builtin.uri`` loop that PATCHes every user:
Graph refuses the synchronised half one by one, after the cloud half has been written.

Environment: BENCH_HYBRID_USERS (default 1000), BENCH_HYBRID_LEAVERS (default 50); BENCH_BASELINE=0 skips the uri loop.
"""

from __future__ import annotations

import os

from benchlib import PLAY_HEADER, TOKEN_TASK, security_group, uri_task

NAME = 'hybrid'
DESCRIPTION = '1,000 users (half synchronised, a quarter group-licensed): jobTitle for all, offboarding 50; refusals and re-runs'
COUNT = int(os.environ.get('BENCH_HYBRID_USERS', '1000'))
LEAVERS = int(os.environ.get('BENCH_HYBRID_LEAVERS', '50'))
BASELINE = os.environ.get('BENCH_BASELINE', '1') != '0'
E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'
EXCHANGE = {'servicePlanId': 'efb87545-963c-4e0d-99df-69c6916d9eb0', 'servicePlanName': 'EXCHANGE_S_ENTERPRISE'}
SKUS = [{'skuId': E3, 'skuPartNumber': 'SPE_E3', 'prepaidUnits': {'enabled': COUNT * 2}, 'servicePlans': [EXCHANGE]}]

UPDATE = PLAY_HEADER + """
    - name: Job title for everyone
      mynster.msgraph.graph_user_bulk:
        users: "{{ users_ }}"
        synced_users: "{{ synced_users }}"
      register: update
      failed_when: false
    - name: Outcome
      ansible.builtin.debug:
        msg: "failed={{ update.failed | default(false) }} problems={{ update.failed_users | default([]) | length }}
              updated={{ update.updated | default([]) | length }} skipped={{ update.synced_skipped | default([]) | length }}"
"""

OFFBOARD = PLAY_HEADER + """
    - name: Offboard
      ansible.builtin.include_role:
        name: mynster.msgraph.offboarding
      vars:
        offboarding_users: "{{ leavers }}"
        offboarding_show_summary: false
"""


def upn(n):
    return 'user%04d@contoso.example' % n


def seed(bench):
    """Users 0..COUNT/2-1 synchronised; every fourth user in 'Licensed staff', which grants SPE_E3; the others hold it directly."""
    users = []
    for n in range(COUNT):
        user = {'userPrincipalName': upn(n), 'displayName': 'User %04d' % n, 'jobTitle': 'Clerk', 'usageLocation': 'DK'}
        if n < COUNT // 2:
            user['onPremisesSyncEnabled'] = True
        if n % 4:
            user['assignedLicenses'] = [{'skuId': E3}]
        users.append(user)
    groups = [security_group('Licensed staff', assignedLicenses=[{'skuId': E3, 'disabledPlans': []}],
                             members=[upn(n) for n in range(0, COUNT, 4)]),
              security_group('Project', members=[upn(n) for n in range(COUNT)][:200])]
    bench.emulator.seed(subscribedSkus=SKUS, users=users, groups=groups)


def leavers():
    """Half synchronised (from the start of the list), half cloud-only (from the end)."""
    half = LEAVERS // 2
    return [upn(n) for n in range(half)] + [upn(COUNT - 1 - n) for n in range(LEAVERS - half)]


def outcome(row):
    entry = row['run'].result('Outcome')
    return entry.get('msg')


def run(bench):
    seed(bench)
    wanted = [{'userPrincipalName': upn(n), 'jobTitle': 'Engineer'} for n in range(COUNT)]
    refused = bench.measure(NAME, 'update, synced_users=refuse', UPDATE, {'users_': wanted, 'synced_users': 'refuse'})
    skipped = bench.measure(NAME, 'update, synced_users=skip', UPDATE, {'users_': wanted, 'synced_users': 'skip'})
    again = bench.measure(NAME, 'update, re-run', UPDATE, {'users_': wanted, 'synced_users': 'skip'})
    preview = bench.measure(NAME, 'offboarding %d (check mode)' % LEAVERS, OFFBOARD, {'leavers': leavers()}, check=True)
    offboard = bench.measure(NAME, 'offboarding %d' % LEAVERS, OFFBOARD, {'leavers': leavers()})
    offboard_again = bench.measure(NAME, 'offboarding %d, re-run' % LEAVERS, OFFBOARD, {'leavers': leavers()})
    print('\nHybrid tenant: %d users, %d synchronised, %d licensed through a group (emulator latency %d ms)'
          % (COUNT, COUNT // 2, len(range(0, COUNT, 4)), bench.latency_ms))
    print('  %-40s %14s %10s %10s  %s' % ('', 'HTTP requests', 'writes', 'wall s', 'outcome'))
    for row in (refused, skipped, again):
        print('  %-40s %14d %10d %10.1f  %s' % (row['label'], row['http_requests'], row['writes'], row['seconds'], outcome(row)))
    for row in (preview, offboard, offboard_again):
        plan = row['run'].result('Keep the plan as the fact offboarding_plan')['ansible_facts']['offboarding_plan']
        totals = plan['totals']
        print('  %-40s %14d %10d %10.1f  changed=%s disabled=%d groups=%d licences=%d mailboxes kept=%d needs_on_premises=%d'
              % (row['label'], row['http_requests'], row['writes'], row['seconds'], row['run'].recap.get('changed'),
                 totals['disable'], totals['groups_removed'], totals['licenses_removed'], totals['mailboxes_kept'],
                 totals['needs_on_premises']))
    if not BASELINE:
        return
    bench.empty_directory()
    seed(bench)
    naive = bench.measure(NAME, 'uri loop: PATCH every user', PLAY_HEADER + TOKEN_TASK + uri_task(
        'Set the job title', 'PATCH', '/users/{{ item.userPrincipalName }}', {'jobTitle': 'Engineer'}, (204, 400), '{{ users_ }}'),
        {'users_': wanted})
    refused_by_graph = sum(1 for entry in naive['run'].result('Set the job title')['results'] if entry.get('status') == 400)
    print('  %-40s %14d %10d %10.1f  %d refused by Graph after the others were written'
          % (naive['label'], naive['http_requests'], naive['writes'], naive['seconds'], refused_by_graph))
