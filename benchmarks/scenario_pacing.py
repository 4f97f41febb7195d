# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 11, item 4: pacing under Entra's write quota as Graph documents it.

The emulator runs Entra's quotas for a tenant of 50-500 users (``entra_quotas: M``): writes 3,000 per 150 s per app
and tenant (a bucket of 3,000 refilling at 20 per second), resource units 5,000 per 10 s. One graph_batch task sends
5,000 PATCH writes. The bucket starts full, so Graph can admit at most 3,000 + 20 x T writes in T seconds: goodput is
the share of that refill the job used, (writes - 3,000) / (20 x T), with T the task's whole wall time (Ansible
included). Then a second task right after, 1,000 writes more, starts on a bucket the first one emptied: its mirror of
the quota is full, Graph's is not, and x-ms-throttle-limit-percentage tells it so.
Environment: BENCH_QUOTA_WRITES (default 5000), BENCH_QUOTA_SECOND (default 1000).
"""

from __future__ import annotations

import json
import os
import sys

from benchlib import PLAY_HEADER

NAME = 'pacing'
DESCRIPTION = '5,000 writes under Entra\'s write quota (3,000 per 150 s): goodput and share throttled'
WRITES = int(os.environ.get('BENCH_QUOTA_WRITES', '5000'))
SECOND = int(os.environ.get('BENCH_QUOTA_SECOND', '1000'))
USERS = 500
CAPACITY, RATE = 3000, 20.0
TASK = 'Write'
PLAY = PLAY_HEADER + """
    - name: %s
      mynster.msgraph.graph_batch:
        requests: "{{ requests_ }}"
""" % TASK


def patches(ids, count, round_):
    return [{'id': 'w%d-%d' % (round_, n), 'method': 'PATCH', 'url': '/users/%s' % ids[n % len(ids)],
             'body': {'jobTitle': 'Paced %d-%d' % (round_, n)}} for n in range(count)]


def report(label, row, burst=None):
    """One line; goodput only when the bucket's level at the start is known (``burst``)."""
    stats = row['run'].result(TASK)['stats']
    goodput = '%9.0f%%' % (100.0 * (row['writes'] - burst) / (RATE * row['seconds'])) if burst is not None else '%10s' % '-'
    print('  %-34s %7d %7d %7d %8.1f%% %8.1f %9.1f %s' % (
        label, row['writes'], row['inner_requests'], row['throttled'], 100.0 * row['throttled'] / max(1, row['inner_requests']),
        row['seconds'], row['writes'] / row['seconds'], goodput))
    return stats


def run(bench):
    bench.empty_directory()
    seeded = bench.emulator.seed(users=[{'displayName': 'Pace %04d' % i, 'userPrincipalName': 'pace%04d@contoso.example' % i}
                                        for i in range(USERS)])
    ids = [user['id'] for user in seeded['users']]
    bench.emulator.configure(entra_quotas='M')
    first = bench.measure(NAME, 'first', PLAY, {'requests_': patches(ids, WRITES, 1)})
    second = bench.measure(NAME, 'second', PLAY, {'requests_': patches(ids, SECOND, 2)})
    print('\n%s (emulator latency %d ms, entra_quotas M)' % (DESCRIPTION, bench.latency_ms))
    print('  %-34s %7s %7s %7s %9s %8s %9s %10s' % ('', 'writes', 'inner', '429s', 'throttled', 'wall s', 'writes/s', 'goodput'))
    stats = report('%s writes, bucket full' % format(WRITES, ','), first, CAPACITY)
    # the second task starts on what the first one left plus what refilled while Ansible started it: unknown
    stats_second = report('%s more, bucket spent' % format(SECOND, ','), second)
    print('  goodput: (writes - 3,000 stored) / (20 writes/s x wall time): the share of the refill the task used')
    print('  client, first task: %s' % json.dumps(stats, sort_keys=True))
    print('  client, second task: %s' % json.dumps(stats_second, sort_keys=True))
    sys.stdout.flush()
