# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""1,000 users created with a licence, then a no-change re-run: graph_user_bulk versus a per-user uri loop.

The baseline is the idempotent playbook an admin would write with ``ansible.builtin.uri``: look each user up, create
the missing ones, assign the licence where it is missing - one HTTP request per user and step. Both run twice on the
same emulator (the directory is emptied in between); the baseline runs in parts of 200 users, whose figures are
added. Then the module's peak memory is measured by running it directly (the way ansible-playbook runs it, minus the
AnsiballZ wrapper) for 1,000 and 10,000 users.

Environment: BENCH_USERS (default 1000) users for the comparison; BENCH_USERS_MEMORY (default "1000,10000") the sizes
for the memory runs ("" skips them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchlib import PLAY_HEADER, TOKEN_TASK

NAME = 'users'
DESCRIPTION = '1,000 users with a licence, create + no-change re-run, graph_user_bulk vs uri loop; module peak memory'
COUNT = int(os.environ.get('BENCH_USERS', '1000'))
MEMORY_SIZES = [int(n) for n in os.environ.get('BENCH_USERS_MEMORY', '1000,10000').split(',') if n.strip()]
SKU = {'skuId': '05e9a617-0261-4cee-bb44-138d3ef5d965', 'skuPartNumber': 'SPE_E3', 'prepaidUnits': {'enabled': 100000},
       'servicePlans': [{'servicePlanId': '57ff2da0-773e-42df-b2af-ffb7a2317929', 'servicePlanName': 'TEAMS1'}]}
PASSWORD = 'Bench-Passw0rd!'
PART = 200  # users per baseline playbook run: about 0.8 s per uri loop item keeps a part well under the harness's 900 s

OURS = PLAY_HEADER + """
    - name: Onboard every user with a licence
      mynster.msgraph.graph_user_bulk:
        users: "{{ users_ }}"
"""

# One request per user and step; UPNs address users, so no id bookkeeping is needed.
BASELINE = PLAY_HEADER + TOKEN_TASK + """
    - name: Look each user up
      ansible.builtin.uri:
        url: "{{ lookup('env', 'MSGRAPH_URL') }}/v1.0/users/{{ item.upn }}?$select=id,assignedLicenses"
        headers:
          Authorization: "Bearer {{ token.json.access_token }}"
        ca_path: "{{ lookup('env', 'MSGRAPH_CA_PATH') }}"
        status_code: [200, 404]
      loop: "{{ items }}"
      register: lookups

    - name: Create the missing users
      ansible.builtin.uri:
        url: "{{ lookup('env', 'MSGRAPH_URL') }}/v1.0/users"
        method: POST
        headers:
          Authorization: "Bearer {{ token.json.access_token }}"
        ca_path: "{{ lookup('env', 'MSGRAPH_CA_PATH') }}"
        body_format: json
        body: "{{ item.item.body }}"
        status_code: [201]
      loop: "{{ lookups.results }}"
      when: item.status == 404
      no_log: true

    - name: Assign the licence where it is missing
      ansible.builtin.uri:
        url: "{{ lookup('env', 'MSGRAPH_URL') }}/v1.0/users/{{ item.item.upn }}/assignLicense"
        method: POST
        headers:
          Authorization: "Bearer {{ token.json.access_token }}"
        ca_path: "{{ lookup('env', 'MSGRAPH_CA_PATH') }}"
        body_format: json
        body:
          addLicenses: [{skuId: "%s", disabledPlans: []}]
          removeLicenses: []
        status_code: [200]
      loop: "{{ lookups.results }}"
      when: item.status == 404 or not item.json.assignedLicenses
""" % SKU['skuId']


def users(count, prefix='bench'):
    return [{'userPrincipalName': '%s%05d@contoso.example' % (prefix, i), 'displayName': 'Bench User %05d' % i, 'password': PASSWORD,
             'usageLocation': 'DK', 'jobTitle': 'Engineer', 'department': 'R&D %d' % (i % 10), 'licenses': ['SPE_E3']}
            for i in range(count)]


def baseline_items(listed):
    items = []
    for user in listed:
        body = dict((k, v) for k, v in user.items() if k not in ('password', 'licenses'))
        body.update({'accountEnabled': True, 'mailNickname': user['userPrincipalName'].split('@')[0],
                     'passwordProfile': {'password': PASSWORD, 'forceChangePasswordNextSignIn': True}})
        items.append({'upn': user['userPrincipalName'], 'body': body})
    return items


def measure_in_parts(bench, label, items):
    """The baseline over every item, as consecutive playbook runs of PART users (the harness stops a run after 900 s).

    HTTP requests, writes and seconds are summed; each part fetches its own token (token requests are not counted).
    """
    parts = [bench.measure(NAME, '%s (part %d)' % (label, n + 1), BASELINE, {'items': items[start:start + PART]})
             for n, start in enumerate(range(0, len(items), PART))]
    total = {'label': label, 'parts': len(parts)}
    for key in ('http_requests', 'writes', 'seconds', 'inner_requests', 'throttled', 'token_requests'):
        total[key] = sum(part[key] for part in parts)
    return total


def empty_directory(bench):
    """Forget every object but keep the knobs (latency), then subscribe to enough seats."""
    bench.empty_directory()
    bench.emulator.seed(subscribedSkus=[SKU])


def module_run(bench, count):
    """Run the module directly in a child process for ``count`` new users; returns its result, peak RSS and wall time."""
    empty_directory(bench)
    path = os.path.join(bench.workdir, 'module-args-%d.json' % count)
    with open(path, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': {'users': users(count, prefix='mem')}}, handle)
    # getrusage(RUSAGE_CHILDREN) of a fresh helper process sees exactly one child: the module.
    helper = ('import json, resource, subprocess, sys, time; start = time.monotonic(); '
              'done = subprocess.run(sys.argv[1:], capture_output=True, text=True); '
              'print(json.dumps({"rc": done.returncode, "seconds": time.monotonic() - start, "stdout": done.stdout, '
              '"stderr": done.stderr[-3000:], "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))')
    env = dict(os.environ, PYTHONPATH=bench.runner.collections_dir, **bench.emulator.environment())
    command = [sys.executable, '-c', helper, sys.executable, '-m', 'ansible_collections.mynster.msgraph.plugins.modules.graph_user_bulk', path]
    bench.emulator.reset_stats()
    outcome = json.loads(subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=bench.workdir).stdout)
    if outcome['rc'] != 0:
        raise SystemExit('module run with %d users failed:\n%s\n%s' % (count, outcome['stdout'][-3000:], outcome['stderr']))
    result = json.loads(outcome['stdout'])
    return result, outcome['maxrss_kb'] / 1024.0, outcome['seconds'], bench.emulator.stats()


def run(bench):
    listed = users(COUNT)
    empty_directory(bench)
    ours = bench.measure(NAME, 'graph_user_bulk (one task)', OURS, {'users_': listed})
    created = ours['run'].result('Onboard every user with a licence')
    assert len(created['created']) == COUNT and created['failed_users'] == [], created.get('msg')
    ours_again = bench.measure(NAME, 'graph_user_bulk re-run', OURS, {'users_': listed})
    assert ours_again['run'].result('Onboard every user with a licence')['changed'] is False
    assert ours_again['writes'] == 0

    empty_directory(bench)
    items = baseline_items(listed)
    baseline = measure_in_parts(bench, 'ansible.builtin.uri loop', items)
    baseline_again = measure_in_parts(bench, 'ansible.builtin.uri loop re-run', items)
    assert baseline_again['writes'] == 0

    bench.compare('%s users created with a licence' % format(COUNT, ','), ours, baseline)
    bench.compare('%s users, no-change re-run' % format(COUNT, ','), ours_again, baseline_again)

    if MEMORY_SIZES:
        print('\ngraph_user_bulk run directly (module process only; emulator latency %d ms)' % bench.latency_ms)
        print('  %8s %14s %10s %10s %14s' % ('users', 'HTTP requests', 'writes', 'wall s', 'peak RSS MiB'))
        for count in MEMORY_SIZES:
            result, peak, seconds, stats = module_run(bench, count)
            assert len(result['created']) == count, result.get('msg')
            print('  %8s %14d %10d %10.1f %14.1f' % (format(count, ','), stats['http_requests'], stats['writes'], seconds, peak))
            sys.stdout.flush()
