# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Licensing (§4.5), usage location (§4.3) and the manager reference."""

import time

from conftest import new_user

E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900"      # ENTERPRISEPACK in the default set
SPE_E3 = "05e9a617-0261-4cee-bb44-138d3ef5d965"
EMS = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e"
EXCHANGE = "efb87545-963c-4e0d-99df-69c6916d9eb0"
TEAMS = "57ff2da0-773e-42df-b2af-ffb7a2317929"
UNKNOWN = "00000000-0000-0000-0000-00000000beef"
SMALL = "11111111-2222-3333-4444-555555555555"


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    if code:
        assert error["code"] == code
    return error["message"]


def _assign(graph, user, add=(), remove=(), disabled=None):
    body = {"addLicenses": [{"skuId": s, "disabledPlans": list(disabled or [])} for s in add], "removeLicenses": list(remove)}
    return graph.post(f"/users/{user}/assignLicense", json=body)


def _skus(graph):
    return {s["skuPartNumber"]: s for s in graph.get("/subscribedSkus").json()["value"]}


def test_default_subscriptions(graph):
    resp = graph.get("/subscribedSkus")
    assert resp.status_code == 200
    assert resp.json()["@odata.context"].endswith("$metadata#subscribedSkus")
    skus = _skus(graph)
    assert set(skus) == {"ENTERPRISEPACK", "SPE_E3", "EMS"}
    e3 = skus["ENTERPRISEPACK"]
    assert e3["skuId"] == E3 and e3["consumedUnits"] == 0 and e3["prepaidUnits"]["enabled"] > 0
    assert e3["appliesTo"] == "User" and e3["capabilityStatus"] == "Enabled" and e3["id"].endswith("_" + E3)
    assert {"servicePlanId": EXCHANGE, "servicePlanName": "EXCHANGE_S_ENTERPRISE", "provisioningStatus": "Success",
            "appliesTo": "User"} in e3["servicePlans"]
    assert graph.get(f"/subscribedSkus/{e3['id']}").json()["skuPartNumber"] == "ENTERPRISEPACK"
    assert graph.get(f"/subscribedSkus/x_{UNKNOWN}").status_code == 404
    selected = graph.get("/subscribedSkus?$select=skuPartNumber,consumedUnits").json()["value"][0]
    assert set(selected) == {"id", "skuPartNumber", "consumedUnits"}
    assert graph.get("/subscribedSkus?$filter=skuPartNumber eq 'EMS'").status_code == 400
    assert graph.stats()["requests_by_method"]["GET"] >= 1


def test_assign_and_remove(graph):
    uid = graph.post("/users", json=new_user("lic", usageLocation="DK")).json()["id"]
    resp = _assign(graph, uid, add=[E3], disabled=[TEAMS])
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["@odata.context"].endswith("#users/$entity") and body["id"] == uid
    assert body["assignedLicenses"] == [{"skuId": E3, "disabledPlans": [TEAMS]}]
    read = graph.get(f"/users/{uid}?$select=assignedLicenses,licenseAssignmentStates").json()
    assert read["assignedLicenses"] == [{"skuId": E3, "disabledPlans": [TEAMS]}]
    state = read["licenseAssignmentStates"][0]
    assert (state["skuId"], state["assignedByGroup"], state["state"], state["disabledPlans"]) == (E3, None, "Active", [TEAMS])
    assert _skus(graph)["ENTERPRISEPACK"]["consumedUnits"] == 1
    # re-adding replaces the disabled plans; one seat still
    assert _assign(graph, uid, add=[E3]).json()["assignedLicenses"] == [{"skuId": E3, "disabledPlans": []}]
    assert _skus(graph)["ENTERPRISEPACK"]["consumedUnits"] == 1
    # add and remove in one call
    swapped = _assign(graph, uid, add=[EMS], remove=[E3]).json()["assignedLicenses"]
    assert swapped == [{"skuId": EMS, "disabledPlans": []}]
    skus = _skus(graph)
    assert skus["ENTERPRISEPACK"]["consumedUnits"] == 0 and skus["EMS"]["consumedUnits"] == 1
    details = graph.get(f"/users/{uid}/licenseDetails").json()["value"]
    assert [(d["skuId"], d["skuPartNumber"]) for d in details] == [(EMS, "EMS")]
    assert all(p["provisioningStatus"] == "Success" for p in details[0]["servicePlans"])


def test_assign_errors(graph):
    no_location = graph.post("/users", json=new_user("nowhere")).json()["id"]
    located = graph.post("/users", json=new_user("here", usageLocation="NO")).json()["id"]
    assert _error(_assign(graph, no_location, add=[E3]), 400, "Request_BadRequest") == \
        "License assignment cannot be done for user with invalid usage location."
    assert _error(_assign(graph, located, add=[UNKNOWN]), 400, "Request_BadRequest") == \
        f"License {UNKNOWN} does not correspond to a valid company License."
    assert _error(_assign(graph, located, remove=[UNKNOWN]), 400) == f"License {UNKNOWN} does not correspond to a valid company License."
    assert "corresponding license" in _error(_assign(graph, located, remove=[E3]), 400, "Request_BadRequest")
    assert "removeLicenses" in _error(graph.post(f"/users/{located}/assignLicense", json={"addLicenses": []}), 400)
    bad_sku = {"addLicenses": [{"skuId": "x"}], "removeLicenses": []}
    assert "addLicenses" in _error(graph.post(f"/users/{located}/assignLicense", json=bad_sku), 400)
    assert "not part of license" in _error(_assign(graph, located, add=[EMS], disabled=[EXCHANGE]), 400)
    assert _error(_assign(graph, UNKNOWN, add=[E3]), 404, "Request_ResourceNotFound").startswith(f"Resource '{UNKNOWN}'")
    # nothing was assigned by the failed calls
    assert graph.get(f"/users/{located}?$select=assignedLicenses").json()["assignedLicenses"] == []


def test_seats_run_out(graph):
    graph.seed(subscribedSkus=[{"skuId": SMALL, "skuPartNumber": "SMALL", "prepaidUnits": {"enabled": 2},
                                "servicePlans": [{"servicePlanId": EXCHANGE, "servicePlanName": "EXCHANGE_S_ENTERPRISE"}]}])
    assert set(_skus(graph)) == {"SMALL"}  # seeding replaces the default set
    ids = [graph.post("/users", json=new_user(f"s{i}", usageLocation="DK")).json()["id"] for i in range(3)]
    assert _assign(graph, ids[0], add=[SMALL]).status_code == 200
    assert _assign(graph, ids[1], add=[SMALL]).status_code == 200
    assert _assign(graph, ids[1], add=[SMALL]).status_code == 200  # holding a seat already
    assert _error(_assign(graph, ids[2], add=[SMALL]), 400, "Request_BadRequest") == \
        f"Subscription with SKU {SMALL} does not have any available licenses."
    assert graph.delete(f"/users/{ids[0]}").status_code == 204  # deleting a user releases its seat
    assert _skus(graph)["SMALL"]["consumedUnits"] == 1
    assert _assign(graph, ids[2], add=[SMALL]).status_code == 200


def test_group_inherited_licences(graph):
    seeded = graph.seed(users=[{"userPrincipalName": "m@contoso.example", "usageLocation": "DK",
                                "assignedLicenses": [{"skuPartNumber": "EMS"}]},
                               {"userPrincipalName": "n@contoso.example"}],
                        groups=[{"displayName": "E3 users", "members": ["m@contoso.example"],
                                 "assignedLicenses": [{"skuId": E3, "disabledPlans": []}]}])
    member, other = [u["id"] for u in seeded["users"]]
    group = seeded["groups"][0]["id"]
    user = graph.get(f"/users/{member}?$select=assignedLicenses,licenseAssignmentStates").json()
    assert sorted(l["skuId"] for l in user["assignedLicenses"]) == sorted([E3, EMS])
    states = {(s["skuId"], s["assignedByGroup"]) for s in user["licenseAssignmentStates"]}
    assert states == {(EMS, None), (E3, group)}
    skus = _skus(graph)
    assert skus["ENTERPRISEPACK"]["consumedUnits"] == 1 and skus["EMS"]["consumedUnits"] == 1
    # an inherited licence cannot be removed directly, but a direct one can be added on top without a new seat
    assert _error(_assign(graph, member, remove=[E3]), 400, "Request_BadRequest") == \
        "User license is inherited from group membership and cannot be removed directly from the user."
    assert _assign(graph, member, add=[E3]).status_code == 200
    assert _skus(graph)["ENTERPRISEPACK"]["consumedUnits"] == 1
    listed = graph.get("/users?$filter=userPrincipalName eq 'm@contoso.example'&$select=id,licenseAssignmentStates").json()["value"][0]
    assert {(s["skuId"], s["assignedByGroup"]) for s in listed["licenseAssignmentStates"]} == {(EMS, None), (E3, None), (E3, group)}
    # membership changes show at once
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{other}"}
    assert graph.post(f"/groups/{group}/members/$ref", json=ref).status_code == 204
    assert graph.get(f"/users/{other}?$select=assignedLicenses").json()["assignedLicenses"] == [{"skuId": E3, "disabledPlans": []}]
    assert _skus(graph)["ENTERPRISEPACK"]["consumedUnits"] == 2
    details = graph.get(f"/users/{other}/licenseDetails").json()["value"]
    assert [d["skuPartNumber"] for d in details] == ["ENTERPRISEPACK"]


def test_group_assign_license(graph):
    seeded = graph.seed(users=[{"userPrincipalName": "g@contoso.example"}], groups=[{"displayName": "Lic", "members": ["g@contoso.example"]}])
    group, user = seeded["groups"][0]["id"], seeded["users"][0]["id"]
    resp = graph.post(f"/groups/{group}/assignLicense", json={"addLicenses": [{"skuId": SPE_E3, "disabledPlans": []}], "removeLicenses": []})
    assert resp.status_code == 202 and resp.json()["id"] == group
    assert graph.get(f"/groups/{group}?$select=assignedLicenses").json()["assignedLicenses"] == [{"skuId": SPE_E3, "disabledPlans": []}]
    states = graph.get(f"/users/{user}?$select=licenseAssignmentStates").json()["licenseAssignmentStates"]
    assert [(s["skuId"], s["assignedByGroup"]) for s in states] == [(SPE_E3, group)]
    assert graph.post(f"/groups/{group}/assignLicense", json={"addLicenses": [], "removeLicenses": [SPE_E3]}).status_code == 202
    assert graph.get(f"/users/{user}?$select=assignedLicenses").json()["assignedLicenses"] == []


def test_assign_license_in_batch_and_replication(graph):
    graph.configure(replication_delay_ms=300)
    created = graph.post("/users", json=new_user("fresh", usageLocation="DK")).json()["id"]
    answers = graph.responses([{"id": "1", "method": "POST", "url": f"/users/{created}/assignLicense",
                                "headers": {"Content-Type": "application/json"},
                                "body": {"addLicenses": [{"skuId": E3, "disabledPlans": []}], "removeLicenses": []}}])
    assert answers["1"]["status"] == 404  # not replicated yet
    time.sleep(0.35)
    answers = graph.responses([{"id": "1", "method": "POST", "url": f"/users/{created}/assignLicense",
                                "headers": {"Content-Type": "application/json"},
                                "body": {"addLicenses": [{"skuId": E3, "disabledPlans": []}], "removeLicenses": []}}])
    assert answers["1"]["status"] == 200 and answers["1"]["body"]["assignedLicenses"][0]["skuId"] == E3


def test_usage_location_rules(graph):
    assert "usageLocation" in _error(graph.post("/users", json=new_user("bad", usageLocation="Denmark")), 400, "Request_BadRequest")
    uid = graph.post("/users", json=new_user("loc")).json()["id"]
    assert graph.patch(f"/users/{uid}", json={"usageLocation": None}).status_code == 204  # unset stays unset
    assert graph.patch(f"/users/{uid}", json={"usageLocation": "SE"}).status_code == 204
    assert graph.get(f"/users/{uid}?$select=usageLocation").json()["usageLocation"] == "SE"
    assert "usageLocation" in _error(graph.patch(f"/users/{uid}", json={"usageLocation": None}), 400)  # §4.3: not nullable


def test_manager_reference(graph):
    seeded = graph.seed(users=[{"userPrincipalName": "boss@contoso.example"}, {"userPrincipalName": "emp@contoso.example"}])
    boss, emp = [u["id"] for u in seeded["users"]]
    assert _error(graph.get(f"/users/{emp}/manager"), 404, "Request_ResourceNotFound").startswith("Resource 'manager' does not exist")
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/users/{boss}"}
    assert graph.request("PUT", f"/users/{emp}/manager/$ref", json=ref).status_code == 204
    manager = graph.get(f"/users/{emp}/manager").json()
    assert manager["@odata.type"] == "#microsoft.graph.user" and manager["id"] == boss
    assert graph.get(f"/users/{emp}/manager?$select=id,userPrincipalName").json()["userPrincipalName"] == "boss@contoso.example"
    assert graph.get(f"/users/{emp}/manager/$ref").json()["@odata.id"].endswith(boss)
    expanded = graph.get("/users?$filter=userPrincipalName in ('emp@contoso.example')&$select=id&$expand=manager($select=id)").json()
    assert expanded["value"][0]["manager"]["id"] == boss
    assert "own manager" in _error(graph.request("PUT", f"/users/{emp}/manager/$ref",
                                                 json={"@odata.id": f"https://graph.microsoft.com/v1.0/users/{emp}"}), 400)
    assert _error(graph.request("PUT", f"/users/{emp}/manager/$ref",
                                json={"@odata.id": f"https://graph.microsoft.com/v1.0/users/{UNKNOWN}"}), 404).startswith(f"Resource '{UNKNOWN}'")
    assert graph.request("PUT", f"/users/{emp}/manager/$ref", json={}).status_code == 400
    assert graph.delete(f"/users/{emp}/manager/$ref").status_code == 204
    assert graph.delete(f"/users/{emp}/manager/$ref").status_code == 404
    assert "manager" not in graph.get(f"/users/{emp}?$expand=manager").json()


def test_manager_in_batch_waits_for_replication(graph):
    graph.configure(replication_delay_ms=300)
    boss = graph.post("/users", json=new_user("newboss")).json()["id"]
    emp = graph.seed(users=[{"userPrincipalName": "old@contoso.example"}])["users"][0]["id"]
    put = {"id": "m", "method": "PUT", "url": f"/users/{emp}/manager/$ref", "headers": {"Content-Type": "application/json"},
           "body": {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{boss}"}}
    assert graph.responses([put])["m"]["status"] == 404
    time.sleep(0.35)
    assert graph.responses([put])["m"]["status"] == 204


def test_seed_validation_and_dump(graph):
    assert graph.control("POST", "seed", json={"subscribedSkus": [{"skuPartNumber": "X"}]}).status_code == 400
    assert graph.control("POST", "seed", json={"users": [{"userPrincipalName": "z@contoso.example",
                                                          "assignedLicenses": [{"skuPartNumber": "NOPE"}]}]}).status_code == 400
    graph.seed(subscribedSkus=[])
    assert graph.get("/subscribedSkus").json()["value"] == []
    graph.control("POST", "reset")
    assert len(graph.get("/subscribedSkus").json()["value"]) == 3  # defaults come back after a reset
    dump = graph.control("GET", "dump").json()
    assert "@directUnits" in dump["objects"]["subscribedSku"][0]  # internal counter only in the dump
    assert "@directUnits" not in graph.get("/subscribedSkus").text


def test_group_licence_without_seats_is_in_error(graph):
    """licensing-groups-resolve-problems.md: a group licence with no seat left is recorded on the user as CountViolation;
    the group's other products are not assigned either; errored licences take no seat and are not in assignedLicenses."""
    graph.seed(subscribedSkus=[{"skuId": SMALL, "skuPartNumber": "SMALL", "prepaidUnits": {"enabled": 1},
                                "servicePlans": [{"servicePlanId": EXCHANGE, "servicePlanName": "EXCHANGE_S_ENTERPRISE"}]},
                               {"skuId": EMS, "skuPartNumber": "EMS", "prepaidUnits": {"enabled": 10},
                                "servicePlans": [{"servicePlanId": TEAMS, "servicePlanName": "TEAMS1"}]}])
    seeded = graph.seed(users=[{"userPrincipalName": f"{n}@contoso.example", "usageLocation": "DK"} for n in ("a", "b", "c")],
                        groups=[{"displayName": "Both", "members": ["a@contoso.example", "b@contoso.example"],
                                 "assignedLicenses": [{"skuId": SMALL}, {"skuId": EMS}]},
                                {"displayName": "Ems only", "members": ["b@contoso.example"], "assignedLicenses": [{"skuId": EMS}]}])
    a, b, c = [u["id"] for u in seeded["users"]]
    both, ems_only = [g["id"] for g in seeded["groups"]]
    seated, short = a, b  # members are processed in the order they joined
    user = graph.get(f"/users/{short}?$select=assignedLicenses,licenseAssignmentStates").json()
    states = {(s["skuId"], s["assignedByGroup"]): (s["state"], s["error"]) for s in user["licenseAssignmentStates"]}
    assert states == {(SMALL, both): ("Error", "CountViolation"), (EMS, both): ("Error", "Other"), (EMS, ems_only): ("Active", "None")}
    assert user["assignedLicenses"] == [{"skuId": EMS, "disabledPlans": []}]  # only what another group gives
    good = graph.get(f"/users/{seated}?$select=licenseAssignmentStates").json()["licenseAssignmentStates"]
    assert {(s["state"], s["error"]) for s in good} == {("Active", "None")}
    skus = _skus(graph)
    assert skus["SMALL"]["consumedUnits"] == 1 and skus["EMS"]["consumedUnits"] == 2
    # No seat left for a direct assignment either; the errored licence is still "inherited", not removable directly.
    assert "does not have any available licenses" in _error(_assign(graph, c, add=[SMALL]), 400)
    assert "inherited from group membership" in _error(_assign(graph, short, remove=[SMALL]), 400)
    # The seated member leaves the group: its seat goes to the member in error, at once.
    assert graph.delete(f"/groups/{both}/members/{seated}/$ref").status_code == 204
    assert graph.get(f"/users/{seated}?$select=assignedLicenses").json()["assignedLicenses"] == []
    user = graph.get(f"/users/{short}?$select=assignedLicenses,licenseAssignmentStates").json()
    assert sorted(l["skuId"] for l in user["assignedLicenses"]) == sorted([SMALL, EMS])
    assert {s["state"] for s in user["licenseAssignmentStates"]} == {"Active"}
    assert _skus(graph)["SMALL"]["consumedUnits"] == 1
