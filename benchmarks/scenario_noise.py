# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 11, item 1: noise must not collapse throughput.

100 licensed users created by graph_user_bulk while the emulator answers 30 % of requests 429 at random, without
Entra's scope headers, with Retry-After up to 1 s (decimals, as Graph sends them) and then exactly 1 s. Printed
beside the same job without throttling and beside the sum of the Retry-After values the task received: a task
that waits only for what Graph asked waits at most that sum, and a round of retries costs one Retry-After.
Environment: BENCH_NOISE_USERS (default 100).
"""

from __future__ import annotations

import os
import sys

from benchlib import PLAY_HEADER
from scenario_users import SKU, users

NAME = 'noise'
DESCRIPTION = '100 licensed users under 30 % random 429s (Retry-After <= 1 s) vs no throttling'
COUNT = int(os.environ.get('BENCH_NOISE_USERS', '100'))
TASK = 'Create licensed users'
PLAY = PLAY_HEADER + """
    - name: %s
      mynster.msgraph.graph_user_bulk:
        users: "{{ users_ }}"
        max_retries: 12
""" % TASK


def one_run(bench, label, knobs):
    bench.empty_directory()
    bench.emulator.seed(subscribedSkus=[SKU])
    bench.emulator.configure(**knobs)
    row = bench.measure(NAME, label, PLAY, {'users_': users(COUNT, prefix='noise')})
    result = row['run'].result(TASK)
    assert len(result['created']) == COUNT and not result['failed_users'], result.get('msg')
    assert len(bench.emulator.objects('user')) == COUNT
    return row, result['stats']


def run(bench):
    rows = [one_run(bench, 'no throttling', {}),
            one_run(bench, '30 % 429, Retry-After 0.05-1 s', {'throttle_rate': 0.3, 'retry_after_s': 1.0, 'fractional_retry_after': True}),
            one_run(bench, '30 % 429, Retry-After 1 s', {'throttle_rate': 0.3, 'retry_after_s': 1.0})]
    print('\n%d licensed users, graph_user_bulk, random 429s without scope headers (emulator latency %d ms)' % (COUNT, bench.latency_ms))
    print('  %-32s %8s %8s %10s %12s %12s' % ('', 'wall s', 'HTTP', 'throttled', 'sum R-A s', 'waited s'))
    for row, stats in rows:
        print('  %-32s %8.1f %8d %10d %12.1f %12.1f' % (
            row['label'], row['seconds'], row['http_requests'], stats['throttled'], stats['retry_after_received'], stats['wait_seconds']))
        assert stats['throttled_by_scope']['random'] == stats['throttled'] == row['throttled']
        assert stats['wait_seconds'] <= stats['retry_after_received'] + 0.001
    print('  waited s: stats.wait_seconds, time the task had nothing in flight; sum R-A s: stats.retry_after_received')
    sys.stdout.flush()
