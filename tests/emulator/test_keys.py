# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""User keys in paths: `$`-prefixed UPNs, the parenthesised key form, `'` and guest `#EXT#` UPNs (user-get.md)."""

import urllib.parse

import pytest

DOLLAR = "$adm@contoso.example"
QUOTE = "o'brien@contoso.example"
GUEST = "ann_fabrikam.com#EXT#@contoso.example"
E3 = "05e9a617-0261-4cee-bb44-138d3ef5d965"


def _paren(upn):
    """`users('…')` with quotes doubled and `#`/`%` percent-encoded, as user_path() in the collection builds it."""
    return "/users('" + urllib.parse.quote(upn.replace("'", "''"), safe="@$'!^~") + "')"


@pytest.fixture
def people(graph):
    seeded = graph.seed(users=[{"userPrincipalName": upn, "usageLocation": "DK"} for upn in (DOLLAR, QUOTE, GUEST, "boss@contoso.example")],
                        groups=[{"displayName": "Admins", "members": [DOLLAR]}])
    return {u["userPrincipalName"]: u["id"] for u in seeded["users"]} | {"Admins": seeded["groups"][0]["id"]}


def test_dollar_key_after_slash_is_refused(graph, people):
    for path in (f"/users/{DOLLAR}", "/users/%24adm@contoso.example", f"/users/{DOLLAR}/revokeSignInSessions"):
        resp = graph.request("POST" if path.endswith("Sessions") else "GET", path)
        assert resp.status_code == 400, path
        error = resp.json()["error"]
        assert error["code"] == "BadRequest"
        assert error["message"].startswith("The request URI is not valid. Since the segment 'users' refers to a collection")
    inner = graph.responses([{"id": "1", "method": "GET", "url": f"/users/{DOLLAR}"}])["1"]
    assert inner["status"] == 400 and "refers to a collection" in inner["body"]["error"]["message"]
    # system segments are not keys
    assert graph.get("/users/$count", headers={"ConsistencyLevel": "eventual"}).status_code == 200


def test_parenthesised_form_everywhere_a_user_key_goes(graph, people):
    key = _paren(DOLLAR)
    uid = people[DOLLAR]
    got = graph.get(key)
    assert got.status_code == 200 and got.json()["id"] == uid
    assert graph.get(f"/users('{uid}')").json()["userPrincipalName"] == DOLLAR
    assert graph.get(f"{key}?$select=id,userPrincipalName").json() == {
        "@odata.context": f"{graph.url}/v1.0/$metadata#users(id,userPrincipalName)/$entity", "id": uid, "userPrincipalName": DOLLAR}
    assert graph.patch(key, json={"jobTitle": "Admin"}).status_code == 204
    assert graph.post(f"{key}/revokeSignInSessions").json()["value"] is True
    boss = "https://graph.microsoft.com/v1.0/users/" + people["boss@contoso.example"]
    assert graph.request("PUT", f"{key}/manager/$ref", json={"@odata.id": boss}).status_code == 204
    assert graph.get(f"{key}/manager").json()["id"] == people["boss@contoso.example"]
    assert graph.delete(f"{key}/manager/$ref").status_code == 204
    assert graph.post(f"{key}/assignLicense", json={"addLicenses": [{"skuId": E3}], "removeLicenses": []}).status_code == 200
    assert [d["skuId"] for d in graph.get(f"{key}/licenseDetails").json()["value"]] == [E3]
    assert [g["id"] for g in graph.get(f"{key}/memberOf").json()["value"]] == [people["Admins"]]
    assert graph.get(f"{key}/transitiveMemberOf").status_code == 200
    event = {"subject": "Hi", "start": {"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"},
             "end": {"dateTime": "2026-03-02T10:00:00", "timeZone": "UTC"}}
    assert graph.post(f"{key}/events", json=event).status_code == 201
    assert len(graph.get(f"{key}/calendar/events").json()["value"]) == 1
    assert graph.get(f"{key}/calendar/calendarPermissions").status_code == 200
    assert graph.get(f"/groups('{people['Admins']}')/members").json()["value"][0]["id"] == uid


def test_parenthesised_form_inside_batch(graph, people):
    key = _paren(DOLLAR)
    got = graph.responses([
        {"id": "1", "method": "GET", "url": key + "?$select=id"},
        {"id": "2", "method": "POST", "url": key + "/revokeSignInSessions", "body": {}, "headers": {"Content-Type": "application/json"}},
        {"id": "3", "method": "GET", "url": key + "/memberOf"},
        {"id": "4", "method": "GET", "url": key + "/calendar/calendarPermissions"},
    ])
    assert {k: v["status"] for k, v in got.items()} == {"1": 200, "2": 200, "3": 200, "4": 200}
    assert got["1"]["body"]["id"] == people[DOLLAR]
    beta = graph.post("https://" + graph.url.split("://")[1] + "/beta/$batch",
                      json={"requests": [{"id": "1", "method": "GET", "url": key}]}).json()["responses"][0]
    assert beta["status"] == 200 and beta["body"]["id"] == people[DOLLAR]


def test_quotes_are_doubled_in_the_parenthesised_form(graph, people):
    uid = people[QUOTE]
    assert graph.get("/users('o''brien@contoso.example')").json()["id"] == uid
    assert graph.get("/users('o%27%27brien@contoso.example')").json()["id"] == uid
    assert graph.get(f"/users/{QUOTE}").json()["id"] == uid  # a plain segment takes the quote as it is
    assert graph.get("/users('o'brien@contoso.example')").status_code == 400  # an undoubled quote is not a key
    assert graph.responses([{"id": "1", "method": "GET", "url": "/users('o''brien@contoso.example')/memberOf"}])["1"]["status"] == 200


def test_guest_upn_hash_must_be_percent_encoded(graph, people):
    uid = people[GUEST]
    assert graph.get("/users/ann_fabrikam.com%23EXT%23@contoso.example").json()["id"] == uid
    assert graph.get(_paren(GUEST)).json()["id"] == uid
    # a raw '#' starts a URL fragment: Graph sees only what precedes it
    inner = graph.responses([{"id": "1", "method": "GET", "url": f"/users/{GUEST}"}])["1"]
    assert inner["status"] == 404 and inner["body"]["error"]["message"].startswith("Resource 'ann_fabrikam.com' does not exist")


def test_unknown_key_property_and_unknown_user(graph, people):
    assert graph.get("/users(appId='x')").status_code == 400
    missing = graph.get("/users('nobody@contoso.example')")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "Request_ResourceNotFound"
