# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thread-safe traffic counters, read by tests and benchmarks through /_emulator/stats."""

import threading

COUNTERS = ("http_requests", "token_requests", "batches", "inner_requests", "writes", "throttled", "outer_errors")
# Breakdowns: 429s by what caused them, and outer faults by kind (each also counts in `throttled` / `outer_errors`).
THROTTLE_KINDS = ("random", "resource_units", "write", "mailbox_concurrency", "mailbox_rate")
FAULT_KINDS = ("503", "504", "dropped")


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
            self._throttled = dict.fromkeys(THROTTLE_KINDS, 0)
            self._faults = dict.fromkeys(FAULT_KINDS, 0)
            self._mailbox_peaks = {}
            self._peak = self._in_flight

    def add(self, name, amount=1):
        """Increment one of COUNTERS."""
        with self._lock:
            self._counts[name] += amount

    def throttled(self, kind):
        """One 429, by cause (THROTTLE_KINDS)."""
        with self._lock:
            self._counts["throttled"] += 1
            self._throttled[kind] += 1

    def fault(self, kind):
        """One injected outer fault (FAULT_KINDS)."""
        with self._lock:
            self._counts["outer_errors"] += 1
            self._faults[kind] += 1

    def mailbox_peak(self, mailbox, in_flight):
        """Remember the highest number of concurrent requests seen for one mailbox."""
        with self._lock:
            if in_flight > self._mailbox_peaks.get(mailbox, 0):
                self._mailbox_peaks[mailbox] = in_flight

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
            data["throttled_by_kind"] = dict(self._throttled)
            data["outer_faults"] = dict(self._faults)
            data["mailbox_peak_concurrency"] = dict(self._mailbox_peaks)
            return data
