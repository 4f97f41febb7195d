# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``Pacer``: when each kind of request may go, from mirrors of Entra's documented token buckets.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

A long write job slows down before Graph refuses it, and a 429 pauses only what it is about.
"""

from __future__ import annotations

import threading
import time

from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import header_value

# Entra ID's documented quotas per application and tenant (learn.microsoft.com/graph/throttling-limits):
# writes 3,000 per 2 min 30 s; resource units 3,500 / 5,000 / 8,000 per 10 s by tenant size. The tenant's
# size is unknown here, so the resource-unit mirror takes the smallest.
WRITE_QUOTA = (3000, 150.0)
RESOURCE_QUOTA = (3500, 10.0)


class TokenBucket:
    """A mirror of one of Graph's token buckets: ``capacity`` units, refilled evenly over ``window`` seconds."""

    def __init__(self, capacity, window, now):
        self.capacity = float(capacity)
        self.rate = self.capacity / float(window)
        self.tokens = self.capacity
        self._stamp = now

    def level(self, now):
        """Units held now (negative: in debt)."""
        if now > self._stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self._stamp) * self.rate)
            self._stamp = now
        return self.tokens

    def wait(self, units, now):
        """Seconds until ``units`` (at most a full bucket) are held."""
        missing = min(units, self.capacity) - self.level(now)
        return missing / self.rate if missing > 1e-6 else 0.0

    def take(self, units, now):
        self.tokens = self.level(now) - units

    def lower_to(self, tokens, now):
        """What Graph reported wins when it holds less than the mirror thought."""
        self.tokens = min(self.level(now), tokens)

    def raise_to(self, tokens, now):
        """What Graph reported wins when it holds more than the mirror thought."""
        self.tokens = min(self.capacity, max(self.level(now), tokens))

    def set(self, tokens, now):
        self.level(now)
        self.tokens = min(self.capacity, tokens)


class Pacer:
    """Decides when each kind of request may go; shared by every request of a task.

    Directory (Entra) requests spend two budgets, mirrored as token buckets of Graph's documented shape:
    writes (3,000 per 150 s) and resource units (per 10 s). The write mirror paces every directory write
    from the start, so a job that outgrows the burst settles at the quota's refill rate instead of running
    into 429s. The resource-unit mirror paces only while Graph reports pressure, because the tenant's
    size (and so the budget) is unknown. ``x-ms-throttle-limit-percentage`` (sent on every answer once
    more than 80 % is used) tells how much of a budget is left and lowers the mirror to it; an Entra answer
    without it says more than 20 % is left. A scoped 429 empties its mirror for its Retry-After. Outlook
    requests spend neither: a mailbox's 429 pauses that mailbox only. A 429 that names no scope (noise)
    changes nothing here: only the throttled request waits.
    """

    def __init__(self, clock=time.monotonic, write_quota=WRITE_QUOTA, resource_quota=RESOURCE_QUOTA):
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        self.writes = TokenBucket(write_quota[0], write_quota[1], now)
        self.resources = TokenBucket(resource_quota[0], resource_quota[1], now)
        self.resources_paced = False
        self.unit_cost = 1.0  # resource units per directory request, learned from x-ms-resource-unit
        self.writes_paused_until = 0.0
        self.directory_paused_until = 0.0
        self.mailbox_paused_until = {}
        self._inflight_writes = 0
        self._inflight_requests = 0
        self._pressure_at = float('-inf')

    def paused_until(self, mailbox, is_write):
        """``(time, reason)`` before which a request of this kind must not go (a scoped 429's Retry-After)."""
        with self._lock:
            if mailbox is not None:
                return self.mailbox_paused_until.get(mailbox, 0.0), 'retry_after'
            until = self.directory_paused_until
            if is_write:
                until = max(until, self.writes_paused_until)
            return until, 'retry_after'

    def tokens_wait(self, writes, requests_):
        """Seconds until the mirrors hold enough for ``writes`` directory writes among ``requests_`` directory requests."""
        with self._lock:
            now = self._clock()
            wait = self.writes.wait(writes, now) if writes else 0.0
            if self.resources_paced and requests_:
                wait = max(wait, self.resources.wait(requests_ * self.unit_cost, now))
            return wait

    def take(self, writes, requests_):
        """Spend the budgets of requests about to be sent."""
        with self._lock:
            now = self._clock()
            if writes:
                self.writes.take(writes, now)
            if requests_ and self.resources_paced:
                self.resources.take(requests_ * self.unit_cost, now)
            self._inflight_writes += writes
            self._inflight_requests += requests_

    def answered(self, writes, requests_):
        """Requests taken earlier are back (answered, refused or lost)."""
        with self._lock:
            self._inflight_writes -= writes
            self._inflight_requests -= requests_

    def observe(self, answers, sent_at=None):
        """Learn from the answers of one batch (or one direct request) that were not throttled.

        ``answers`` are ``(headers, mailbox, is_write)``; ``sent_at`` is when they were sent. Costs come from
        ``x-ms-resource-unit``; what is left from the highest ``x-ms-throttle-limit-percentage``, the state
        after the last request Graph ran. Entra-metered answers without it say more than 20 % is left -
        news only when they were sent after the last report of pressure.
        """
        with self._lock:
            now = self._clock()
            used = {True: None, False: None}
            metered = False
            for headers, mailbox, is_write in answers:
                if mailbox is not None or not headers:
                    continue
                cost = _float(header_value(headers, 'x-ms-resource-unit'))
                if cost is not None and cost > 0:
                    metered = True
                    self.unit_cost = 0.8 * self.unit_cost + 0.2 * cost
                share = _float(header_value(headers, 'x-ms-throttle-limit-percentage'))
                if share is not None:
                    used[bool(is_write)] = max(share, used[bool(is_write)] or 0.0)
            if used[True] is not None or used[False] is not None:
                self._pressure_at = now
            elif metered and (sent_at is None or sent_at > self._pressure_at):
                self.resources_paced = False
                self.writes.raise_to(0.2 * self.writes.capacity - self._inflight_writes, now)
                return
            # Requests sent after these are taken from the mirror but not yet seen by Graph. The header does not
            # name its quota: above 100 % on a write Graph admitted, it speaks of another (resource units may
            # run into debt).
            if used[True] is not None:
                self.writes.lower_to(max(0.0, 1.0 - used[True]) * self.writes.capacity - self._inflight_writes, now)
            if used[False] is not None:
                self._pace_resources((1.0 - used[False]) * self.resources.capacity - self._inflight_requests * self.unit_cost, now)

    def _pace_resources(self, tokens, now):
        """Start pacing resource units from what Graph reported, or lower the mirror while pacing."""
        if self.resources_paced:
            self.resources.lower_to(tokens, now)
        else:
            self.resources_paced = True
            self.resources.set(tokens, now)

    def throttled(self, scope, seconds, mailbox=None):
        """A 429 about ``scope``: pause what it is about for ``seconds`` and empty the mirror it names."""
        with self._lock:
            now = self._clock()
            until = now + seconds
            if scope == 'mailbox' and mailbox is not None:
                self.mailbox_paused_until[mailbox] = max(self.mailbox_paused_until.get(mailbox, 0.0), until)
            elif scope == 'write':
                self.writes_paused_until = max(self.writes_paused_until, until)
                # Graph will hold one write's worth after Retry-After; what is in flight is already spent.
                self.writes.lower_to(1.0 - seconds * self.writes.rate - self._inflight_writes, now)
            elif scope == 'resource':
                self.directory_paused_until = max(self.directory_paused_until, until)
                self._pace_resources(self.unit_cost - seconds * self.resources.rate - self._inflight_requests * self.unit_cost, now)


def _float(value):
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
