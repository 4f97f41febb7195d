# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Devices, service principals and org contacts; members of every type; v1.0 /members without service principals
(known-issues/groups.md) and the reads that return them; getByIds."""

import pytest

DEVICE_ID = "8a4c5f1e-9f0b-4d2e-b3a1-0c7d6e5f4a32"
APP_ID = "2c1b0a9f-8e7d-4c6b-a5f4-3e2d1c0b9a87"
BIND = "https://graph.microsoft.com/v1.0/"
EVENTUAL = {"ConsistencyLevel": "eventual"}


@pytest.fixture
def world(graph):
    seeded = graph.seed(
        users=[{"userPrincipalName": "ann@contoso.example"}, {"userPrincipalName": "bob@contoso.example"}],
        devices=[{"displayName": "LAPTOP-0042", "deviceId": DEVICE_ID}, {"displayName": "PHONE-1", "operatingSystem": "iOS"}],
        servicePrincipals=[{"displayName": "Contoso HR sync", "appId": APP_ID}, {"displayName": "Backup agent"}],
        contacts=[{"displayName": "Pat Partner", "mail": "partner@fabrikam.example"}],
        groups=[{"displayName": "Intune devices",
                 "members": ["device:LAPTOP-0042", "servicePrincipal:Contoso HR sync", "orgContact:partner@fabrikam.example",
                             "ann@contoso.example", "group:Nested"]},
                {"displayName": "Nested", "members": ["bob@contoso.example"]},
                {"displayName": "Team", "groupTypes": ["Unified"], "mailEnabled": True, "members": ["ann@contoso.example"]}])
    ids = {}
    for collection, label in (("users", "userPrincipalName"), ("devices", "displayName"), ("servicePrincipals", "displayName"),
                              ("contacts", "displayName"), ("groups", "displayName")):
        ids.update({item[label]: item["id"] for item in seeded[collection]})
    return ids


def _types(resp):
    assert resp.status_code == 200, resp.text
    return sorted((item["@odata.type"], item["id"]) for item in resp.json()["value"])


def _beta(graph, path, **kwargs):
    return graph.get(f"{graph.url}/beta{path}", **kwargs)


def test_lists_filters_and_keys(graph, world):
    laptop, phone = world["LAPTOP-0042"], world["PHONE-1"]
    assert [d["id"] for d in graph.get("/devices?$filter=displayName eq 'LAPTOP-0042'").json()["value"]] == [laptop]
    assert [d["id"] for d in graph.get("/devices?$filter=startswith(displayName,'phone')").json()["value"]] == [phone]
    assert len(graph.get("/devices?$filter=displayName in ('LAPTOP-0042','PHONE-1')").json()["value"]) == 2
    assert [d["id"] for d in graph.get(f"/devices?$filter=deviceId eq '{DEVICE_ID}'").json()["value"]] == [laptop]
    assert graph.get("/devices?$filter=operatingSystem eq 'iOS'&$select=id,displayName").json()["value"] == [{"id": phone, "displayName": "PHONE-1"}]
    page = graph.get("/devices?$top=1").json()
    assert len(page["value"]) == 1 and "@odata.nextLink" in page
    assert graph.get("/devices/$count", headers=EVENTUAL).text == "2"
    device = graph.get(f"/devices/{laptop}").json()
    assert device["deviceId"] == DEVICE_ID and device["accountEnabled"] is True and device["operatingSystem"] == "Windows"
    assert graph.get(f"/devices(deviceId='{DEVICE_ID}')").json()["id"] == laptop
    assert graph.get("/devices?$filter=deviceMetadata eq 'x'").json()["error"]["code"] == "Request_UnsupportedQuery"
    sp = world["Contoso HR sync"]
    assert [s["id"] for s in graph.get(f"/servicePrincipals?$filter=appId eq '{APP_ID}'").json()["value"]] == [sp]
    assert graph.get(f"/servicePrincipals(appId='{APP_ID}')?$select=displayName,servicePrincipalType").json() == {
        "@odata.context": f"{graph.url}/v1.0/$metadata#servicePrincipals(displayName,servicePrincipalType)/$entity",
        "displayName": "Contoso HR sync", "servicePrincipalType": "Application", "id": sp}
    assert graph.get("/servicePrincipals?$filter=displayName eq 'Backup agent'").json()["value"][0]["appId"]
    contact = graph.get("/contacts?$filter=mail eq 'partner@fabrikam.example'").json()["value"]
    assert [c["id"] for c in contact] == [world["Pat Partner"]] and contact[0]["mailNickname"] == "partner"
    assert graph.get(f"/contacts/{world['Pat Partner']}").json()["displayName"] == "Pat Partner"
    for path in ("/devices/00000000-0000-0000-0000-000000000000", f"/servicePrincipals(appId='{DEVICE_ID}')", f"/contacts/{laptop}"):
        assert graph.get(path).status_code == 404, path


def test_member_of_for_every_type(graph, world):
    intune, nested = world["Intune devices"], world["Nested"]
    for collection, name in (("devices", "LAPTOP-0042"), ("servicePrincipals", "Contoso HR sync"), ("contacts", "Pat Partner"),
                             ("groups", "Nested"), ("users", "ann@contoso.example")):
        got = graph.get(f"/{collection}/{world[name]}/memberOf").json()["value"]
        assert intune in [g["id"] for g in got] and all(g["@odata.type"] == "#microsoft.graph.group" for g in got), collection
    assert {g["id"] for g in graph.get(f"/users/{world['bob@contoso.example']}/transitiveMemberOf").json()["value"]} == {nested, intune}
    assert graph.get(f"/devices/{world['PHONE-1']}/memberOf").json()["value"] == []
    cast = f"/devices/{world['LAPTOP-0042']}/transitiveMemberOf/microsoft.graph.group?$select=displayName&$count=true"
    assert graph.get(cast, headers=EVENTUAL).json()["value"] == [{"displayName": "Intune devices", "id": intune}]
    assert graph.get(cast.replace("&$count=true", "")).json()["value"] == [{"displayName": "Intune devices", "id": intune}]  # a cast alone
    with_filter = cast + "&$filter=startswith(displayName,'Intune')"
    assert graph.get(with_filter.replace("&$count=true", "")).json()["error"]["code"] == "Request_UnsupportedQuery"  # and $filter: advanced
    check = graph.post(f"/servicePrincipals/{world['Contoso HR sync']}/checkMemberGroups", json={"groupIds": [intune, nested]})
    assert check.json()["value"] == [intune]


def test_v1_members_leave_service_principals_out(graph, world):
    intune, sp = world["Intune devices"], world["Contoso HR sync"]
    everyone = sorted([("#microsoft.graph.device", world["LAPTOP-0042"]), ("#microsoft.graph.orgContact", world["Pat Partner"]),
                       ("#microsoft.graph.user", world["ann@contoso.example"]), ("#microsoft.graph.group", world["Nested"]),
                       ("#microsoft.graph.servicePrincipal", sp)])
    without_sp = [item for item in everyone if item[1] != sp]
    assert _types(graph.get(f"/groups/{intune}/members")) == without_sp
    assert _types(_beta(graph, f"/groups/{intune}/members")) == everyone
    expanded = graph.get(f"/groups/{intune}?$expand=members($select=id)").json()["members"]
    assert sorted((m["@odata.type"], m["id"]) for m in expanded) == everyone
    assert graph.get(f"/groups/{intune}/members/$count", headers=EVENTUAL).text == "4"
    assert _beta(graph, f"/groups/{intune}/members/$count", headers=EVENTUAL).text == "5"
    cast = f"/groups/{intune}/members/microsoft.graph.servicePrincipal?$count=true"
    assert [m["id"] for m in graph.get(cast, headers=EVENTUAL).json()["value"]] == [sp]  # v1.0 lists them under the cast
    beta = _beta(graph, cast + "&$select=appId", headers=EVENTUAL).json()
    assert beta["@odata.context"].endswith("$metadata#servicePrincipals(appId)") and beta["value"] == [{"appId": APP_ID, "id": sp}]
    devices = graph.get(f"/groups/{intune}/members/microsoft.graph.device?$count=true", headers=EVENTUAL).json()
    assert [d["deviceId"] for d in devices["value"]] == [DEVICE_ID] and devices["@odata.count"] == 1
    assert graph.get(f"/groups/{intune}/members/microsoft.graph.planet?$count=true", headers=EVENTUAL).status_code == 400
    # transitiveMembers: nested members too; service principals on beta only (group-list-transitivemembers.md lists the rest)
    transitive = _types(graph.get(f"/groups/{intune}/transitiveMembers"))
    assert ("#microsoft.graph.user", world["bob@contoso.example"]) in transitive and ("#microsoft.graph.servicePrincipal", sp) not in transitive
    assert ("#microsoft.graph.servicePrincipal", sp) in _types(_beta(graph, f"/groups/{intune}/transitiveMembers"))
    item = {"id": "1", "method": "GET", "url": f"/groups/{intune}/members?$select=id"}
    v1 = graph.responses([item])["1"]["body"]["value"]
    beta = graph.post(f"{graph.url}/beta/$batch", json={"requests": [item]}).json()["responses"][0]["body"]["value"]
    assert len(v1) == 4 and len(beta) == 5


def test_member_writes_for_every_type(graph, world):
    group = graph.post("/groups", json={"displayName": "Mixed", "mailEnabled": False, "mailNickname": "mixed",
                                        "securityEnabled": True}).json()["id"]
    graph.configure(replication_delay_ms=0)
    names = ("LAPTOP-0042", "Contoso HR sync", "Pat Partner", "Nested", "ann@contoso.example")
    for name in names:
        resp = graph.post(f"/groups/{group}/members/$ref", json={"@odata.id": f"{BIND}directoryObjects/{world[name]}"})
        assert resp.status_code == 204, name
    assert len(_types(_beta(graph, f"/groups/{group}/members"))) == 5
    for name in names:
        assert graph.delete(f"/groups/{group}/members/{world[name]}/$ref").status_code == 204, name
    binds = [f"{BIND}devices/{world['PHONE-1']}", f"{BIND}servicePrincipals/{world['Backup agent']}",
             f"{BIND}contacts/{world['Pat Partner']}", f"{BIND}groups/{world['Nested']}", f"{BIND}users/{world['bob@contoso.example']}"]
    assert graph.patch(f"/groups/{group}", json={"members@odata.bind": binds}).status_code == 204
    assert len(_types(_beta(graph, f"/groups/{group}/members"))) == 5
    team = world["Team"]
    for name in ("LAPTOP-0042", "Contoso HR sync", "Pat Partner", "Nested"):
        refused = graph.post(f"/groups/{team}/members/$ref", json={"@odata.id": f"{BIND}directoryObjects/{world[name]}"})
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "Request_BadRequest", name
    sku = graph.post(f"/groups/{group}/members/$ref", json={"@odata.id": f"{BIND}directoryObjects/05e9a617-0261-4cee-bb44-138d3ef5d965"})
    assert sku.status_code == 404  # a subscription is not a directory object


def test_get_by_ids_and_directory_objects(graph, world):
    ids = [world["LAPTOP-0042"], world["Contoso HR sync"], world["Pat Partner"], world["ann@contoso.example"], world["Nested"],
           "00000000-0000-0000-0000-000000000000"]
    resp = graph.post("/directoryObjects/getByIds", json={"ids": ids})
    assert resp.status_code == 200 and resp.json()["@odata.context"] == f"{graph.url}/v1.0/$metadata#directoryObjects"
    value = resp.json()["value"]
    assert [v["@odata.type"] for v in value] == ["#microsoft.graph.device", "#microsoft.graph.servicePrincipal",
                                                 "#microsoft.graph.orgContact", "#microsoft.graph.user", "#microsoft.graph.group"]
    assert value[0]["deviceId"] == DEVICE_ID and value[1]["appId"] == APP_ID and value[3]["userPrincipalName"] == "ann@contoso.example"
    typed = graph.post("/directoryObjects/getByIds", json={"ids": ids, "types": ["Device", "microsoft.graph.servicePrincipal"]}).json()
    assert [v["id"] for v in typed["value"]] == ids[:2]
    assert graph.post("/directoryObjects/getByIds", json={"ids": ["x"] * 1001}).status_code == 400
    assert graph.post("/directoryObjects/getByIds", json={"ids": ids, "types": ["planet"]}).status_code == 400
    assert graph.post("/directoryObjects/getByIds", json={}).status_code == 400
    selected = graph.post("/directoryObjects/getByIds?$select=id,displayName", json={"ids": ids[:1]}).json()["value"]
    assert selected == [{"@odata.type": "#microsoft.graph.device", "id": ids[0], "displayName": "LAPTOP-0042"}]
    one = graph.get(f"/directoryObjects/{world['Contoso HR sync']}").json()
    assert one["@odata.type"] == "#microsoft.graph.servicePrincipal" and one["appId"] == APP_ID
    assert graph.get("/directoryObjects/00000000-0000-0000-0000-000000000000").status_code == 404
    assert graph.stats()["writes"] == 0  # getByIds is a read


def test_seeding_members_by_reference(graph, world):
    def seed(**objects):
        return graph.control("POST", "seed", json=objects)
    assert seed(groups=[{"displayName": "By id", "members": [world["PHONE-1"], "Backup agent", f"servicePrincipal:{APP_ID}",
                                                             f"device:{DEVICE_ID}"]}]).status_code == 200
    seed(devices=[{"displayName": "Backup agent"}])
    assert "ambiguous" in seed(groups=[{"displayName": "X", "members": ["Backup agent"]}]).json()["error"]["message"]
    assert seed(groups=[{"displayName": "X", "members": ["device:Backup agent"]}]).status_code == 200
    assert seed(groups=[{"displayName": "X", "members": ["device:nope"]}]).status_code == 400
    assert seed(groups=[{"displayName": "M365", "groupTypes": ["Unified"], "members": ["device:PHONE-1"]}]).status_code == 400
    assert seed(groups=[{"displayName": "Tier0", "isAssignableToRole": True, "members": ["group:Nested"]}]).status_code == 400
    assert seed(devices=[{"operatingSystem": "Linux"}]).status_code == 400


def test_expand_members_returns_at_most_20(graph):
    seeded = graph.seed(devices=[{"displayName": f"D{i:02}"} for i in range(25)],
                        groups=[{"displayName": "Many", "members": [f"device:D{i:02}" for i in range(25)]}])
    group = seeded["groups"][0]["id"]
    assert len(graph.get(f"/groups/{group}?$expand=members").json()["members"]) == 20
    assert len(graph.get(f"/groups/{group}/members?$top=999").json()["value"]) == 25
