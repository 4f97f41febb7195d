# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import random

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils._graph_retry import Pacer, RetryPolicy, parse_retry_after


@pytest.mark.parametrize('value, expected', [
    ('2.128', 2.128),
    ('0.249', 0.249),
    ('7', 7.0),
    ('30, 120', 30.0),
    ('Thu, 01 Jan 1970 00:00:10 GMT', 5.0),
    ('garbage', None),
    (None, None),
    ('', None),
    ('-3', 0.0),
])
def test_retry_after_accepts_decimals_and_http_dates(value, expected):
    assert parse_retry_after(value, now=5.0) == expected


def test_delay_uses_retry_after_capped_by_max_wait():
    policy = RetryPolicy(max_retries=3, max_retry_wait=10)
    assert policy.delay(1, '2.5') == 2.5
    assert policy.delay(1, '120') == 10


def test_backoff_without_retry_after_grows_and_has_jitter():
    policy = RetryPolicy(max_retries=8, max_retry_wait=100, base_delay=1.0, rng=random.Random(4))
    first = [policy.delay(1) for attempt in range(20)]
    fourth = [policy.delay(4) for attempt in range(20)]
    assert all(0.5 <= d <= 1.0 for d in first)
    assert all(4.0 <= d <= 8.0 for d in fourth)
    assert len(set(first)) > 1


def test_retry_budget():
    policy = RetryPolicy(max_retries=2)
    assert policy.can_retry(1) and policy.can_retry(2)
    assert not policy.can_retry(3)


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.slept = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept += seconds
        self.now += seconds


def test_pacer_is_unlimited_until_graph_pushes_back():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for sent in range(50):
        assert pacer.wait_turn(20) == 0
        pacer.observe(200, {})
    assert pacer.rate is None


def test_a_429_pauses_for_retry_after_and_halves_what_was_being_sent():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for sent in range(4):  # 80 requests inside the 2-second window: 40 per second
        pacer.wait_turn(20)
        clock.now += 0.25
    pacer.observe(429, {'Retry-After': '2'})
    assert pacer.rate == pytest.approx(20.0)
    # the other 429s of the same batch do not cut again
    pacer.observe(429, {'Retry-After': '1'})
    assert pacer.rate == pytest.approx(20.0)
    assert pacer.wait_turn(1) == pytest.approx(2.0)


def test_later_429s_never_cut_below_the_goodput_already_achieved():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.rate = 30.0
    for answer in range(40):  # 20 successes per second for two seconds
        clock.now += 0.05
        pacer.observe(204, {'x-ms-throttle-limit-percentage': '0.9'})
    pacer.observe(429, {'Retry-After': '0.05'})
    assert pacer.rate == pytest.approx(18.0, rel=0.05)


def test_pacer_trims_near_the_limit_holds_below_it_and_recovers_when_quiet():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.rate = 50.0
    pacer.observe(200, {'x-ms-throttle-limit-percentage': '0.97'})
    assert pacer.rate == pytest.approx(42.5)
    clock.now += 2
    pacer.observe(200, {'x-ms-throttle-limit-percentage': '0.85'})
    assert pacer.rate == pytest.approx(42.5)
    clock.now += 2
    pacer.observe(200, {})
    assert pacer.rate == pytest.approx(42.5), 'not raised while nothing is being sent at that rate'
    for sent in range(8):  # sending at the full rate for two seconds
        pacer.wait_turn(11)
    clock.now += 0.05
    pacer.observe(200, {})
    assert pacer.rate == pytest.approx(42.5 * 1.05)
    pacer.observe(200, {})
    assert pacer.rate == pytest.approx(42.5 * 1.05), 'raised at most once per interval'


def test_the_first_sign_of_pressure_ends_the_unlimited_burst():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.wait_turn(20)
    clock.now += 1
    pacer.observe(204, {'x-ms-throttle-limit-percentage': '0.82'})
    assert pacer.rate == pytest.approx(10.0)  # 20 requests in the 2-second window


def test_paced_sends_are_spaced_by_the_rate():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.rate = 10.0
    pacer.wait_turn(20)
    waited = pacer.wait_turn(20)
    assert waited == pytest.approx(2.0)
