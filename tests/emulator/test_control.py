# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Control endpoints under /_emulator/ and how traffic is counted."""

import importlib.util
import os

from graph_emulator import EmulatorConfig

from conftest import new_user


def test_health_and_unknown(graph):
    assert graph.control("GET", "health").json()["status"] == "ok"
    assert graph.control("GET", "nope").status_code == 404


def test_config_roundtrip_and_validation(graph):
    assert graph.control("GET", "config").json()["shuffle"] is True
    changed = graph.control("PATCH", "config", json={"latency_ms": 5, "shuffle": False}).json()
    assert changed["latency_ms"] == 5 and changed["shuffle"] is False
    for bad in ({"nope": 1}, {"throttle_rate": 2}, {"shuffle": "no"}, {"write_quota": -1}, {"write_window_s": 0}):
        assert graph.control("PATCH", "config", json=bad).status_code == 400, bad
    assert graph.control("PATCH", "config", data=b"[1]").status_code == 400


def test_seed_dump_reset(graph):
    seeded = graph.seed(users=[{"userPrincipalName": "s@contoso.example", "id": "11111111-1111-1111-1111-111111111111"}],
                        groups=[{"displayName": "G", "members": ["s@contoso.example"]}])
    assert seeded["users"] == [{"id": "11111111-1111-1111-1111-111111111111", "userPrincipalName": "s@contoso.example"}]
    assert seeded["groups"][0]["displayName"] == "G"
    assert graph.stats()["http_requests"] == 0
    dump = graph.control("GET", "dump").json()
    assert [u["userPrincipalName"] for u in dump["objects"]["user"]] == ["s@contoso.example"]
    assert dump["links"] == [{"source": seeded["groups"][0]["id"], "relationship": "members",
                              "targets": ["11111111-1111-1111-1111-111111111111"]}]
    assert graph.control("POST", "seed", json={"planets": []}).status_code == 400
    assert graph.control("POST", "seed", json={"groups": [{"displayName": "X", "members": ["ghost@x.example"]}]}).status_code == 400
    graph.get("/users")
    assert graph.control("POST", "reset").status_code == 200
    assert graph.control("GET", "dump").json()["objects"] == {} and graph.stats()["http_requests"] == 0


def test_stats_counting(graph):
    graph.post("/users", json=new_user("a"))
    graph.get("/users")
    graph.batch([{"id": str(i), "method": "GET", "url": "/users"} for i in range(3)])
    graph.control("GET", "health")
    stats = graph.stats()
    assert {k: stats[k] for k in ("http_requests", "batches", "inner_requests", "writes", "throttled", "outer_errors")} == {
        "http_requests": 3, "batches": 1, "inner_requests": 3, "writes": 1, "throttled": 0, "outer_errors": 0}
    assert stats["requests_by_method"] == {"POST": 1, "GET": 4}
    assert stats["responses_by_status"] == {"201": 1, "200": 4}
    reset = graph.control("POST", "stats/reset").json()
    assert reset["http_requests"] == 0 and reset["requests_by_method"] == {}


def test_integration_harness_resets_every_knob():
    """tests/integration/harness.py's default_config() must name every knob with its default (other tests rely on it)."""
    path = os.path.join(os.path.dirname(__file__), "..", "integration", "harness.py")
    spec = importlib.util.spec_from_file_location("harness", path)
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    assert harness.EmulatorProcess.default_config() == EmulatorConfig().as_dict()
