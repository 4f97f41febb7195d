# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Role-assignable groups: RoleManagement.ReadWrite.Directory for member changes and creation (group.md,
group-post-members.md, group-delete-members.md, groups-concept.md)."""

import pytest

from graph_emulator.config import DEFAULT_APP_ROLES

ROLE = "RoleManagement.ReadWrite.Directory"
DENIED = "Insufficient privileges to complete the operation."


def _ref(object_id):
    return {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{object_id}"}


@pytest.fixture
def world(graph):
    seeded = graph.seed(users=[{"userPrincipalName": f"{n}@contoso.example"} for n in ("ann", "bob", "cy")],
                        groups=[{"displayName": "Tier0", "isAssignableToRole": True, "members": ["ann@contoso.example"]},
                                {"displayName": "Plain"}])
    ids = {u["userPrincipalName"].split("@")[0]: u["id"] for u in seeded["users"]}
    ids.update({g["displayName"]: g["id"] for g in seeded["groups"]})
    return ids


def _links(graph, group_id):
    return sorted(t for link in graph.control("GET", "dump").json()["links"] if link["source"] == group_id for t in link["targets"])


def _denied(resp):
    assert resp.status_code == 403, resp.text
    assert resp.json()["error"]["code"] == "Authorization_RequestDenied" and resp.json()["error"]["message"] == DENIED


def test_member_changes_need_role_management(graph, world):
    tier0 = world["Tier0"]
    _denied(graph.post(f"/groups/{tier0}/members/$ref", json=_ref(world["bob"])))
    _denied(graph.delete(f"/groups/{tier0}/members/{world['ann']}/$ref"))
    _denied(graph.delete(f"/groups/{tier0}/members/{world['cy']}/$ref"))  # refused before "not a member"
    _denied(graph.patch(f"/groups/{tier0}", json={"members@odata.bind": [_ref(world["bob"])["@odata.id"]]}))
    inner = graph.responses([{"id": "1", "method": "POST", "url": f"/groups/{tier0}/members/$ref", "body": _ref(world["bob"]),
                              "headers": {"Content-Type": "application/json"}}])["1"]
    assert inner["status"] == 403 and inner["body"]["error"]["message"] == DENIED
    assert _links(graph, tier0) == [world["ann"]]
    # other groups are unaffected
    assert graph.post(f"/groups/{world['Plain']}/members/$ref", json=_ref(world["bob"])).status_code == 204
    admin = graph.as_app(list(DEFAULT_APP_ROLES) + [ROLE])
    assert admin.post(f"/groups/{tier0}/members/$ref", json=_ref(world["bob"])).status_code == 204
    assert admin.patch(f"/groups/{tier0}", json={"members@odata.bind": [_ref(world["cy"])["@odata.id"]]}).status_code == 204
    assert admin.delete(f"/groups/{tier0}/members/{world['ann']}/$ref").status_code == 204
    assert _links(graph, tier0) == sorted([world["bob"], world["cy"]])
    nested = admin.post(f"/groups/{tier0}/members/$ref", json=_ref(world["Plain"]))
    assert nested.status_code == 400 and nested.json()["error"]["code"] == "Request_BadRequest"


def test_read_and_filter_is_assignable_to_role(graph, world):
    found = graph.get("/groups?$filter=isAssignableToRole eq true&$select=id,displayName,isAssignableToRole").json()["value"]
    assert found == [{"id": world["Tier0"], "displayName": "Tier0", "isAssignableToRole": True}]
    assert graph.get(f"/groups/{world['Plain']}?$select=isAssignableToRole").json()["isAssignableToRole"] is None
    assert graph.get(f"/groups/{world['Tier0']}").json()["isAssignableToRole"] is True


def test_creating_a_role_assignable_group(graph, world):
    body = {"displayName": "Helpdesk admins", "mailEnabled": False, "mailNickname": "helpdesk", "securityEnabled": True,
            "isAssignableToRole": True}
    _denied(graph.post("/groups", json=body))
    admin = graph.as_app(list(DEFAULT_APP_ROLES) + [ROLE])
    created = admin.post("/groups", json=body)
    assert created.status_code == 201 and created.json()["isAssignableToRole"] is True and created.json()["visibility"] == "Private"
    for bad in ({"securityEnabled": False}, {"groupTypes": ["DynamicMembership"], "membershipRule": "x", "membershipRuleProcessingState": "On"},
                {"visibility": "Public"}):
        resp = admin.post("/groups", json=dict(body, mailNickname="other", **bad))
        assert resp.status_code == 400 and resp.json()["error"]["code"] == "Request_BadRequest", bad
    immutable = admin.patch(f"/groups/{world['Plain']}", json={"isAssignableToRole": True})
    assert immutable.status_code == 400
    assert graph.get(f"/groups/{world['Plain']}?$select=isAssignableToRole").json()["isAssignableToRole"] is None
