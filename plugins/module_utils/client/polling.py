# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``Poll``: one schedule for looking again at something that is not there yet.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Every wait for Graph to catch up - an object created moments ago, a licence that needs the new
usageLocation, a mailbox Exchange has not made yet - follows the same shape: a first delay, a factor
each wait grows by, a cap on one wait, and a deadline. The client waits through ``GraphClient.wait``,
so every second is counted in ``stats`` under the poll's reason.
"""

from __future__ import annotations


class Poll:
    """Waits that start at ``first`` seconds, grow by ``factor`` up to ``cap``, and end at ``timeout`` after ``start``."""

    __slots__ = ('reason', 'deadline', 'first', 'factor', 'cap', '_delay')

    def __init__(self, start, timeout, reason, first=1.0, factor=2.0, cap=30.0):
        self.reason = reason
        self.deadline = start + max(0.0, timeout or 0.0)
        self.first = first
        self.factor = factor
        self.cap = cap
        self._delay = first

    def expired(self, now):
        """True once the deadline has passed."""
        return now >= self.deadline

    def next_wait(self, now):
        """Seconds before the next look (the current delay, cut short at the deadline), or None once the deadline passed."""
        if self.expired(now):
            return None
        seconds = min(self._delay, self.deadline - now)
        self._delay = min(self._delay * self.factor, self.cap)
        return seconds

    def restart(self):
        """Start again from the first delay (the deadline stays)."""
        self._delay = self.first
