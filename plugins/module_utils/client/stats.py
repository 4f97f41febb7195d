# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``ClientStats``: what the client did in one task, for module results and the benchmark.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

import threading

from ansible_collections.mynster.msgraph.plugins.module_utils.client.retry import THROTTLE_SCOPES, WAIT_REASONS


class ClientStats:
    """What the client did, for module results and the benchmark. Thread-safe.

    ``throttled`` counts every 429, and ``throttled_by_scope`` splits it by what it was about;
    ``wait_seconds`` is the time the task had nothing in flight and waited, split by reason in
    ``wait_seconds_by_reason``; ``retry_after_received`` adds up the Retry-After values of the 429s.
    """

    FIELDS = ('http_requests', 'batches', 'inner_requests', 'throttled', 'retries', 'replication_retries', 'wait_seconds',
              'retry_after_received', 'lost_answers', 'settled_by_reading', 'outcome_unknown')

    def __init__(self):
        self._lock = threading.Lock()
        self._values = dict((name, 0) for name in self.FIELDS)
        self._scopes = dict((name, 0) for name in THROTTLE_SCOPES)
        self._reasons = dict((name, 0.0) for name in WAIT_REASONS)

    def add(self, **counts):
        with self._lock:
            for name, value in counts.items():
                self._values[name] += value

    def add_throttled(self, scope, retry_after=None):
        with self._lock:
            self._values['throttled'] += 1
            self._scopes[scope] += 1
            self._values['retry_after_received'] += retry_after or 0.0

    def add_wait(self, reason, seconds):
        with self._lock:
            self._values['wait_seconds'] += seconds
            self._reasons[reason] += seconds

    def __getitem__(self, name):
        if name == 'throttled_by_scope':
            return dict(self._scopes)
        if name == 'wait_seconds_by_reason':
            return dict(self._reasons)
        return self._values[name]

    def as_dict(self):
        with self._lock:
            result = dict(self._values)
            result['throttled_by_scope'] = dict(self._scopes)
            result['wait_seconds_by_reason'] = dict((name, round(value, 3)) for name, value in self._reasons.items())
        result['wait_seconds'] = round(result['wait_seconds'], 3)
        result['retry_after_received'] = round(result['retry_after_received'], 3)
        return result
