# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""When to retry, how long to wait, and what a 429 is about.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Everything about throttling lives here: the retry policy (which answers are worth another try and
after how long), ``throttle_scope`` (what a 429 is about: noise, Entra's write quota, Entra's
resource units, or one Outlook mailbox) and the ``Pacer``, which mirrors Entra's documented token
buckets so a long write job slows down before Graph refuses, and pauses only what a 429 is about.
"""

from __future__ import annotations

import math
import random
import threading
import time
from email.utils import parsedate_to_datetime

from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_WAIT
from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import header_value

# Inner and direct answers that mean "not done, try later".
RETRYABLE_STATUSES = frozenset((429, 503, 504))
# Graph refused these before running anything: always safe to send again.
NOT_PROCESSED_STATUSES = frozenset((429, 503))
# A gateway answered instead of Graph: the request may have run and its answer been lost.
LOST_ANSWER_STATUSES = frozenset((502, 504))
# The same for the $batch call itself, where a 500 may also come after the inner requests ran.
OUTER_LOST_ANSWER_STATUSES = frozenset((500, 502, 504))
# Methods Graph treats as safe to repeat.
IDEMPOTENT_METHODS = frozenset(('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'))

# What a 429 is about (ClientStats.throttled_by_scope).
THROTTLE_SCOPES = ('random', 'write', 'resource', 'mailbox')
# Why the client waited (ClientStats.wait_seconds_by_reason).
WAIT_REASONS = ('retry_after', 'backoff', 'pacing', 'replication')

# Entra ID's documented quotas per application and tenant (learn.microsoft.com/graph/throttling-limits):
# writes 3,000 per 2 min 30 s; resource units 3,500 / 5,000 / 8,000 per 10 s by tenant size. The tenant's
# size is unknown here, so the resource-unit mirror takes the smallest.
WRITE_QUOTA = (3000, 150.0)
RESOURCE_QUOTA = (3500, 10.0)


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


def throttle_scope(headers, is_write=False, mailbox=None, body=None):
    """What a 429 is about: ``mailbox``, ``write``, ``resource`` or ``random`` (noise).

    A 429 for a mailbox's request (Outlook's MailboxConcurrency and its other limits) is about that
    mailbox. Entra names its quota in ``x-ms-throttle-scope`` (``Tenant_Application/Write/{app}/{tenant}``:
    the write quota; ``.../Read/...`` or ``.../ReadWrite/...``: resource units, which every directory
    request spends) or in ``x-ms-throttle-information``; a bare ``x-ms-throttle-limit-percentage`` says a
    quota is nearly spent, the write quota for a write. Anything else is noise: a busy backend, another
    app, nothing the client's pace caused.
    """
    if mailbox is not None or _says_mailbox_concurrency(body):
        return 'mailbox'
    scope = header_value(headers, 'x-ms-throttle-scope')
    if scope:
        parts = str(scope).split('/')
        limit = parts[1].strip().lower() if len(parts) > 1 else ''
        if limit == 'write':
            return 'write'
        if limit in ('read', 'readwrite'):
            return 'resource'
    information = str(header_value(headers, 'x-ms-throttle-information') or '').lower()
    if 'write' in information:
        return 'write'
    if information:
        return 'resource'
    if scope or header_value(headers, 'x-ms-throttle-limit-percentage') is not None:
        return 'write' if is_write else 'resource'
    return 'random'


def _says_mailbox_concurrency(body):
    error = body.get('error') if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return False
    return 'mailboxconcurrency' in ('%s %s' % (error.get('code'), error.get('message'))).lower()


class RetryPolicy:
    """How many times to retry and how long to wait before each try."""

    def __init__(self, max_retries=DEFAULT_MAX_RETRIES, max_retry_wait=DEFAULT_MAX_RETRY_WAIT, base_delay=0.5, rng=None):
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

    def wait(self, attempt, retry_after=None):
        """``(seconds, reason)`` before try number ``attempt + 1``; the reason, for stats, says whether Graph set the time."""
        given = parse_retry_after(retry_after)
        return self.delay(attempt, given), ('retry_after' if given is not None else 'backoff')


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
