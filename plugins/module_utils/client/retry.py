# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""When to retry, how long to wait, and what a 429 is about.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

The retry policy (which answers are worth another try and after how long) and ``throttle_scope`` (what
a 429 is about: noise, Entra's write quota, Entra's resource units, or one Outlook mailbox). The pacing
that follows from a 429 or from Graph's pressure headers lives in ``pacer``.
"""

from __future__ import annotations

import math
import random
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
WAIT_REASONS = ('retry_after', 'backoff', 'pacing', 'replication', 'mailbox')


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
