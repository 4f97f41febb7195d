# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Documented property lengths of users and groups, and Entra's password rule for cloud users, as Graph enforces them."""

import pytest

from conftest import new_user

from graph_emulator.resources.users import MAX_LENGTHS, password_problem

COMPLEXITY = "The specified password does not comply with password complexity requirements. Please provide a different password."


def _refused(resp, message):
    assert resp.status_code == 400, resp.text
    error = resp.json()["error"]
    assert (error["code"], error["message"]) == ("Request_BadRequest", message)


@pytest.mark.parametrize("name, limit", sorted(MAX_LENGTHS.items()))
def test_user_property_lengths(graph, name, limit):
    local = f"len{limit}{name.lower()}"[:20]
    at_limit = "n" * limit if name == "mailNickname" else "x" * limit
    over = at_limit + at_limit[0]
    _refused(graph.post("/users", json=new_user(local, **{name: over})), f"Invalid value specified for property '{name}' of resource 'User'.")
    created = graph.post("/users", json=new_user(local, **{name: at_limit}))
    assert created.status_code == 201, created.text
    _refused(graph.patch(f"/users/{created.json()['id']}", json={name: over}), f"Invalid value specified for property '{name}' of resource 'User'.")


def test_a_300_character_display_name_is_refused_and_nothing_is_created(graph):
    _refused(graph.post("/users", json=new_user("long", displayName="D" * 300)), "Invalid value specified for property 'displayName' of resource 'User'.")
    assert graph.get("/users/long@contoso.example").status_code == 404


def test_lengths_use_the_property_name_in_any_case_and_leave_undocumented_ones_alone(graph):
    _refused(graph.post("/users", json=new_user("case", EmployeeId="1" * 17)), "Invalid value specified for property 'employeeId' of resource 'User'.")
    assert graph.post("/users", json=new_user("office", officeLocation="o" * 2000)).status_code == 201


def test_group_lengths(graph):
    body = {"displayName": "G" * 257, "mailEnabled": False, "mailNickname": "g", "securityEnabled": True}
    _refused(graph.post("/groups", json=body), "Invalid value specified for property 'displayName' of resource 'Group'.")
    created = graph.post("/groups", json=dict(body, displayName="G" * 256, description="d" * 3000))
    assert created.status_code == 201, created.text
    _refused(graph.patch(f"/groups/{created.json()['id']}", json={"displayName": "G" * 257}),
             "Invalid value specified for property 'displayName' of resource 'Group'.")


@pytest.mark.parametrize("password", ["Sh0rt!", "x" * 250 + "Aa1!-+x", "alllowercaseletters", "lowercase1234", "Ærø-Skøbing-2026",
                                      "Tab\tin-Passw0rd"])
def test_passwords_refused_on_create_and_reset(graph, password):
    _refused(graph.post("/users", json=new_user("weak", passwordProfile={"password": password})), COMPLEXITY)
    assert graph.post("/users", json=new_user("strong")).status_code == 201
    _refused(graph.patch("/users/strong@contoso.example", json={"passwordProfile": {"password": password}}), COMPLEXITY)


@pytest.mark.parametrize("password", ["Sup3r-secret!", "abcdefG1", "abcdefg!1", "Abc def ghi", "Aa1" + "x" * 253])
def test_passwords_accepted(password):
    assert password_problem(password) is None


def test_disable_strong_password_lets_a_weak_one_through(graph):
    body = new_user("legacy", passwordPolicies="DisableStrongPassword", passwordProfile={"password": "weak"})
    assert graph.post("/users", json=body).status_code == 201
    assert graph.patch("/users/legacy@contoso.example", json={"passwordProfile": {"password": "weak2"}}).status_code == 204
    _refused(graph.post("/users", json=new_user("other", passwordPolicies="DisablePasswordExpiration", passwordProfile={"password": "weak"})),
             COMPLEXITY)
