# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pacing under Entra's write quota: 1,000 PATCH writes through graph_batch with the emulator's quotas on.

Entra allows 3,000 writes per 150 s per app and tenant (20 per second). The emulator runs the same
refill rate with a smaller bucket (200 per 10 s) so the steady state shows within a short run.
"""

from __future__ import annotations

import sys

from benchlib import PLAY_HEADER

NAME = 'pacing'
DESCRIPTION = '1,000 writes under the write quota: throttled share and writes/s'
COUNT = 1000
QUOTA, WINDOW = 200, 10.0


def run(bench):
    seeded = bench.emulator.seed(users=[{'displayName': 'Pace %04d' % i, 'userPrincipalName': 'pace%04d@contoso.example' % i,
                                         'mailNickname': 'pace%04d' % i, 'accountEnabled': True} for i in range(COUNT)])
    requests_ = [{'id': user['id'], 'method': 'PATCH', 'url': '/users/%s' % user['id'], 'body': {'jobTitle': 'Paced'}}
                 for user in seeded['users']]
    bench.emulator.configure(write_quota=QUOTA, write_window_s=WINDOW)
    row = bench.measure(NAME, 'graph_batch, 1,000 PATCH', PLAY_HEADER + """
    - name: Write every user
      mynster.msgraph.graph_batch:
        requests: "{{ requests_ }}"
""", {'requests_': requests_})
    stats = row['run'].result('Write every user')['stats']
    quota_rate = QUOTA / WINDOW
    # The bucket starts full: that stored capacity is spent in the first second, the rest is paced.
    steady = (row['writes'] - QUOTA) / max(0.001, row['seconds'])
    print('\n%s (emulator latency %d ms, write quota %d per %.0f s = %.0f writes/s)' % (DESCRIPTION, bench.latency_ms, QUOTA, WINDOW, quota_rate))
    print('  writes done                     %6d' % row['writes'])
    print('  inner requests sent             %6d' % row['inner_requests'])
    print('  answered 429                    %6d  (%.1f%% of inner requests)' % (row['throttled'], 100.0 * row['throttled'] / max(1, row['inner_requests'])))
    print('  wall time                       %6.1f s' % row['seconds'])
    print('  writes per second after burst   %6.1f  (%.0f%% of the quota)' % (steady, 100 * steady / quota_rate))
    print('  client: %s' % stats)
    sys.stdout.flush()
