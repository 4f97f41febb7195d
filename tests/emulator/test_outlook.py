# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Outlook's per-mailbox limits (throttling-limits.md): 4 concurrent requests per app+mailbox, a rate per mailbox; within
one batch a mailbox's requests are dispatched at most 4 at a time (GRAPH-SEMANTICS §1.5)."""

import threading

import pytest
import requests

CONCURRENCY = "Application is over its MailboxConcurrency limit."


def _event(i):
    return {"subject": f"E{i}", "start": {"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2026-03-02T10:00:00", "timeZone": "UTC"}}


def _create(i, upn, request_id=None):
    return {"id": request_id or str(i), "method": "POST", "url": f"/users/{upn}/events", "body": _event(i),
            "headers": {"Content-Type": "application/json"}}


@pytest.fixture
def mailboxes(graph):
    seeded = graph.seed(users=[{"userPrincipalName": f"m{i}@contoso.example"} for i in range(6)])
    return {u["userPrincipalName"]: u["id"] for u in seeded["users"]}


def _in_parallel(calls):
    results = [None] * len(calls)

    def run(i):
        results[i] = calls[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _get(graph, path):
    return lambda: requests.get(f"{graph.url}/v1.0{path}", headers=dict(graph.session.headers), verify=graph.emulator.ca_path, timeout=30)


def test_direct_requests_over_four_per_mailbox_get_429(graph, mailboxes):
    graph.configure(outlook_throttling=True, outlook_latency_ms=800)
    busy = [_get(graph, "/users/m0@contoso.example/events") for dummy in range(6)]
    other = [_get(graph, "/users/m1@contoso.example/calendar/calendarPermissions")]
    results = _in_parallel(busy + other)
    statuses = [r.status_code for r in results[:6]]
    assert statuses.count(200) == 4 and statuses.count(429) == 2, statuses
    throttled = next(r for r in results if r.status_code == 429)
    assert throttled.json()["error"]["code"] == "ApplicationThrottled" and throttled.json()["error"]["message"] == CONCURRENCY
    assert throttled.headers["Retry-After"] == "1" and "x-ms-throttle-scope" not in throttled.headers
    assert results[6].status_code == 200  # another mailbox is not held up
    stats = graph.stats()
    assert stats["throttled_by_kind"]["mailbox_concurrency"] == 2
    assert stats["mailbox_peak_concurrency"][mailboxes["m0@contoso.example"]] == 4


def test_one_batch_never_exceeds_the_limit(graph, mailboxes):
    graph.configure(outlook_throttling=True, outlook_latency_ms=50, batch_workers=10)
    got = graph.responses([_create(i, "m0@contoso.example") for i in range(20)])
    assert sorted(r["status"] for r in got.values()) == [201] * 20
    stats = graph.stats()
    assert stats["mailbox_peak_concurrency"] == {mailboxes["m0@contoso.example"]: 4} and stats["throttled"] == 0
    # requests for different mailboxes in one batch run side by side
    graph.control("POST", "stats/reset")
    graph.configure(batch_workers=20)
    got = graph.responses([_create(i, f"m{i % 5}@contoso.example") for i in range(20)])
    assert sorted(r["status"] for r in got.values()) == [201] * 20
    peaks = graph.stats()["mailbox_peak_concurrency"]
    assert len(peaks) == 5 and max(peaks.values()) <= 4 and graph.stats()["peak_concurrency"] == 1


def test_batches_in_flight_for_one_mailbox_draw_inner_429s(graph, mailboxes):
    graph.configure(outlook_throttling=True, outlook_latency_ms=400)
    batches = [[_create(b * 10 + i, "m0@contoso.example") for i in range(8)] for b in range(2)]
    results = _in_parallel([lambda items=items: graph.batch(items) for items in batches])
    inner = [r for resp in results for r in resp.json()["responses"]]
    throttled = [r for r in inner if r["status"] == 429]
    assert throttled and all(r["body"]["error"]["message"] == CONCURRENCY and "Retry-After" in r["headers"] for r in throttled)
    created = [r for r in inner if r["status"] == 201]
    assert len(created) + len(throttled) == 16
    events = graph.control("GET", "dump").json()["objects"]["event"]
    assert len(events) == len(created)  # a refused request created nothing


def test_mailbox_request_rate(graph, mailboxes):
    graph.configure(outlook_throttling=True, outlook_latency_ms=0, mailbox_requests=3, mailbox_window_s=600)
    statuses = [graph.get("/users/m0@contoso.example/events").status_code for dummy in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = graph.get("/users/m0@contoso.example/events")
    assert refused.json()["error"]["code"] == "ApplicationThrottled" and float(refused.headers["Retry-After"]) > 0
    assert graph.get("/users/m1@contoso.example/events").status_code == 200
    assert graph.stats()["throttled_by_kind"]["mailbox_rate"] == 2


def test_off_by_default_and_outside_entra_quotas(graph, mailboxes):
    results = _in_parallel([_get(graph, "/users/m0@contoso.example/events") for dummy in range(8)])
    assert [r.status_code for r in results] == [200] * 8 and graph.stats()["mailbox_peak_concurrency"] == {}
    graph.configure(resource_units=1, resource_window_s=3600)
    responses = [graph.get("/users/m0@contoso.example/events") for dummy in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert "x-ms-resource-unit" not in responses[0].headers
