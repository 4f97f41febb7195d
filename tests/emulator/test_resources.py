# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Users and groups: create/read/update/delete rules, membership, and the replication-delay knob."""

import json
import time

import pytest

from conftest import new_user


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    if code:
        assert error["code"] == code
    return error["message"]


def test_create_user(graph):
    resp = graph.post("/users", json=new_user("ada", givenName="Ada"))
    assert resp.status_code == 201
    body = resp.json()
    assert body["@odata.context"] == f"{graph.url}/v1.0/$metadata#users/$entity"
    assert body["givenName"] == "Ada" and body["userPrincipalName"] == "ada@contoso.example" and body["id"]
    assert "passwordProfile" not in body


@pytest.mark.parametrize("missing", ["accountEnabled", "displayName", "mailNickname", "userPrincipalName"])
def test_create_user_requires(graph, missing):
    body = new_user("bob")
    del body[missing]
    assert missing in _error(graph.post("/users", json=body), 400, "Request_BadRequest")


def test_create_user_validation(graph):
    no_password = new_user("c")
    del no_password["passwordProfile"]
    assert "password" in _error(graph.post("/users", json=no_password), 400, "Request_BadRequest")
    weak = new_user("c", passwordProfile={"password": "short"})
    assert "complexity" in _error(graph.post("/users", json=weak), 400, "Request_BadRequest")
    assert "mailNickname" in _error(graph.post("/users", json=new_user("c", mailNickname="has space")), 400)
    assert "userPrincipalName" in _error(graph.post("/users", json=new_user("c", userPrincipalName="no-domain")), 400)
    assert "Edm.Boolean" in _error(graph.post("/users", json=new_user("c", accountEnabled="yes")), 400, "BadRequest")
    assert "does not exist on type" in _error(graph.post("/users", json=new_user("c", favouriteColour="red")), 400)
    assert "read-only" in _error(graph.post("/users", json=new_user("c", createdDateTime="2020-01-01T00:00:00Z")), 400)
    raw = graph.post("/users", data=b'{"displayName": "x"}', headers={"Content-Type": "text/plain"})
    assert "Content-Type" in _error(raw, 400, "BadRequest")


def test_chunked_body_and_direct_photo(graph):
    body = json.dumps(new_user("chunky")).encode()
    created = graph.post("/users", data=iter([body[:10], body[10:]]), headers={"Content-Type": "application/json"})
    assert created.status_code == 201
    photo = f"/users/{created.json()['id']}/photo/$value"
    assert graph.get(photo).status_code == 404
    assert graph.request("PUT", photo, data=b"\x89PNG....", headers={"Content-Type": "image/png"}).status_code == 200
    fetched = graph.get(photo)
    assert fetched.content == b"\x89PNG...." and fetched.headers["Content-Type"] == "image/png"


def test_duplicate_upn_even_after_delete(graph):
    first = graph.post("/users", json=new_user("dup"))
    duplicate = "Another object with the same value for property userPrincipalName already exists."
    assert _error(graph.post("/users", json=new_user("dup", userPrincipalName="DUP@contoso.example")), 400) == duplicate
    assert graph.delete(f"/users/{first.json()['id']}").status_code == 204
    assert graph.get(f"/users/{first.json()['id']}").status_code == 404
    # deleted users keep their UPN until purged (§4.1)
    assert _error(graph.post("/users", json=new_user("dup")), 400) == duplicate


def test_update_user(graph):
    ids = [graph.post("/users", json=new_user(n)).json()["id"] for n in ("eve", "fay")]
    assert graph.patch(f"/users/{ids[0]}", json={"jobTitle": "Boss", "city": "Oslo"}).status_code == 204
    assert graph.patch(f"/users/{ids[0]}", json={}).status_code == 204
    assert graph.get(f"/users/{ids[0]}?$select=jobTitle,city").json()["city"] == "Oslo"
    clash = graph.patch(f"/users/{ids[0]}", json={"userPrincipalName": "fay@contoso.example"})
    assert _error(clash, 400).startswith("Another object")
    assert graph.patch("/users/eve@contoso.example", json={"passwordProfile": {"password": "An0ther-one!"}}).status_code == 204
    assert graph.patch("/users/nobody@contoso.example", json={"city": "x"}).status_code == 404


def test_passwords_never_returned(graph):
    graph.post("/users", json=new_user("sec"))
    graph.seed(users=[{"userPrincipalName": "s2@contoso.example", "passwordProfile": {"password": "Seeded-Passw0rd"}}])
    for text in (graph.get("/users?$select=passwordProfile,userPrincipalName").text, graph.control("GET", "dump").text):
        assert "Sup3r-secret!" not in text and "Seeded-Passw0rd" not in text


def test_groups_lifecycle(graph):
    body = {"displayName": "Ops", "mailEnabled": False, "mailNickname": "ops", "securityEnabled": True}
    for missing in body:
        partial = {k: v for k, v in body.items() if k != missing}
        assert missing in _error(graph.post("/groups", json=partial), 400, "Request_BadRequest")
    created = graph.post("/groups", json=body)
    assert created.status_code == 201 and created.json()["@odata.context"].endswith("#groups/$entity")
    gid = created.json()["id"]
    assert graph.patch(f"/groups/{gid}", json={"description": "ops team"}).status_code == 204
    assert graph.get(f"/groups/{gid}").json()["description"] == "ops team"
    assert graph.delete(f"/groups/{gid}").status_code == 204
    assert graph.get(f"/groups/{gid}").status_code == 404


def test_membership(graph):
    seeded = graph.seed(users=[{"userPrincipalName": "a@contoso.example"}, {"userPrincipalName": "b@contoso.example"}],
                        groups=[{"displayName": "Crew"}, {"displayName": "Dyn", "groupTypes": ["DynamicMembership"]},
                                {"displayName": "DL", "mailEnabled": True, "securityEnabled": False}])
    user_a = seeded["users"][0]["id"]
    crew, dyn, dist = [g["id"] for g in seeded["groups"]]
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{user_a}"}
    assert graph.post(f"/groups/{crew}/members/$ref", json=ref).status_code == 204
    assert graph.post(f"/groups/{crew}/members/$ref", json=ref).status_code == 400
    members = graph.get(f"/groups/{crew}/members").json()["value"]
    assert [(m["@odata.type"], m["id"]) for m in members] == [("#microsoft.graph.user", user_a)]
    assert graph.get(f"/groups/{crew}/members?$filter=id eq '{user_a}'").status_code == 400  # advanced query only
    ghost = {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-0000-0000-000000000001"}
    assert _error(graph.post(f"/groups/{crew}/members/$ref", json=ghost), 404, "Request_ResourceNotFound")
    _error(graph.post(f"/groups/{dyn}/members/$ref", json=ref), 403, "Authorization_RequestDenied")
    assert "mail-enabled" in _error(graph.post(f"/groups/{dist}/members/$ref", json=ref), 400)
    assert graph.delete(f"/groups/{crew}/members/{user_a}/$ref").status_code == 204
    assert graph.delete(f"/groups/{crew}/members/{user_a}/$ref").status_code == 404


def test_replication_delay(graph):
    graph.configure(replication_delay_ms=300)
    created = graph.post("/users", json=new_user("slow"))
    assert created.status_code == 201 and created.json()["userPrincipalName"] == "slow@contoso.example"
    uid = created.json()["id"]
    assert _error(graph.get(f"/users/{uid}"), 404, "Request_ResourceNotFound").startswith(f"Resource '{uid}' does not exist")
    assert graph.patch(f"/users/{uid}", json={"city": "x"}).status_code == 404
    assert graph.get("/users").json()["value"] == []
    assert graph.post("/users", json=new_user("slow")).status_code == 400  # uniqueness is checked on the writer
    seeded = graph.seed(users=[{"userPrincipalName": "seeded@contoso.example"}])["users"][0]["id"]
    assert graph.get(f"/users/{seeded}").status_code == 200  # seeding is never delayed
    time.sleep(0.35)
    assert graph.get(f"/users/{uid}").status_code == 200
