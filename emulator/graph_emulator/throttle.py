# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Throttling: random 429s, Entra's token buckets per application+tenant (§2.1, §2.4) and Outlook's per-mailbox limits.

Choice documented in the README: every request that reaches the throttle is charged its
resource-unit cost, throttled or not (Graph says throttled calls count against usage), but
only admitted writes take from the write quota. A bucket may therefore go below zero, down to
-80 % of its size, which is what makes `x-ms-throttle-limit-percentage` reach 1.8.
"""

import math
import random
import threading
import time

from .wire import GraphError

LIMIT_REPORTED_FROM = 0.8
DEEPEST_DEBT = 0.8


class Bucket:
    """A token bucket holding `capacity` units and refilling all of them over `window_s`."""

    def __init__(self, capacity, window_s):
        self.capacity = capacity
        self.rate = capacity / window_s
        self.tokens = float(capacity)
        self.stamp = time.monotonic()

    def refill(self):
        """Add what has dripped in since the last look."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def charge(self, units):
        """Take units, possibly into debt (bounded)."""
        self.tokens = max(self.tokens - units, -DEEPEST_DEBT * self.capacity)

    def wait(self, units):
        """Seconds until `units` are available."""
        return max(0.0, (units - self.tokens) / self.rate)

    @property
    def used(self):
        """Fraction of the quota consumed (above 1 when in debt)."""
        return (self.capacity - self.tokens) / self.capacity


def seconds(value):
    """Retry-After text with at most 3 decimals, rounded up so waiting that long is enough."""
    value = max(math.ceil(value * 1000) / 1000, 0.001)
    return f"{value:.3f}".rstrip("0").rstrip(".")


def too_many_requests(retry_after, kind, extra_headers=None):
    """The 429 Graph documents, with Retry-After; `kind` (stats.THROTTLE_KINDS) says what caused it."""
    headers = {"Retry-After": retry_after}
    headers.update(extra_headers or {})
    inner = {"code": "429", "message": "Please retry after", "status": "429"}
    err = GraphError(429, "TooManyRequests", "Please retry again later.", headers, inner)
    err.kind = kind
    return err


class Throttle:
    """Decides per operation whether it is admitted, and with which headers."""

    def __init__(self, config, tenant_id, rng=None):
        self.config = config
        self.tenant_id = tenant_id
        self.rng = rng or random.Random()
        self._lock = threading.Lock()
        self._buckets = {}
        self._shape = None

    def reset(self):
        """Refill every bucket."""
        with self._lock:
            self._buckets.clear()

    @staticmethod
    def cost(req, route):
        """(resource units, write units) per the §2.4 table and modifiers; minimum one unit."""
        units = route.cost
        try:
            options = req.query()
        except GraphError:
            options = {}
        units += -1 if "$select" in options else 0
        units += 1 if "$expand" in options else 0
        top = options.get("$top", "")
        units += -1 if top.isdigit() and int(top) < 20 else 0
        return max(units, 1), (1 if route.write else 0)

    def _random_retry_after(self):
        if self.config.fractional_retry_after:
            return f"{self.rng.uniform(0.05, max(self.config.retry_after_s, 0.05)):.3f}"
        return str(math.ceil(self.config.retry_after_s))

    def _buckets_for(self, app_id):
        """(resource bucket or None, write bucket or None) for this app, rebuilt when knobs change."""
        cfg = self.config
        shape = (cfg.resource_units, cfg.resource_window_s, cfg.write_quota, cfg.write_window_s)
        if shape != self._shape:
            self._buckets.clear()
            self._shape = shape
        if app_id not in self._buckets:
            self._buckets[app_id] = (Bucket(cfg.resource_units, cfg.resource_window_s) if cfg.resource_units else None,
                                     Bucket(cfg.write_quota, cfg.write_window_s) if cfg.write_quota else None)
        return self._buckets[app_id]

    def admit(self, req, route):
        """Headers for an admitted request; raises the 429 GraphError for a throttled one.

        Outlook (mailbox) requests are not Entra's: they meet random 429s only here (their limits are MailboxGate's).
        """
        if route.mailbox:
            if self.config.throttle_rate and self.rng.random() < self.config.throttle_rate:
                raise too_many_requests(self._random_retry_after(), "random")
            return {}
        units, writes = self.cost(req, route)
        app = req.app_id or "unknown"
        with self._lock:
            ru_bucket, write_bucket = self._buckets_for(app)
            for bucket in (ru_bucket, write_bucket):
                if bucket:
                    bucket.refill()
            if ru_bucket:
                ru_bucket.charge(units)
            if self.config.throttle_rate and self.rng.random() < self.config.throttle_rate:
                raise too_many_requests(self._random_retry_after(), "random")
            if ru_bucket and ru_bucket.tokens < 0:
                raise too_many_requests(seconds(ru_bucket.wait(units)), "resource_units", {
                    "x-ms-throttle-scope": f"Tenant_Application/ReadWrite/{app}/{self.tenant_id}",
                    "x-ms-throttle-information": "ResourceUnitLimitExceeded"})
            if write_bucket and writes and write_bucket.tokens < writes:
                raise too_many_requests(seconds(write_bucket.wait(writes)), "write", {
                    "x-ms-throttle-scope": f"Tenant_Application/Write/{app}/{self.tenant_id}",
                    "x-ms-throttle-information": "WriteLimitExceeded"})
            if write_bucket and writes:
                write_bucket.charge(writes)
            used = max([b.used for b in (ru_bucket, write_bucket) if b] or [0])
        headers = {"x-ms-resource-unit": str(units)}
        if used > LIMIT_REPORTED_FROM:
            headers["x-ms-throttle-limit-percentage"] = f"{min(used, 1 + DEEPEST_DEBT):.2f}".rstrip("0").rstrip(".")
        return headers


MAILBOX_CONCURRENCY = "Application is over its MailboxConcurrency limit."  # magodo/terraform-provider-outlook#21, alcionai/corso#3695
MAILBOX_RATE = "Application is over its MailboxRequests limit."  # our wording: the text of Outlook's rate 429 is UNCONFIRMED


def mailbox_throttled(message, retry_after, kind):
    """Outlook's 429 (code ApplicationThrottled) with Retry-After."""
    err = GraphError(429, "ApplicationThrottled", message, {"Retry-After": retry_after})
    err.kind = kind
    return err


class MailboxGate:
    """Outlook's limits per application+mailbox (throttling-limits.md): at most `mailbox_concurrency` requests at once and
    `mailbox_requests` per `mailbox_window_s`. A request over either limit is refused at once, never queued."""

    def __init__(self, config, stats):
        self.config = config
        self.stats = stats
        self._lock = threading.Lock()
        self._in_flight = {}  # (app, mailbox) -> requests being served
        self._buckets = {}    # (app, mailbox) -> Bucket of requests
        self._shape = None

    def reset(self):
        """Forget the request-rate buckets (requests in flight stay counted until they finish)."""
        with self._lock:
            self._buckets.clear()

    def enter(self, app, mailbox):
        """Admit one request for the mailbox, or raise the 429; the caller must leave() after an admitted one."""
        cfg, key = self.config, (app, mailbox)
        with self._lock:
            busy = self._in_flight.get(key, 0)
            if busy >= cfg.mailbox_concurrency:
                raise mailbox_throttled(MAILBOX_CONCURRENCY, str(math.ceil(cfg.retry_after_s)), "mailbox_concurrency")
            shape = (cfg.mailbox_requests, cfg.mailbox_window_s)
            if shape != self._shape:
                self._buckets.clear()
                self._shape = shape
            bucket = self._buckets.setdefault(key, Bucket(cfg.mailbox_requests, cfg.mailbox_window_s))
            bucket.refill()
            if bucket.tokens < 1:
                raise mailbox_throttled(MAILBOX_RATE, seconds(bucket.wait(1)), "mailbox_rate")
            bucket.charge(1)
            self._in_flight[key] = busy + 1
        self.stats.mailbox_peak(mailbox, busy + 1)

    def leave(self, app, mailbox):
        """One admitted request for the mailbox finished."""
        with self._lock:
            key = (app, mailbox)
            self._in_flight[key] -= 1
            if not self._in_flight[key]:
                del self._in_flight[key]
