# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The organization and its verified domains; UPNs Graph accepts for new users (user.md, concept-sspr-policy.md)."""

import pytest

from conftest import new_user

INVALID = "Property userPrincipalName is invalid."
UNVERIFIED = "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    if code:
        assert error["code"] == code
    return error["message"]


def test_organization_lists_verified_domains(graph):
    resp = graph.get("/organization?$select=verifiedDomains")
    assert resp.status_code == 200
    body = resp.json()
    assert body["@odata.context"] == f"{graph.url}/v1.0/$metadata#organization(verifiedDomains)"
    (org,) = body["value"]
    assert org["id"] == graph.emulator.tenant_id and set(org) == {"id", "verifiedDomains"}
    domains = {d["name"]: d for d in org["verifiedDomains"]}
    assert list(domains) == ["contoso.onmicrosoft.com", "contoso.example", "contoso.com"]
    assert [n for n, d in domains.items() if d["isInitial"]] == ["contoso.onmicrosoft.com"]
    assert [n for n, d in domains.items() if d["isDefault"]] == ["contoso.example"]
    assert all(d["type"] == "Managed" and "Email" in d["capabilities"] for d in domains.values())
    full = graph.get(f"/organization/{graph.emulator.tenant_id}").json()
    assert full["displayName"] == "Contoso" and full["tenantType"] == "AAD" and len(full["verifiedDomains"]) == 3
    assert graph.get("/organization/00000000-0000-0000-0000-000000000000").status_code == 404
    batched = graph.responses([{"id": "1", "method": "GET", "url": "/organization?$select=id,verifiedDomains"}])["1"]
    assert batched["status"] == 200 and batched["body"]["value"][0]["id"] == graph.emulator.tenant_id


def test_organization_and_skus_need_a_read_permission(graph):
    reader = graph.as_app(["User.ReadWrite.All", "GroupMember.ReadWrite.All"])
    for path in ("/organization?$select=verifiedDomains", f"/organization/{graph.emulator.tenant_id}", "/subscribedSkus"):
        assert _error(reader.get(path), 403, "Authorization_RequestDenied") == "Insufficient privileges to complete the operation."
    for role in ("Organization.Read.All", "Directory.Read.All"):
        allowed = graph.as_app(["User.ReadWrite.All", role])
        assert allowed.get("/organization").status_code == 200 and allowed.get("/subscribedSkus").status_code == 200


def test_new_users_need_a_verified_domain(graph):
    assert graph.post("/users", json=new_user("ok")).status_code == 201
    assert graph.post("/users", json=new_user("upper", userPrincipalName="upper@CONTOSO.Example")).status_code == 201
    assert graph.post("/users", json=new_user("init", userPrincipalName="init@contoso.onmicrosoft.com")).status_code == 201
    assert _error(graph.post("/users", json=new_user("x", userPrincipalName="x@fabrikam.example")), 400, "Request_BadRequest") == UNVERIFIED
    assert _error(graph.post("/users", json=new_user("x", userPrincipalName="x@sub.contoso.example")), 400) == UNVERIFIED
    uid = graph.get("/users/ok@contoso.example").json()["id"]
    assert _error(graph.patch(f"/users/{uid}", json={"userPrincipalName": "ok@fabrikam.example"}), 400) == UNVERIFIED
    graph.configure(verified_domains=["fabrikam.onmicrosoft.com", "fabrikam.example"])
    assert graph.post("/users", json=new_user("x", userPrincipalName="x@fabrikam.example")).status_code == 201
    assert _error(graph.post("/users", json=new_user("y")), 400) == UNVERIFIED
    org = graph.get("/organization").json()["value"][0]
    assert [(d["name"], d["isInitial"], d["isDefault"]) for d in org["verifiedDomains"]] == [
        ("fabrikam.onmicrosoft.com", True, False), ("fabrikam.example", False, True)]
    for bad in ([], ["not a domain"], "contoso.example"):
        assert graph.control("PATCH", "config", json={"verified_domains": bad}).status_code == 400, bad


@pytest.mark.parametrize("upn", ["jöhn@contoso.example", "a%b@contoso.example", "a+b@contoso.example", "a b@contoso.example",
                                 "$adm@contoso.example", "dot.@contoso.example", "a@b@contoso.example", "x" * 65 + "@contoso.example",
                                 "@contoso.example", "no-domain", "a(b)@contoso.example", "a@contoso..example"])
def test_new_upn_characters(graph, upn):
    assert _error(graph.post("/users", json=new_user("c", userPrincipalName=upn)), 400, "Request_BadRequest") == INVALID


def test_new_upn_allowed_characters(graph):
    upn = "O'Neil_x-y!z#^~.a@contoso.example"
    created = graph.post("/users", json=new_user("oneil", userPrincipalName=upn))
    assert created.status_code == 201 and created.json()["userPrincipalName"] == upn
    assert graph.post("/users", json=new_user("long", userPrincipalName="x" * 64 + "@contoso.example")).status_code == 201


def test_unknown_select_property_names_the_type(graph):
    message = _error(graph.get("/users?$select=id,favouriteColour"), 400)
    assert message.endswith("Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'.")
    assert "favouriteColour" in _error(graph.get("/users/nobody@contoso.example?$select=favouriteColour"), 400)
