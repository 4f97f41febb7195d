# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Entra Password Protection: passwords that meet the length and character rules but are built on banned terms."""

import pytest

from conftest import new_user

from graph_emulator.resources.users import banned_password

COMPLEXITY = "The specified password does not comply with password complexity requirements. Please provide a different password."


def _refused(resp):
    assert resp.status_code == 400, resp.text
    error = resp.json()["error"]
    assert (error["code"], error["message"]) == ("Request_BadRequest", COMPLEXITY)


@pytest.mark.parametrize("password", ["P@ssw0rd!", "Welcome1!", "Contoso1!", "Pa$$word1", "Qwerty12!"])
def test_banned_passwords_refused_on_create_and_reset(graph, password):
    _refused(graph.post("/users", json=new_user("banned", passwordProfile={"password": password})))
    assert graph.get("/users/banned@contoso.example").status_code == 404
    assert graph.post("/users", json=new_user("resets")).status_code == 201
    _refused(graph.patch("/users/resets@contoso.example", json={"passwordProfile": {"password": password}}))


def test_the_users_own_name_is_banned_for_them_only(graph):
    body = new_user("poll", givenName="Poll", surname="Gunnarsen", passwordProfile={"password": "Gunnar$en1!"})
    _refused(graph.post("/users", json=body))
    assert graph.post("/users", json=new_user("other", passwordProfile={"password": "Gunnar$en1!"})).status_code == 201


@pytest.mark.parametrize("password, banned", [
    ("C0ntos0Blank12", False),       # contoso + 7 other characters: 8 points
    ("Welcome-2026!", False),        # welcome + 6 other characters
    ("Passw0rd", True),              # one edit from "password": 1 point
    ("Summer2026", False),           # summer + 4: 5 points, just enough
    ("Summer26!", True),             # summer + 3: 4 points
])
def test_scoring(password, banned):
    assert banned_password(password, ["contoso"]) is banned
