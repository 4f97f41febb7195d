# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Calendar (§7): events with transactionId, calendarPermissions; and revokeSignInSessions (§4.6)."""

import base64
import urllib.parse
import time

import pytest

from conftest import new_user


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    if code:
        assert error["code"] == code
    return error["message"]


def _event(subject="Welcome", **extra):
    body = {"subject": subject, "body": {"contentType": "HTML", "content": "<p>Glad to have you <b>here</b></p>"},
            "start": {"dateTime": "2026-03-02T09:00:00", "timeZone": "W. Europe Standard Time"},
            "end": {"dateTime": "2026-03-02T10:00:00", "timeZone": "W. Europe Standard Time"}}
    body.update(extra)
    return body


@pytest.fixture
def ada(graph):
    return graph.seed(users=[{"userPrincipalName": "ada@contoso.example", "displayName": "Ada Lovelace"},
                             {"userPrincipalName": "bob@contoso.example", "displayName": "Bob"}])["users"][0]


def test_create_event(graph, ada):
    resp = graph.post("/users/ada@contoso.example/events", json=_event(attendees=[
        {"emailAddress": {"address": "bob@contoso.example", "name": "Bob"}, "type": "required"}]))
    assert resp.status_code == 201, resp.text
    event = resp.json()
    assert event["@odata.context"] == f"{graph.url}/v1.0/$metadata#users('{ada['id']}')/events/$entity"
    assert event["id"].startswith("AAMkA") and event["subject"] == "Welcome"
    assert event["start"] == {"dateTime": "2026-03-02T09:00:00.0000000", "timeZone": "W. Europe Standard Time"}
    assert event["body"]["contentType"] == "html" and event["bodyPreview"] == "Glad to have you here"
    assert event["organizer"]["emailAddress"]["address"] == "ada@contoso.example" and event["isOrganizer"] is True
    assert event["attendees"][0]["status"]["response"] == "none"
    assert "transactionId" in event and event["transactionId"] is None
    assert "_mailbox" not in event
    # by object id as well, through /calendar/events
    assert graph.get(f"/users/{ada['id']}/calendar/events").json()["value"][0]["id"] == event["id"]


def test_transaction_id_makes_a_repeat_return_the_original(graph, ada):
    first = graph.post("/users/ada@contoso.example/events", json=_event(transactionId="onb-1"))
    again = graph.post(f"/users/{ada['id']}/events", json=_event(transactionId="onb-1", subject="Changed"))
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.json()["subject"] == "Welcome"
    other = graph.post("/users/ada@contoso.example/events", json=_event(transactionId="onb-2"))
    assert other.json()["id"] != first.json()["id"]
    # transactionIds are per mailbox
    bob = graph.post("/users/bob@contoso.example/events", json=_event(transactionId="onb-1"))
    assert bob.json()["id"] != first.json()["id"]
    events = graph.get("/users/ada@contoso.example/events?$select=id,transactionId").json()["value"]
    assert sorted(e["transactionId"] for e in events) == ["onb-1", "onb-2"]
    assert set(events[0]) == {"id", "transactionId"}


def test_transaction_id_repeat_inside_one_batch(graph, ada):
    body = _event(transactionId="tx")
    answers = graph.responses([{"id": str(i), "method": "POST", "url": "/users/ada@contoso.example/events", "body": body,
                                "headers": {"Content-Type": "application/json"}} for i in range(1, 4)])
    assert {a["status"] for a in answers.values()} == {201}
    assert len({a["body"]["id"] for a in answers.values()}) == 1
    assert len(graph.emulator.dump()["objects"]["event"]) == 1


def test_list_events_filter_select_top_and_paging(graph, ada):
    for index in range(12):
        graph.post("/users/ada@contoso.example/events", json=_event("Standup" if index % 3 else "Welcome O'Brien"))
    page = graph.get("/users/ada@contoso.example/events").json()
    assert len(page["value"]) == 10 and "@odata.nextLink" in page  # Outlook's default page size
    rest = graph.get(page["@odata.nextLink"]).json()
    assert len(rest["value"]) == 2 and "@odata.nextLink" not in rest
    welcome = graph.get("/users/ada@contoso.example/events?$filter=subject eq 'welcome o''brien'&$select=id,subject").json()["value"]
    assert len(welcome) == 4 and all(set(e) == {"id", "subject"} for e in welcome)
    assert len(graph.get("/users/ada@contoso.example/events?$top=3").json()["value"]) == 3
    assert len(graph.get("/users/ada@contoso.example/events?$filter=startswith(subject,'stand')&$top=50").json()["value"]) == 8
    _error(graph.get("/users/ada@contoso.example/events?$select=nope"), 400)
    _error(graph.get("/users/ada@contoso.example/events?$filter=transactionId eq 'x'"), 400, "Request_UnsupportedQuery")


def test_get_and_delete_event(graph, ada):
    event_id = graph.post("/users/ada@contoso.example/events", json=_event()).json()["id"]
    assert graph.get(f"/users/ada@contoso.example/events/{event_id}").json()["id"] == event_id
    _error(graph.get(f"/users/bob@contoso.example/events/{event_id}"), 404, "ErrorItemNotFound")
    assert graph.delete(f"/users/ada@contoso.example/events/{event_id}").status_code == 204
    _error(graph.get(f"/users/ada@contoso.example/events/{event_id}"), 404, "ErrorItemNotFound")


@pytest.mark.parametrize("change, status, code", [
    ({"favourite": 1}, 400, "RequestBodyRead"),
    ({"id": "x"}, 400, "ErrorInvalidRequest"),
    ({"end": None}, 400, "ErrorInvalidRequest"),
    ({"start": {"dateTime": "2026-03-02T09:00:00", "timeZone": "Mars/Olympus"}}, 400, "TimeZoneNotSupportedException"),
    ({"start": {"dateTime": "next tuesday", "timeZone": "UTC"}}, 400, "BadRequest"),
    ({"end": {"dateTime": "2026-03-02T08:00:00", "timeZone": "W. Europe Standard Time"}}, 400, "ErrorInvalidRequest"),
    ({"body": {"contentType": "markdown", "content": "x"}}, 400, "RequestBodyRead"),
    ({"attendees": [{"emailAddress": {"name": "no address"}}]}, 400, "ErrorInvalidRequest"),
    ({"isAllDay": "yes"}, 400, "RequestBodyRead"),
])
def test_event_validation(graph, ada, change, status, code):
    body = _event()
    body.update(change)
    if change.get("end", 0) is None:
        del body["end"]
    _error(graph.post("/users/ada@contoso.example/events", json=body), status, code)
    assert "event" not in graph.emulator.dump()["objects"]


def test_iana_time_zones_are_accepted(graph, ada):
    body = _event(start={"dateTime": "2026-03-02T09:00:00Z", "timeZone": "Europe/Copenhagen"},
                  end={"dateTime": "2026-03-02T09:30:00", "timeZone": "Europe/Copenhagen"})
    assert graph.post("/users/ada@contoso.example/events", json=body).status_code == 201


def test_mailbox_of_missing_or_unreplicated_user_is_404(graph, ada):
    message = _error(graph.post("/users/ghost@contoso.example/events", json=_event()), 404, "Request_ResourceNotFound")
    assert message.startswith("Resource 'ghost@contoso.example' does not exist")
    _error(graph.get("/users/ghost@contoso.example/calendar/calendarPermissions"), 404, "Request_ResourceNotFound")
    graph.configure(replication_delay_ms=300)
    created = graph.post("/users", json=new_user("fresh", usageLocation="DK")).json()
    _error(graph.get(f"/users/{created['id']}/events"), 404, "Request_ResourceNotFound")
    time.sleep(0.35)
    # replicated, but without an Exchange licence there is no mailbox yet
    _error(graph.get(f"/users/{created['id']}/events"), 404, "MailboxNotEnabledForRESTAPI")
    e3 = {"addLicenses": [{"skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965"}], "removeLicenses": []}
    assert graph.post(f"/users/{created['id']}/assignLicense", json=e3).status_code == 200
    assert graph.get(f"/users/{created['id']}/events").status_code == 200


def test_default_permission_entry(graph, ada):
    resp = graph.get("/users/ada@contoso.example/calendar/calendarPermissions")
    assert resp.status_code == 200
    entries = resp.json()["value"]
    assert len(entries) == 1
    default = entries[0]
    assert default["id"] == "RGVmYXVsdA==" == base64.b64encode(b"Default").decode()
    assert default["emailAddress"] == {"name": "My Organization"} and default["isRemovable"] is False
    assert default["isInsideOrganization"] is True
    assert default["allowedRoles"] == ["none", "freeBusyRead", "limitedRead", "read", "write"]
    _error(graph.delete("/users/ada@contoso.example/calendar/calendarPermissions/RGVmYXVsdA=="), 400, "ErrorCannotDeleteObject")
    patched = graph.patch("/users/ada@contoso.example/calendar/calendarPermissions/RGVmYXVsdA==", json={"role": "limitedRead"})
    assert patched.status_code == 200 and patched.json()["role"] == "limitedRead"
    _error(graph.patch("/users/ada@contoso.example/calendar/calendarPermissions/RGVmYXVsdA==",
                       json={"role": "delegateWithPrivateEventAccess"}), 400, "ErrorInvalidRequest")


def test_create_update_delete_permission(graph, ada):
    url = "/users/ada@contoso.example/calendar/calendarPermissions"
    resp = graph.post(url, json={"emailAddress": {"name": "Bob", "address": "bob@contoso.example"}, "isInsideOrganization": True,
                                 "isRemovable": True, "role": "read"})
    assert resp.status_code == 200, resp.text  # 200, not 201 (§7.2)
    created = resp.json()
    assert created["id"] == base64.b64encode(b"ExchangePublishedUser.bob@contoso.example").decode()
    assert created["role"] == "read" and "write" in created["allowedRoles"] and created["isInsideOrganization"] is True
    _error(graph.post(url, json={"emailAddress": {"address": "BOB@contoso.example"}, "role": "write"}), 409, "ErrorItemAlreadyExists")
    external = graph.post(url, json={"emailAddress": {"address": "partner@fabrikam.example"}, "role": "read"}).json()
    assert external["isInsideOrganization"] is False and "write" not in external["allowedRoles"]
    _error(graph.post(url, json={"emailAddress": {"address": "other@fabrikam.example"}, "role": "write"}), 400, "ErrorInvalidRequest")
    _error(graph.post(url, json={"emailAddress": {"address": "x@contoso.example"}, "role": "owner"}), 400, "RequestBodyRead")
    _error(graph.post(url, json={"role": "read"}), 400, "ErrorInvalidRequest")
    item = f"{url}/{created['id']}"
    assert graph.patch(item, json={"role": "write"}).json()["role"] == "write"
    _error(graph.patch(item, json={"role": "read", "isRemovable": False}), 400, "ErrorInvalidRequest")
    assert [e["role"] for e in graph.get(url).json()["value"]] == ["freeBusyRead", "write", "read"]
    assert graph.get(f"{url}?$select=id,role").json()["value"][1] == {"id": created["id"], "role": "write"}
    assert graph.delete(item).status_code == 204
    _error(graph.delete(item), 404, "ErrorItemNotFound")
    _error(graph.patch(item, json={"role": "read"}), 404, "ErrorItemNotFound")
    assert len(graph.get(url).json()["value"]) == 2
    # permissions are per mailbox
    assert len(graph.get("/users/bob@contoso.example/calendar/calendarPermissions").json()["value"]) == 1


def test_calendar_writes_inside_a_batch(graph, ada):
    answers = graph.responses([
        {"id": "e", "method": "POST", "url": "/users/ada@contoso.example/events", "body": _event(transactionId="t"),
         "headers": {"Content-Type": "application/json"}},
        {"id": "p", "method": "POST", "url": "/users/ada@contoso.example/calendar/calendarPermissions",
         "body": {"emailAddress": {"address": "bob@contoso.example"}, "role": "limitedRead"}, "headers": {"Content-Type": "application/json"}},
        {"id": "g", "method": "GET", "url": "/users/ghost@contoso.example/calendar/calendarPermissions"},
    ])
    assert (answers["e"]["status"], answers["p"]["status"], answers["g"]["status"]) == (201, 200, 404)
    stats = graph.stats()
    assert stats["writes"] == 2


def test_revoke_sign_in_sessions(graph, ada):
    before = graph.emulator.dump()["objects"]["user"]
    stamp = next(u for u in before if u["id"] == ada["id"])["signInSessionsValidFromDateTime"]
    time.sleep(1.1)
    resp = graph.post(f"/users/{ada['id']}/revokeSignInSessions")
    assert resp.status_code == 200
    assert resp.json() == {"@odata.context": f"{graph.url}/v1.0/$metadata#Edm.Boolean", "value": True}
    user = next(u for u in graph.emulator.dump()["objects"]["user"] if u["id"] == ada["id"])
    assert user["signInSessionsValidFromDateTime"] > stamp
    selected = graph.get("/users/ada@contoso.example?$select=signInSessionsValidFromDateTime").json()
    assert selected["signInSessionsValidFromDateTime"] == user["signInSessionsValidFromDateTime"]
    _error(graph.post("/users/ghost@contoso.example/revokeSignInSessions"), 404, "Request_ResourceNotFound")


def test_revoke_sign_in_sessions_in_a_batch_needs_a_body(graph, ada):
    bad = graph.batch([{"id": "1", "method": "POST", "url": "/users/ada@contoso.example/revokeSignInSessions"}])
    assert bad.status_code == 400 and "Content-Type" in bad.json()["error"]["message"]
    answers = graph.responses([{"id": "1", "method": "POST", "url": "/users/ada@contoso.example/revokeSignInSessions", "body": {},
                                "headers": {"Content-Type": "application/json"}}])
    assert answers["1"]["status"] == 200 and answers["1"]["body"]["value"] is True


def test_permission_ids_with_base64_punctuation_work_percent_encoded(graph, ada):
    url = "/users/ada@contoso.example/calendar/calendarPermissions"
    created = graph.post(url, json={"emailAddress": {"address": "a~.ext@contoso.example"}, "role": "read"}).json()
    assert "+" in created["id"]
    encoded = urllib.parse.quote(created["id"], safe="")
    assert graph.patch(f"{url}/{encoded}", json={"role": "limitedRead"}).json()["role"] == "limitedRead"
    assert graph.delete(f"{url}/{encoded}").status_code == 204
