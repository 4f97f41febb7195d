# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault knobs: random 429s, Entra write/resource-unit buckets, injected 503s, latency, concurrency."""

import threading
import time

import requests

from conftest import new_user


def test_random_throttle_direct(graph):
    graph.configure(throttle_rate=1.0)
    resp = graph.get("/users")
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "1"
    error = resp.json()["error"]
    assert error["code"] == "TooManyRequests" and error["innerError"]["status"] == "429"
    graph.configure(fractional_retry_after=True, retry_after_s=2)
    value = graph.get("/users").headers["Retry-After"]
    assert "." in value and 0 < float(value) <= 2
    assert graph.stats()["throttled"] == 2


def test_write_quota(graph):
    graph.configure(write_quota=3, write_window_s=150)
    assert [graph.post("/users", json=new_user(f"w{i}")).status_code for i in range(3)] == [201, 201, 201]
    throttled = graph.post("/users", json=new_user("w3"))
    assert throttled.status_code == 429
    assert 0 < float(throttled.headers["Retry-After"]) <= 50
    em = graph.emulator
    assert throttled.headers["x-ms-throttle-scope"] == f"Tenant_Application/Write/{em.client_id}/{em.tenant_id}"
    assert throttled.headers["x-ms-throttle-information"] == "WriteLimitExceeded"
    assert graph.get("/users").status_code == 200  # reads are not writes
    stats = graph.stats()
    assert stats["writes"] == 3 and stats["throttled"] == 1
    got = graph.responses([{"id": "1", "method": "DELETE", "url": "/users/w0@contoso.example"}])
    assert got["1"]["status"] == 429 and "Retry-After" in got["1"]["headers"]


def test_throttle_limit_percentage(graph):
    graph.configure(write_quota=10, write_window_s=3600)
    headers = [graph.post("/users", json=new_user(f"p{i}")).headers for i in range(9)]
    assert "x-ms-throttle-limit-percentage" not in headers[7]  # 8 of 10 used: not above 80 %
    assert headers[8]["x-ms-throttle-limit-percentage"] == "0.9"
    assert headers[8]["x-ms-resource-unit"] == "1"


def test_resource_unit_budget(graph):
    graph.configure(resource_units=5, resource_window_s=3600)
    assert graph.get("/users").headers["x-ms-resource-unit"] == "2"
    assert graph.get("/users").status_code == 200
    throttled = graph.get("/users")
    assert throttled.status_code == 429
    assert throttled.headers["x-ms-throttle-information"] == "ResourceUnitLimitExceeded"
    assert throttled.headers["x-ms-throttle-scope"].startswith("Tenant_Application/ReadWrite/")
    assert float(throttled.headers["Retry-After"]) > 0


def test_resource_unit_costs(graph):
    gid = graph.seed(groups=[{"displayName": "G"}])["groups"][0]["id"]
    costs = {"/users": "2", "/users?$select=id": "1", "/users?$top=5": "1", "/users?$expand=manager": "3",
             f"/groups/{gid}/members": "3", f"/groups/{gid}": "1", f"/groups/{gid}/members?$select=id&$top=5": "1"}
    for path, cost in costs.items():
        assert graph.get(path).headers["x-ms-resource-unit"] == cost, path


def test_outer_503(graph):
    graph.configure(outer_503_rate=1.0)
    for resp in (graph.get("/users"), graph.batch([{"id": "1", "method": "GET", "url": "/users"}])):
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "1"
    stats = graph.stats()
    assert stats["outer_errors"] == 2 and stats["batches"] == 0


def test_latency_is_added(graph):
    graph.configure(latency_ms=150)
    start = time.monotonic()
    graph.get("/users")
    assert time.monotonic() - start >= 0.15


def test_peak_concurrency(graph):
    graph.configure(latency_ms=300)
    auth = dict(graph.session.headers)
    url, ca_path = f"{graph.url}/v1.0/users", graph.emulator.ca_path
    threads = [threading.Thread(target=requests.get, args=(url,), kwargs={"headers": auth, "verify": ca_path}) for count in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert graph.stats()["peak_concurrency"] >= 2


def test_random_429s_carry_no_scope_headers_and_are_counted_apart(graph):
    graph.configure(throttle_rate=1.0)
    resp = graph.get("/users")
    assert resp.status_code == 429
    assert not any(h.lower().startswith("x-ms-throttle") for h in resp.headers)
    graph.configure(throttle_rate=0.0, write_quota=1, write_window_s=150)
    graph.post("/users", json=new_user("q0"))
    quota = graph.post("/users", json=new_user("q1"))
    assert quota.headers["x-ms-throttle-scope"].startswith("Tenant_Application/Write/")
    assert quota.headers["x-ms-throttle-information"] == "WriteLimitExceeded"
    stats = graph.stats()
    assert stats["throttled"] == 2
    assert stats["throttled_by_kind"] == {"random": 1, "resource_units": 0, "write": 1, "mailbox_concurrency": 0, "mailbox_rate": 0}


def test_entra_quota_presets(graph):
    def config(**knobs):
        resp = graph.control("PATCH", "config", json=knobs)
        assert resp.status_code == 200, resp.text
        data = resp.json()
        return data["write_quota"], data["write_window_s"], data["resource_units"], data["resource_window_s"]
    assert config(entra_quotas="S") == (3000, 150, 3500, 10)
    assert config(entra_quotas="m") == (3000, 150, 5000, 10)
    assert config(entra_quotas="L") == (3000, 150, 8000, 10)
    assert graph.control("GET", "config").json()["entra_quotas"] == "L"
    assert config(entra_quotas="S", write_quota=10) == (10, 150, 3500, 10)
    assert config(entra_quotas="") == (0, 150, 0, 10)
    assert graph.control("PATCH", "config", json={"entra_quotas": "XL"}).status_code == 400
    config(entra_quotas="S")
    headers = graph.get("/users").headers
    assert headers["x-ms-resource-unit"] == "2" and "x-ms-throttle-limit-percentage" not in headers
