# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Temporary Access Pass: the pass comes back once, in the creation answer; one per user; its own permission."""

from conftest import new_user

PATH = "/users/{}/authentication/temporaryAccessPassMethods"
TAP_WRITE = "UserAuthenticationMethod.ReadWrite.All"


def _user(graph, name):
    resp = graph.post("/users", json=new_user(name))
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def test_the_pass_is_in_the_creation_answer_only_and_a_new_one_replaces_it(graph):
    user = _user(graph, "tap.first")
    graph = graph.as_app(["User.ReadWrite.All", TAP_WRITE])
    first = graph.post(PATH.format(user), json={"lifetimeInMinutes": 120, "isUsableOnce": True})
    assert first.status_code == 201, first.text
    assert len(first.json()["temporaryAccessPass"]) >= 8 and first.json()["lifetimeInMinutes"] == 120
    listed = graph.get(PATH.format(user)).json()["value"]
    assert [m["id"] for m in listed] == [first.json()["id"]] and "temporaryAccessPass" not in listed[0]
    second = graph.post(PATH.format("tap.first@contoso.example"), json={})
    assert second.status_code == 201 and second.json()["lifetimeInMinutes"] == 60
    assert [m["id"] for m in graph.get(PATH.format(user)).json()["value"]] == [second.json()["id"]]
    assert graph.delete(PATH.format(user) + "/" + first.json()["id"]).status_code == 404
    assert graph.delete(PATH.format(user) + "/" + second.json()["id"]).status_code == 204
    assert graph.get(PATH.format(user)).json()["value"] == []


def test_a_pass_needs_its_permission_and_a_lifetime_the_policy_allows(graph):
    user = _user(graph, "tap.second")
    denied = graph.post(PATH.format(user), json={})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "Authorization_RequestDenied"
    graph = graph.as_app([TAP_WRITE])
    for lifetime in (5, 43201, "60", True):
        resp = graph.post(PATH.format(user), json={"lifetimeInMinutes": lifetime})
        assert resp.status_code == 400, (lifetime, resp.text)
