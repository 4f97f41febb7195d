# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import random

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.client.retry import RetryPolicy, parse_retry_after, throttle_scope


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


WRITE = {'x-ms-throttle-scope': 'Tenant_Application/Write/app-id/tenant-id', 'x-ms-throttle-information': 'WriteLimitExceeded'}


@pytest.mark.parametrize('headers, is_write, mailbox, expected', [
    ({}, False, None, 'random'),
    ({}, True, None, 'random'),
    ({'Retry-After': '1'}, True, None, 'random'),
    (WRITE, True, None, 'write'),
    ({'X-MS-Throttle-Scope': 'Tenant_Application/ReadWrite/app/tenant'}, True, None, 'resource'),
    ({'x-ms-throttle-scope': 'Application/Read/app/tenant'}, False, None, 'resource'),
    ({'x-ms-throttle-scope': 'Tenant/Write/app/tenant'}, True, None, 'write'),
    ({'x-ms-throttle-information': 'WriteLimitExceeded'}, False, None, 'write'),
    ({'x-ms-throttle-information': 'ResourceUnitLimitExceeded'}, True, None, 'resource'),
    ({'x-ms-throttle-limit-percentage': '1.2'}, True, None, 'write'),
    ({'x-ms-throttle-limit-percentage': '1.2'}, False, None, 'resource'),
    (WRITE, True, 'user:adele@contoso.example', 'mailbox'),
    ({}, False, 'user:adele@contoso.example', 'mailbox'),
])
def test_a_429_is_about_what_its_headers_and_url_say(headers, is_write, mailbox, expected):
    assert throttle_scope(headers, is_write, mailbox) == expected
