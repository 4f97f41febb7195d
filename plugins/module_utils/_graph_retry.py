# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""When to retry, how long to wait, and how fast to send.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Everything about throttling lives here: the retry policy (which answers are worth another try and
after how long) and the pacer, which slows sending down before Graph starts refusing and speeds it
up again when Graph allows, so a long bulk run does not turn into a retry storm.
"""

from __future__ import annotations

import math
import random
from collections import deque
import threading
import time
from email.utils import parsedate_to_datetime

# Inner and direct answers that mean "not done, try later".
RETRYABLE_STATUSES = frozenset((429, 503, 504))
# For these the request may have run before the answer was lost (gateway timeout), so a re-sent POST
# could act twice; results say so when that happens.
UNKNOWN_OUTCOME_STATUSES = frozenset((502, 504))
# Methods Graph treats as safe to repeat.
IDEMPOTENT_METHODS = frozenset(('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'))


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After value: decimal seconds (Graph sends ``2.128``) or an HTTP date.

    Returns None when the value is absent or unreadable, so the caller falls back to backoff.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        # "30, 120" (a list of values) has been seen: the first one counts.
        seconds = float(text.split(',', maxsplit=1)[0])
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (now if now is not None else time.time())
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def header_value(headers, name):
    """Case-insensitive header lookup on a plain dict (batch inner headers are plain dicts)."""
    if not headers:
        return None
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


class RetryPolicy:
    """How many times to retry and how long to wait before each try."""

    def __init__(self, max_retries=6, max_retry_wait=60.0, base_delay=0.5, rng=None):
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.base_delay = base_delay
        self._rng = rng or random.Random()

    def can_retry(self, attempt):
        """``attempt`` is the number of tries already made (1 after the first send)."""
        return attempt <= self.max_retries

    def delay(self, attempt, retry_after=None):
        """Seconds to wait before try number ``attempt + 1``.

        Graph's own Retry-After wins when given (capped by ``max_retry_wait``); otherwise exponential
        backoff with jitter, so many clients throttled together do not come back together.
        """
        seconds = parse_retry_after(retry_after)
        if seconds is None:
            ceiling = self.base_delay * (2 ** max(0, attempt - 1))
            seconds = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        return min(seconds, self.max_retry_wait)


class Pacer:
    """Adaptive send rate shared by every request of a run (additive increase, multiplicative decrease).

    It starts unlimited, so reads and small jobs never wait. A 429 halves the rate (starting from
    what was actually being sent), at most once per ``cut_interval`` because the answers of one batch
    report the same pressure; ``x-ms-throttle-limit-percentage`` near the limit trims it gently
    before Graph refuses anything, and between 80 % and 95 % the rate is held. Quiet periods raise it
    step by step. A 429's Retry-After also pauses all sending, because Graph counts throttled calls
    against the same quota. The result: a long write job settles just under Entra's write quota.
    """

    high_water = 0.8
    danger = 0.95
    throttled_factor = 0.5
    danger_factor = 0.85
    cut_interval = 0.5
    raise_interval = 1.0
    raise_fraction = 0.05
    window = 2.0
    min_rate = 1.0

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self.rate = None  # inner requests per second; None = unlimited
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_cut = {}  # factor -> time of the last cut with it
        self._last_raise = float('-inf')
        self._sent = deque()  # (time, count) of requests sent inside the window
        self._succeeded = deque()  # times of 2xx answers since pacing began, inside the window

    def wait_turn(self, count=1):
        """Block until ``count`` requests may be sent; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._paused_until)
            if self.rate:
                start = max(start, self._next_slot)
                self._next_slot = start + count / self.rate
            self._sent.append((start, count))
            wait = start - now
        if wait > 0:
            self._sleep(wait)
        return max(0.0, wait)

    def observe(self, status, headers=None):
        """Feed one answer (inner or direct) into the rate."""
        usage = _float(header_value(headers, 'x-ms-throttle-limit-percentage'))
        with self._lock:
            now = self._clock()
            if self.rate is not None and status is not None and 200 <= status < 300:
                self._succeeded.append(now)
            if status == 429:
                retry_after = parse_retry_after(header_value(headers, 'Retry-After'))
                if retry_after:
                    self._paused_until = max(self._paused_until, now + retry_after)
                self._cut(now, self.throttled_factor)
            elif usage is not None and usage >= self.danger:
                self._cut(now, self.danger_factor)
            elif usage is not None and usage >= self.high_water:
                if self.rate is None:
                    self._cut(now, 1.0)  # close to the limit: stop bursting, hold the current pace
            elif self.rate is not None and status is not None and 200 <= status < 300 and now - self._last_raise >= self.raise_interval:
                # Raise only while the rate is what holds sending back; a rate nobody uses would
                # grow unchecked and release a burst later.
                if self._recent_send_rate(now) >= 0.8 * self.rate:
                    self.rate += max(self.min_rate, self.rate * self.raise_fraction)
                    self._last_raise = now

    def _cut(self, now, factor):
        # A gentle trim never delays a halving: each kind of cut has its own interval.
        if now - self._last_cut.get(factor, float('-inf')) < self.cut_interval:
            return
        if self.rate is None:
            # The first burst rode on the quota's stored capacity; from now on only its refill counts.
            self.rate = max(self.min_rate, self._recent_send_rate(now) * factor)
            self._succeeded.clear()
        else:
            # Never below what demonstrably gets through: that is the quota's own pace.
            self.rate = max(self.min_rate, self.rate * factor, 0.9 * self._goodput(now))
        self._last_cut[factor] = self._last_raise = now
        self._next_slot = max(self._next_slot, now)

    def _goodput(self, now):
        while self._succeeded and self._succeeded[0] < now - self.window:
            self._succeeded.popleft()
        if not self._succeeded:
            return 0.0
        return len(self._succeeded) / max(1.0, now - self._succeeded[0])

    def _recent_send_rate(self, now):
        while self._sent and self._sent[0][0] < now - self.window:
            self._sent.popleft()
        if not self._sent:
            return self.min_rate
        # Over the whole window, not since the first send: batches leave in bursts.
        return sum(entry[1] for entry in self._sent) / self.window


def _float(value):
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
