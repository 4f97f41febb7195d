# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Outer faults: 503 before processing, 504 after processing, a dropped connection after processing."""

import pytest
import requests

from graph_emulator import Emulator
from conftest import Graph, msal_app, new_user


def _upns(graph):
    return sorted(u["userPrincipalName"] for u in graph.control("GET", "dump").json()["objects"].get("user", []))


def _create_batch(names):
    return [{"id": str(i), "method": "POST", "url": "/users", "body": new_user(name), "headers": {"Content-Type": "application/json"}}
            for i, name in enumerate(names)]


def test_504_after_processing(graph):
    graph.configure(outer_504_rate=1.0)
    resp = graph.post("/users", json=new_user("lost"))
    assert resp.status_code == 504 and resp.json()["error"]["code"] == "GatewayTimeout" and "Retry-After" not in resp.headers
    batch = graph.batch(_create_batch(["b0", "b1", "b2"]))
    assert batch.status_code == 504
    assert _upns(graph) == ["b0@contoso.example", "b1@contoso.example", "b2@contoso.example", "lost@contoso.example"]
    stats = graph.stats()
    assert stats["outer_faults"] == {"503": 0, "504": 2, "dropped": 0} and stats["outer_errors"] == 2
    assert stats["writes"] == 4 and stats["inner_requests"] == 3


def test_dropped_connection_after_processing(graph):
    graph.configure(outer_drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        graph.post("/users", json=new_user("gone"))
    with pytest.raises(requests.ConnectionError):
        graph.batch(_create_batch(["d0", "d1"]))
    assert _upns(graph) == ["d0@contoso.example", "d1@contoso.example", "gone@contoso.example"]
    assert graph.stats()["outer_faults"] == {"503": 0, "504": 0, "dropped": 2}
    graph.configure(outer_drop_rate=0.0)
    assert graph.get("/users").status_code == 200  # the client reconnects


def test_503_before_processing_writes_nothing(graph):
    graph.configure(outer_503_rate=1.0)
    assert graph.post("/users", json=new_user("never")).status_code == 503
    assert _upns(graph) == [] and graph.stats()["outer_faults"]["503"] == 1


def _outcomes(seed):
    with Emulator(random_seed=seed, outer_503_rate=0.25, outer_504_rate=0.25, outer_drop_rate=0.25) as emu:
        token = msal_app(emu, emu.client_secret).acquire_token_for_client(scopes=[f"{emu.url}/.default"])["access_token"]
        graph = Graph(emu, token)
        seen = []
        for dummy in range(24):
            try:
                seen.append(graph.get("/users").status_code)
            except requests.ConnectionError:
                seen.append("dropped")
        return seen, graph.stats()["outer_faults"]


def test_faults_are_reproducible_with_a_random_seed():
    first, second = _outcomes(42), _outcomes(42)
    assert first == second
    assert {503, 504, 200, "dropped"} <= set(first[0])
