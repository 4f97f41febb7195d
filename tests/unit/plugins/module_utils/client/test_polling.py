# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Poll, and the client's waits counted by reason."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.polling import Poll
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeWaits


def test_waits_grow_by_the_factor_up_to_the_cap_and_end_at_the_deadline():
    poll = Poll(100.0, 20.0, 'mailbox', first=2.0, factor=1.5, cap=5.0)
    waits, now = [], 100.0
    while True:
        seconds = poll.next_wait(now)
        if seconds is None:
            break
        waits.append(seconds)
        now += seconds
    assert waits == [2.0, 3.0, 4.5, 5.0, 5.0, 0.5] and now == 120.0 and poll.expired(now)


def test_restart_goes_back_to_the_first_delay_but_keeps_the_deadline():
    poll = Poll(0.0, 10.0, 'replication', first=1.0, factor=2.0, cap=8.0)
    assert [poll.next_wait(0.0) for dummy in range(3)] == [1.0, 2.0, 4.0]
    poll.restart()
    assert poll.next_wait(9.5) == 0.5 and poll.next_wait(10.0) is None


def test_a_zero_timeout_never_waits():
    assert Poll(5.0, 0, 'replication').next_wait(5.0) is None


def test_the_client_counts_every_second_it_waited_under_the_polls_reason():
    client = FakeWaits()
    poll = client.poll(3.0, 'mailbox', first=2.0, factor=2.0, cap=30.0)
    assert client.wait_to_look_again(poll) and client.wait_to_look_again(poll) and not client.wait_to_look_again(poll)
    stats = client.stats.as_dict()
    assert client.clock.slept == [2.0, 1.0]
    assert stats['wait_seconds'] == 3.0 and stats['wait_seconds_by_reason']['mailbox'] == 3.0
