# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 11, item 5: lost answers. 5 % of Graph HTTP requests fail outside the batch: 2 % answered 503 before
processing, 2 % processed then answered 504, 1 % processed then the connection dropped.

Part 1 drives the client directly with what a module supplies: user creates carry a ``settle`` read (the user by
UPN), licence assignments and ``$ref`` member adds are marked ``safe_to_resend`` ("already exists" counts as done),
welcome events carry a ``transactionId``. 200 licensed users, each added to 2 groups and given one event; the end
state must be exact. Part 2 runs the onboarding role (its modules supply those hooks) under the
same faults, then again without faults, and checks that nothing was ever duplicated.
Environment: BENCH_FAULT_USERS (default 200), BENCH_FAULT_RUNS (default 5: part 1 sends about 50 HTTP requests a run,
so one run meets only two or three faults), BENCH_FAULT_ROLE_RUNS (default 4) for part 2.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter

from benchlib import PLAY_HEADER, direct_client, security_group
from scenario_onboarding import PASSWORD, SKU_ID, hires

NAME = 'faults'
DESCRIPTION = '200 licensed users into 2 groups with an event each, 5 % of HTTP requests failing outside the batch'
COUNT = int(os.environ.get('BENCH_FAULT_USERS', '200'))
RUNS = int(os.environ.get('BENCH_FAULT_RUNS', '5'))
ROLE_RUNS = int(os.environ.get('BENCH_FAULT_ROLE_RUNS', '4'))
FAULTS = {'outer_503_rate': 0.02, 'outer_504_rate': 0.02, 'outer_drop_rate': 0.01}
GROUPS = ('Engineering', 'VPN users')
ALREADY = 'already exist'


def seed_groups(bench, names):
    groups = [security_group(name) for name in names]
    return [group['id'] for group in bench.emulator.seed(groups=groups)['groups']]


def upn(index):
    return 'fault%03d@contoso.example' % index


def user_body(index):
    return {'accountEnabled': True, 'displayName': 'Fault %03d' % index, 'mailNickname': 'fault%03d' % index, 'userPrincipalName': upn(index),
            'usageLocation': 'DK', 'passwordProfile': {'password': PASSWORD, 'forceChangePasswordNextSignIn': True}}


def done_or_already(answer):
    error = answer.error()
    return answer.ok or (error is not None and ALREADY in (error.message or ''))


def direct_job(bench, group_ids):
    """What the modules do, with the hooks they supply; returns client stats and what did not succeed."""
    client, _timed = direct_client(bench, max_retries=10)
    base = client.settings.graph_base + '/directoryObjects/'
    creates = [{'id': upn(i), 'method': 'POST', 'url': '/users', 'body': user_body(i),
                'settle': {'url': "/users('%s')?$select=id,userPrincipalName" % upn(i)}} for i in range(COUNT)]
    ids = {}
    failed = []
    for answer in client.batch(creates):
        if answer.ok:
            ids[answer.id] = answer.body['id']
        else:
            failed.append((answer.id, answer.status, answer.outcome_unknown))
    follow_ups = []
    for name, uid in ids.items():
        follow_ups.append({'id': 'licence:' + name, 'method': 'POST', 'url': '/users/%s/assignLicense' % uid, 'safe_to_resend': True,
                           'replication_wait': 30, 'body': {'addLicenses': [{'skuId': SKU_ID, 'disabledPlans': []}], 'removeLicenses': []}})
        for group_id in group_ids:
            follow_ups.append({'id': 'member:%s:%s' % (group_id, name), 'method': 'POST', 'url': '/groups/%s/members/$ref' % group_id,
                               'safe_to_resend': True, 'replication_wait': 30, 'body': {'@odata.id': base + uid}})
    answers = client.batch(follow_ups)
    failed += [(a.id, a.status, a.outcome_unknown) for a in answers if not done_or_already(a)]
    events = [{'id': 'event:' + name, 'method': 'POST', 'url': '/users/%s/events' % uid, 'replication_wait': 60,
               'body': {'subject': 'Welcome', 'transactionId': 'welcome-' + name, 'start': {'dateTime': '2026-03-02T09:00:00', 'timeZone': 'UTC'},
                        'end': {'dateTime': '2026-03-02T10:00:00', 'timeZone': 'UTC'}}} for name, uid in ids.items()]
    failed += [(a.id, a.status, a.outcome_unknown) for a in client.batch(events) if not a.ok]
    return client.stats.as_dict(), failed


def end_state(bench, group_ids, prefix):
    """Counts that show exactness: users, duplicates, licences, memberships, events."""
    dump = bench.emulator.dump()
    users = [u for u in dump['objects'].get('user', []) if u['userPrincipalName'].startswith(prefix)]
    ids = set(u['id'] for u in users)
    licensed = sum(1 for u in users if any(lic.get('skuId') == SKU_ID for lic in u.get('assignedLicenses') or []))
    members = dict((link['source'], link['targets']) for link in dump['links'] if link['relationship'] == 'members')
    memberships = sum(len(set(members.get(gid, [])) & ids) for gid in group_ids)
    events = [e for e in dump['objects'].get('event', []) if e.get('_mailbox') in ids]
    per_user_event = Counter((e.get('_mailbox'), e.get('subject')) for e in events)
    return {'users': len(users), 'duplicate users': len(users) - len(set(u['userPrincipalName'].lower() for u in users)),
            'licensed': licensed, 'memberships': memberships, 'events': len(events),
            'duplicate events': sum(n - 1 for n in per_user_event.values())}


ROLE_PLAY = PLAY_HEADER + """
    - name: Onboard, and note a failure instead of stopping
      block:
        - name: Onboard the cohort
          ansible.builtin.include_role:
            name: mynster.msgraph.onboarding
          vars:
            onboarding_users: "{{ hires }}"
            onboarding_show_summary: false
      rescue:
        - name: Onboarding failed
          ansible.builtin.debug:
            msg: "{{ ansible_failed_result.msg | default('failed') }}"
"""


def run(bench):
    print('\n%s (emulator latency %d ms)' % (DESCRIPTION, bench.latency_ms))
    print('  part 1, client directly with settle / safe_to_resend / transactionId, %d runs:' % RUNS)
    totals = Counter()
    for number in range(RUNS):
        bench.empty_directory()
        group_ids = seed_groups(bench, GROUPS)
        bench.emulator.configure(**FAULTS)
        bench.emulator.reset_stats()
        start = time.monotonic()
        stats, failed = direct_job(bench, group_ids)
        seconds = time.monotonic() - start
        faults = bench.emulator.stats().get('outer_faults', {})
        state = end_state(bench, group_ids, 'fault')
        exact = state == {'users': COUNT, 'duplicate users': 0, 'licensed': COUNT, 'memberships': COUNT * len(GROUPS), 'events': COUNT,
                          'duplicate events': 0} and not failed
        totals.update(dict(('fault ' + k, v) for k, v in faults.items()))
        totals.update(dict((k, stats[k]) for k in ('lost_answers', 'settled_by_reading', 'outcome_unknown', 'retries')))
        totals['exact runs'] += 1 if exact else 0
        print('    run %d: %.1f s, HTTP %d, faults %s, lost %d, settled %d, unknown %d: %s' % (
            number + 1, seconds, stats['http_requests'], json.dumps(faults, sort_keys=True), stats['lost_answers'],
            stats['settled_by_reading'], stats['outcome_unknown'], 'exact' if exact else 'NOT EXACT %s %s' % (state, failed)))
    print('    total: %s' % json.dumps(dict(totals), sort_keys=True))

    people = hires()[:COUNT]
    print('  part 2, onboarding role (%d hires, 3 groups, event, permission each) under the same faults, then a re-run without, '
          '%d runs:' % (len(people), ROLE_RUNS))
    for number in range(ROLE_RUNS):
        bench.empty_directory()
        seed_groups(bench, ('Engineering', 'VPN users', 'All staff'))
        bench.emulator.seed(users=[{'userPrincipalName': 'megan.bowen@contoso.example', 'displayName': 'Megan Bowen'}])
        group_ids = [g['id'] for g in bench.emulator.objects('group')]
        bench.emulator.configure(**FAULTS)
        first = bench.measure(NAME, 'onboarding role under faults', ROLE_PLAY, {'hires': people})
        after_first = end_state(bench, group_ids, 'hire')
        faults = bench.emulator.stats().get('outer_faults', {})
        bench.emulator.configure(outer_503_rate=0.0, outer_504_rate=0.0, outer_drop_rate=0.0)
        second = bench.measure(NAME, 'onboarding role re-run', ROLE_PLAY, {'hires': people})
        after_second = end_state(bench, group_ids, 'hire')
        print('    run %d: faults %s, %.1f s, %s; re-run changed=%s, %s' % (
            number + 1, json.dumps(faults, sort_keys=True), first['seconds'],
            'task failed' if first['run'].recap.get('rescued') else 'ok',
            second['run'].recap.get('changed'), 'exact' if after_first == after_second and _exact(after_second, len(people), 3) else
            'NOT EXACT %s' % json.dumps(after_second)))
        if first['run'].recap.get('rescued'):
            print('      %s' % first['run'].result('Onboarding failed').get('msg', '')[:400])
        if not _exact(after_first, len(people), 3):
            print('      after the faulty run: %s' % json.dumps(after_first))
    sys.stdout.flush()


def _exact(state, users, groups):
    return state == {'users': users, 'duplicate users': 0, 'licensed': users, 'memberships': users * groups, 'events': users,
                     'duplicate events': 0}
