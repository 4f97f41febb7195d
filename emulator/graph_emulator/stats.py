# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thread-safe traffic counters, read by tests and benchmarks through /_emulator/stats."""

import threading

COUNTERS = ("http_requests", "token_requests", "batches", "inner_requests", "writes", "throttled", "outer_errors")


class Stats:
    """Counters plus in-flight tracking for peak concurrency."""

    def __init__(self):
        self._lock = threading.Lock()
        self._in_flight = 0
        self.reset()

    def reset(self):
        """Zero every counter; the peak restarts from what is in flight now."""
        with self._lock:
            self._counts = dict.fromkeys(COUNTERS, 0)
            self._by_method = {}
            self._by_status = {}
            self._peak = self._in_flight

    def add(self, name, amount=1):
        """Increment one of COUNTERS."""
        with self._lock:
            self._counts[name] += amount

    def operation(self, method, status):
        """Record one Graph operation (direct or inner) by method and final status."""
        with self._lock:
            self._by_method[method] = self._by_method.get(method, 0) + 1
            key = str(status)
            self._by_status[key] = self._by_status.get(key, 0) + 1

    def enter(self):
        """A Graph HTTP request started."""
        with self._lock:
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)

    def leave(self):
        """A Graph HTTP request finished."""
        with self._lock:
            self._in_flight -= 1

    def snapshot(self):
        """All counters as a JSON-ready dict."""
        with self._lock:
            data = dict(self._counts)
            data["peak_concurrency"] = self._peak
            data["requests_by_method"] = dict(self._by_method)
            data["responses_by_status"] = dict(self._by_status)
            return data
