# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.client.pacer import Pacer, TokenBucket


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


WRITE = {'x-ms-throttle-scope': 'Tenant_Application/Write/app-id/tenant-id', 'x-ms-throttle-information': 'WriteLimitExceeded'}


def test_a_token_bucket_refills_evenly_and_may_go_into_debt():
    bucket = TokenBucket(3000, 150.0, now=0.0)
    assert bucket.rate == 20.0
    bucket.take(3000, 0.0)
    assert bucket.wait(20, 0.0) == pytest.approx(1.0)
    assert bucket.level(0.5) == pytest.approx(10.0)
    bucket.take(50, 0.5)
    assert bucket.wait(20, 0.5) == pytest.approx(3.0)
    assert bucket.level(1000.0) == 3000  # never above capacity


def test_the_write_mirror_lets_the_stored_burst_through_then_paces_at_the_refill_rate():
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    for sent in range(150):  # 3,000 writes, no wait
        assert pacer.tokens_wait(20, 20) == 0
        pacer.take(20, 20)
        pacer.answered(20, 20)
    assert pacer.tokens_wait(20, 20) == pytest.approx(1.0)
    assert pacer.tokens_wait(0, 20) == 0, 'reads do not spend the write quota'


def test_reported_usage_lowers_the_mirror_minus_what_is_still_in_flight():
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.take(40, 40)  # two batches out
    pacer.answered(20, 20)  # one is back, saying 90 % of the quota is used
    pacer.observe([({'x-ms-throttle-limit-percentage': '0.9'}, None, True)])
    assert pacer.writes.level(clock.now) == pytest.approx(300 - 20)
    pacer.observe([({'x-ms-throttle-limit-percentage': '0.5'}, None, True)])
    assert pacer.writes.level(clock.now) == pytest.approx(280), 'a lower report never raises the mirror above its own count'


def test_usage_above_the_limit_on_an_admitted_write_empties_the_write_mirror_but_no_more():
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.observe([({'x-ms-throttle-limit-percentage': '1.6'}, None, True)])
    assert pacer.writes.level(clock.now) == 0
    assert pacer.tokens_wait(20, 20) == pytest.approx(1.0)


def test_resource_units_are_paced_only_while_graph_reports_pressure():
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    for sent in range(500):  # 10,000 reads at full speed: no pacing, and no debt piling up in the mirror
        pacer.take(0, 20)
        pacer.answered(0, 20)
    assert pacer.tokens_wait(0, 20) == 0
    pacer.observe([({'x-ms-resource-unit': '3', 'x-ms-throttle-limit-percentage': '0.95'}, None, False)])
    assert pacer.resources_paced
    assert pacer.unit_cost == pytest.approx(1.4)
    assert pacer.resources.level(clock.now) == pytest.approx(0.05 * 3500)
    assert pacer.tokens_wait(0, 200) == pytest.approx((200 * 1.4 - 175) / 350.0)
    clock.now += 1
    pacer.observe([({'x-ms-resource-unit': '1'}, None, False)], sent_at=clock.now)
    assert not pacer.resources_paced, 'an answer without the percentage: below 80 % again'
    assert pacer.tokens_wait(0, 200) == 0


def test_an_entra_answer_without_the_percentage_gives_back_what_a_wrong_reading_took():
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.observe([({'x-ms-resource-unit': '1', 'x-ms-throttle-limit-percentage': '1.2'}, None, True)])
    assert pacer.writes.level(clock.now) == 0
    pacer.observe([({'x-ms-resource-unit': '1'}, None, True)], sent_at=clock.now - 0.5)
    assert pacer.writes.level(clock.now) == 0, 'sent before the pressure was reported: old news'
    clock.now += 0.1
    pacer.observe([({}, None, True)], sent_at=clock.now)
    assert pacer.writes.level(clock.now) == pytest.approx(2), 'not metered by Entra: says nothing (0.1 s of refill)'
    pacer.observe([({'x-ms-resource-unit': '1'}, None, True)], sent_at=clock.now)
    assert pacer.writes.level(clock.now) == pytest.approx(600)


def test_within_a_batch_the_highest_usage_wins():
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.observe([({'x-ms-resource-unit': '1'}, None, True), ({'x-ms-resource-unit': '1', 'x-ms-throttle-limit-percentage': '0.9'}, None, True),
                   ({'x-ms-resource-unit': '1', 'x-ms-throttle-limit-percentage': '0.85'}, None, True)])
    assert pacer.writes.level(clock.now) == pytest.approx(300)


def test_a_scoped_429_pauses_what_it_names_and_noise_pauses_nothing():
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.throttled('random', 5)
    assert pacer.paused_until(None, True)[0] <= clock.now
    assert pacer.tokens_wait(20, 20) == 0
    pacer.throttled('mailbox', 4, 'user:a')
    assert pacer.paused_until('user:a', True) == (104.0, 'retry_after')
    assert pacer.paused_until('user:b', True)[0] == 0
    assert pacer.paused_until(None, True)[0] == 0
    pacer.throttled('write', 2)
    assert pacer.paused_until(None, True)[0] == 102.0
    assert pacer.paused_until(None, False)[0] == 0, 'reads go on during a write pause'
    assert pacer.tokens_wait(1, 1) == pytest.approx(2.0)
    pacer.throttled('resource', 3)
    assert pacer.paused_until(None, False)[0] == 103.0
    assert pacer.paused_until('user:b', False)[0] == 0, 'mailboxes do not spend directory budgets'
