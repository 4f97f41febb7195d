# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""New mailboxes: none until an Exchange licence, then a provisioning delay; 404 MailboxNotEnabledForRESTAPI meanwhile."""

import time

from conftest import new_user

E3 = "05e9a617-0261-4cee-bb44-138d3ef5d965"
EMS = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e"
EXCHANGE = "efb87545-963c-4e0d-99df-69c6916d9eb0"
NO_MAILBOX = "The mailbox is either inactive, soft-deleted, or is hosted on-premise."
OUTLOOK_PATHS = ("/events", "/calendar", "/calendar/events", "/calendar/calendarPermissions", "/mailboxSettings", "/mailFolders",
                 "/mailFolders/inbox", "/messages")


def _license(graph, user, sku, disabled=()):
    body = {"addLicenses": [{"skuId": sku, "disabledPlans": list(disabled)}], "removeLicenses": []}
    assert graph.post(f"/users/{user}/assignLicense", json=body).status_code == 200


def _no_mailbox(graph, user):
    for path in OUTLOOK_PATHS:
        resp = graph.get(f"/users/{user}{path}")
        assert resp.status_code == 404, (path, resp.text)
        assert resp.json()["error"]["code"] == "MailboxNotEnabledForRESTAPI" and resp.json()["error"]["message"] == NO_MAILBOX
    return True


def _has_mailbox(graph, user):
    return all(graph.get(f"/users/{user}{path}").status_code == 200 for path in OUTLOOK_PATHS)


def test_a_mailbox_comes_with_an_exchange_licence(graph):
    user = graph.post("/users", json=new_user("hire", usageLocation="DK")).json()["id"]
    assert _no_mailbox(graph, user)
    _license(graph, user, EMS)  # no Exchange plan
    assert _no_mailbox(graph, user)
    _license(graph, user, E3, disabled=[EXCHANGE])  # Exchange disabled
    assert _no_mailbox(graph, user)
    _license(graph, user, E3)
    assert _has_mailbox(graph, user)
    inner = graph.responses([{"id": "1", "method": "GET", "url": f"/users/{user}/events"}])["1"]
    assert inner["status"] == 200


def test_provisioning_takes_the_configured_delay(graph):
    graph.configure(mailbox_provisioning_delay_ms=400)
    user = graph.post("/users", json=new_user("slow", usageLocation="DK")).json()["id"]
    _license(graph, user, E3)
    assert _no_mailbox(graph, user)
    inner = graph.responses([{"id": "1", "method": "POST", "url": f"/users/{user}/events", "headers": {"Content-Type": "application/json"},
                              "body": {"subject": "x", "start": {"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"},
                                       "end": {"dateTime": "2026-03-02T10:00:00", "timeZone": "UTC"}}}])["1"]
    assert inner["status"] == 404 and inner["body"]["error"]["code"] == "MailboxNotEnabledForRESTAPI"
    time.sleep(0.45)
    assert _has_mailbox(graph, user)


def test_group_based_licences_bring_a_mailbox(graph):
    group = graph.seed(groups=[{"displayName": "Licensed"}])["groups"][0]["id"]
    assert graph.post(f"/groups/{group}/assignLicense", json={"addLicenses": [{"skuId": E3}], "removeLicenses": []}).status_code == 202
    by_ref = graph.post("/users", json=new_user("viaref")).json()["id"]
    by_bind = graph.post("/users", json=new_user("viabind")).json()["id"]
    assert _no_mailbox(graph, by_ref)
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{by_ref}"}
    assert graph.post(f"/groups/{group}/members/$ref", json=ref).status_code == 204
    assert graph.patch(f"/groups/{group}", json={"members@odata.bind": [f"https://graph.microsoft.com/v1.0/users/{by_bind}"]}).status_code == 204
    assert _has_mailbox(graph, by_ref) and _has_mailbox(graph, by_bind)
    later = graph.seed(groups=[{"displayName": "Later"}])["groups"][0]["id"]
    member = graph.post("/users", json=new_user("member")).json()["id"]
    assert graph.post(f"/groups/{later}/members/$ref", json={"@odata.id": f"https://graph.microsoft.com/v1.0/users/{member}"}).status_code == 204
    assert _no_mailbox(graph, member)
    graph.post(f"/groups/{later}/assignLicense", json={"addLicenses": [{"skuId": E3}], "removeLicenses": []})
    assert _has_mailbox(graph, member)


def test_seeded_users_have_a_mailbox_unless_told_otherwise(graph):
    seeded = graph.seed(users=[{"userPrincipalName": "old@contoso.example"},
                               {"userPrincipalName": "bare@contoso.example", "mailbox": False, "usageLocation": "DK"}])["users"]
    old, bare = (u["id"] for u in seeded)
    assert _has_mailbox(graph, old)
    assert _no_mailbox(graph, bare)
    _license(graph, bare, E3)
    assert _has_mailbox(graph, bare)
    assert "@mailboxSince" not in graph.get(f"/users/{old}?$select=id,displayName").json()


def test_mailbox_settings(graph):
    uid = graph.seed(users=[{"userPrincipalName": "set@contoso.example"}])["users"][0]["id"]
    settings = graph.get("/users/set@contoso.example/mailboxSettings").json()
    assert settings["@odata.context"] == f"{graph.url}/v1.0/$metadata#users('{uid}')/mailboxSettings"
    assert settings["timeZone"] == "UTC" and settings["language"]["locale"] == "en-US"
    changed = graph.patch("/users/set@contoso.example/mailboxSettings",
                          json={"timeZone": "Romance Standard Time", "workingHours": {"startTime": "09:00:00.0000000"}})
    assert changed.status_code == 200 and changed.json()["timeZone"] == "Romance Standard Time"
    assert changed.json()["workingHours"]["startTime"] == "09:00:00.0000000" and changed.json()["workingHours"]["daysOfWeek"]
    assert graph.get(f"/users/{uid}/mailboxSettings").json()["timeZone"] == "Romance Standard Time"
    assert graph.patch(f"/users/{uid}/mailboxSettings", json={"colour": "red"}).status_code == 400
    assert graph.patch(f"/users/{uid}/mailboxSettings", json={"userPurpose": "shared"}).status_code == 400


def test_mail_folders_and_messages_are_mailbox_requests(graph):
    graph.seed(users=[{"userPrincipalName": "mail@contoso.example", "displayName": "Mail"}])
    folders = graph.get("/users/mail@contoso.example/mailFolders").json()["value"]
    assert "Inbox" in [f["displayName"] for f in folders]
    inbox = graph.get("/users/mail@contoso.example/mailFolders/Inbox").json()
    assert inbox["displayName"] == "Inbox" and graph.get(f"/users/mail@contoso.example/mailFolders/{inbox['id']}").status_code == 200
    assert graph.get("/users/mail@contoso.example/mailFolders/nowhere").status_code == 404
    assert graph.get("/users/mail@contoso.example/messages").json()["value"] == []
    assert graph.get("/users/mail@contoso.example/calendar").json()["owner"]["address"] == "mail@contoso.example"
    graph.configure(outlook_throttling=True, mailbox_requests=2, outlook_latency_ms=0)
    statuses = [graph.get(f"/users/mail@contoso.example{path}").status_code for path in ("/messages", "/mailFolders", "/calendar")]
    assert statuses == [200, 200, 429]


def _scheduled(graph, user_id):
    """The user's mailbox deletion date in the dump, or None."""
    users = {u["id"]: u for u in graph.control("GET", "dump").json()["objects"]["user"]}
    return users[user_id].get("@mailboxDeletionScheduled")


def _remove(graph, user, sku):
    return graph.post(f"/users/{user}/assignLicense", json={"addLicenses": [], "removeLicenses": [sku]})


def test_losing_the_last_exchange_licence_schedules_the_mailbox_data_for_deletion(graph):
    """remove-licenses-from-users.md / KB 3158794: the data is kept 30 days after the licence goes, then deleted;
    relicensing within that time reconnects the mailbox."""
    user = graph.post("/users", json=new_user("leaver", usageLocation="DK")).json()["id"]
    _license(graph, user, E3)
    _license(graph, user, EMS)
    assert _scheduled(graph, user) is None
    assert _remove(graph, user, EMS).status_code == 200  # no Exchange plan in EMS: nothing changes
    assert _scheduled(graph, user) is None
    before = time.time()
    assert _remove(graph, user, E3).status_code == 200
    when = _scheduled(graph, user)
    days = (time.mktime(time.strptime(when, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone - before) / 86400
    assert 29.9 < days < 30.1, when
    assert "@mailboxDeletionScheduled" not in graph.get(f"/users/{user}?$select=id,assignedLicenses").json()
    _license(graph, user, E3)  # a mailbox licence back within 30 days: the deletion is off
    assert _scheduled(graph, user) is None


def test_disabled_exchange_plan_or_leaving_a_licensed_group_counts_too(graph):
    seeded = graph.seed(users=[{"userPrincipalName": "g@contoso.example", "usageLocation": "DK"},
                               {"userPrincipalName": "member@contoso.example", "usageLocation": "DK"}],
                        groups=[{"displayName": "E3 staff", "members": ["g@contoso.example", "member@contoso.example"],
                                 "assignedLicenses": [{"skuId": E3}]}])
    user, member = [u["id"] for u in seeded["users"]]
    group = seeded["groups"][0]["id"]
    _license(graph, user, E3)  # direct and through the group: leaving the group keeps the mailbox licence
    assert graph.delete(f"/groups/{group}/members/{user}/$ref").status_code == 204
    assert _scheduled(graph, user) is None
    _license(graph, user, E3, disabled=[EXCHANGE])  # the Exchange plan disabled: no mailbox licence left
    assert _scheduled(graph, user)
    _license(graph, user, E3)
    assert _scheduled(graph, user) is None
    # A group member whose only Exchange licence was the group's: the group dropping the licence schedules the deletion.
    assert graph.post(f"/groups/{group}/assignLicense", json={"addLicenses": [], "removeLicenses": [E3]}).status_code == 202
    assert _scheduled(graph, member) and _scheduled(graph, user) is None


def test_automatic_replies_are_checked_and_kept_as_html(graph):
    uid = graph.seed(users=[{"userPrincipalName": "away@contoso.example"}])["users"][0]["id"]
    assert graph.get(f"/users/{uid}/mailboxSettings").json()["automaticRepliesSetting"]["status"] == "disabled"
    changed = graph.patch(f"/users/{uid}/mailboxSettings", json={"automaticRepliesSetting": {
        "status": "AlwaysEnabled", "externalAudience": "contactsOnly", "internalReplyMessage": "Gone <for good>\nAsk Adele",
        "externalReplyMessage": "<p>Gone</p>"}})
    assert changed.status_code == 200, changed.text
    setting = graph.get(f"/users/{uid}/mailboxSettings").json()["automaticRepliesSetting"]
    assert setting["status"] == "alwaysEnabled" and setting["externalAudience"] == "contactsOnly"
    assert setting["internalReplyMessage"] == "<html>\n<body>\nGone &lt;for good&gt;<br>\nAsk Adele\n</body>\n</html>\n"
    assert setting["externalReplyMessage"] == "<p>Gone</p>"
    assert setting["scheduledStartDateTime"]["timeZone"] == "UTC"  # the other properties stay
    for bad in ({"status": "enabled"}, {"externalAudience": "everyone"}, {"internalReplyMessage": 3}, {"replyTo": "x"}):
        resp = graph.patch(f"/users/{uid}/mailboxSettings", json={"automaticRepliesSetting": bad})
        assert resp.status_code == 400 and resp.json()["error"]["code"] == "RequestBodyRead", bad


def test_mailbox_settings_need_their_permissions(graph):
    uid = graph.seed(users=[{"userPrincipalName": "perm@contoso.example"}])["users"][0]["id"]
    patch = {"automaticRepliesSetting": {"status": "alwaysEnabled"}}
    reader = graph.as_app(["User.Read.All", "MailboxSettings.Read"])
    assert reader.get(f"/users/{uid}/mailboxSettings").status_code == 200
    denied = reader.patch(f"/users/{uid}/mailboxSettings", json=patch)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "Authorization_RequestDenied"
    calendars = graph.as_app(["User.Read.All", "Calendars.ReadWrite"])
    assert calendars.get(f"/users/{uid}/mailboxSettings").status_code == 403
    writer = graph.as_app(["MailboxSettings.ReadWrite"])
    assert writer.get(f"/users/{uid}/mailboxSettings").status_code == 200
    assert writer.patch(f"/users/{uid}/mailboxSettings", json=patch).status_code == 200
