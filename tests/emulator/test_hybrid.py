# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hybrid tenants: users and groups synchronised from on-premises AD (onPremisesSyncEnabled), and the sync cycle that
puts AD's values back (POST /_emulator/sync, sync_interval_s)."""

import time

import pytest

MASTERED = ("Unable to update the specified properties for on-premises mastered Directory Sync objects or objects "
            "currently undergoing migration.")


def _ref(object_id):
    return {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{object_id}"}


@pytest.fixture
def world(graph):
    seeded = graph.seed(users=[
        {"userPrincipalName": "ann@contoso.example", "onPremisesSyncEnabled": True, "displayName": "Ann Synced", "jobTitle": "Clerk",
         "department": "Sales", "onPremisesImmutableId": "YW5u"},
        {"userPrincipalName": "bob@contoso.example", "displayName": "Bob Cloud"},
        {"userPrincipalName": "cy@contoso.example", "onPremisesSyncEnabled": True},
    ], groups=[{"displayName": "AD Sales", "onPremisesSyncEnabled": True, "members": ["ann@contoso.example"]},
               {"displayName": "Cloud team", "members": ["ann@contoso.example"]}])
    ids = {u["userPrincipalName"].split("@")[0]: u["id"] for u in seeded["users"]}
    ids.update({g["displayName"]: g["id"] for g in seeded["groups"]})
    return ids


def _refused(resp):
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] == "Request_BadRequest"
    assert resp.json()["error"]["message"] == MASTERED


def _user(graph, user_id, *names):
    return graph.get(f"/users/{user_id}?$select={','.join(names)}").json()


def _members(graph, group_id):
    return sorted(m["id"] for m in graph.get(f"/groups/{group_id}/members").json()["value"])


def test_ad_owned_properties_of_a_synced_user_are_refused_and_nothing_is_applied(graph, world):
    for body in ({"jobTitle": "Manager"}, {"displayName": "New"}, {"employeeHireDate": "2026-01-01T00:00:00Z"},
                 {"passwordProfile": {"password": "An0ther-Secret!"}}, {"mobilePhone": "+45 1234"},
                 {"usageLocation": "DK", "department": "Finance"}):  # one AD-owned property refuses the whole PATCH
        _refused(graph.patch(f"/users/{world['ann']}", json=body))
    ann = _user(graph, world["ann"], "jobTitle", "displayName", "department", "usageLocation")
    assert (ann["jobTitle"], ann["displayName"], ann["department"], ann["usageLocation"]) == ("Clerk", "Ann Synced", "Sales", None)
    # A cloud-only user is not affected.
    assert graph.patch(f"/users/{world['bob']}", json={"jobTitle": "Manager"}).status_code == 204


def test_cloud_owned_properties_and_licences_of_a_synced_user_stay_writable(graph, world):
    assert graph.patch(f"/users/{world['ann']}", json={"usageLocation": "DK", "skills": ["Excel"], "accountEnabled": False}).status_code == 204
    assert _user(graph, world["ann"], "usageLocation", "accountEnabled")["accountEnabled"] is False
    sku = graph.get("/subscribedSkus").json()["value"][0]["skuId"]
    resp = graph.post(f"/users/{world['ann']}/assignLicense", json={"addLicenses": [{"skuId": sku}], "removeLicenses": []})
    assert resp.status_code == 200, resp.text
    # Cloud groups take synchronised users.
    assert graph.post(f"/groups/{world['Cloud team']}/members/$ref", json=_ref(world["cy"])).status_code == 204


def test_manager_and_delete_of_a_synced_user_are_refused(graph, world):
    _refused(graph.request("PUT", f"/users/{world['ann']}/manager/$ref", json=_ref(world["bob"])))
    _refused(graph.delete(f"/users/{world['ann']}"))
    assert graph.get(f"/users/{world['ann']}").status_code == 200
    assert graph.delete(f"/users/{world['bob']}").status_code == 204


def test_synced_group_refuses_member_and_property_changes(graph, world):
    group = world["AD Sales"]
    _refused(graph.post(f"/groups/{group}/members/$ref", json=_ref(world["bob"])))
    _refused(graph.delete(f"/groups/{group}/members/{world['ann']}/$ref"))
    _refused(graph.patch(f"/groups/{group}", json={"members@odata.bind": [f"https://graph.microsoft.com/v1.0/users/{world['bob']}"]}))
    _refused(graph.patch(f"/groups/{group}", json={"description": "changed"}))
    _refused(graph.delete(f"/groups/{group}"))
    assert _members(graph, group) == [world["ann"]]
    assert graph.get(f"/groups/{group}?$select=description").json()["description"] is None


def test_sync_cycle_puts_accountEnabled_and_ad_values_back(graph, world, emulator):
    assert graph.patch(f"/users/{world['ann']}", json={"accountEnabled": False, "usageLocation": "DK"}).status_code == 204
    assert graph.patch(f"/users/{world['bob']}", json={"accountEnabled": False}).status_code == 204
    resp = graph.control("POST", "sync")
    assert resp.status_code == 200 and resp.json() == {"users": 1, "groups": 0}
    assert _user(graph, world["ann"], "accountEnabled", "usageLocation")["accountEnabled"] is True
    assert _user(graph, world["ann"], "usageLocation")["usageLocation"] == "DK"  # the cloud's own property stays
    assert _user(graph, world["bob"], "accountEnabled")["accountEnabled"] is False  # cloud-only users are not synchronised
    # AD's members come back too (here changed behind Graph's back, as only AD may change them).
    emulator.store.set_link(world["AD Sales"], "members", [world["cy"]])
    assert graph.control("POST", "sync").json() == {"users": 0, "groups": 1}
    assert _members(graph, world["AD Sales"]) == [world["ann"]]
    assert graph.control("POST", "sync").json() == {"users": 0, "groups": 0}


def test_sync_interval_runs_the_cycle_on_its_own(graph, world):
    assert graph.patch(f"/users/{world['ann']}", json={"accountEnabled": False}).status_code == 204
    assert _user(graph, world["ann"], "accountEnabled")["accountEnabled"] is False  # off by default: nothing comes back
    graph.configure(sync_interval_s=0.2)
    graph.control("POST", "sync")
    assert graph.patch(f"/users/{world['ann']}", json={"accountEnabled": False}).status_code == 204
    time.sleep(0.3)
    assert _user(graph, world["ann"], "accountEnabled")["accountEnabled"] is True


def test_seeded_onpremises_source_is_in_the_dump(graph, world):
    users = {u["id"]: u for u in graph.control("GET", "dump").json()["objects"]["user"]}
    assert users[world["ann"]]["@onPremisesSource"]["jobTitle"] == "Clerk"
    assert "@onPremisesSource" not in users[world["bob"]]
    assert "@onPremisesSource" not in graph.get(f"/users/{world['ann']}?$select=id,jobTitle").json()
