# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A user's Outlook mailbox: calendar events with `transactionId` (§7.1), calendarPermissions (§7.2), mailboxSettings.

A user has a mailbox once it holds an Exchange-bearing licence (direct or through a group) and
`mailbox_provisioning_delay_ms` has passed since; until then its Outlook resources answer 404
MailboxNotEnabledForRESTAPI. Seeded users have one at once (unless seeded with `"mailbox": false`). A user that
does not exist, or is not replicated yet, answers the §4.2 404. Mailbox items are not directory objects: they
are stored as `event` / `calendarPermission` / `mailboxSettings` objects carrying their mailbox owner in `_mailbox`,
are visible at once (no replication delay), and never appear in directory lists.
"""

import base64
import datetime
import html
import os
import re
import uuid
import zoneinfo

from ..odata import SCHEMAS, Query, Schema, list_response, project
from ..permissions import require
from ..router import route
from ..wire import GraphError, Response, bad_request, utc_now
from . import _licensing as lic
from .users import find_user as _find_user

EVENT_PROPERTIES = (
    "allowNewTimeProposals", "attendees", "body", "bodyPreview", "categories", "changeKey", "createdDateTime", "end", "hasAttachments",
    "hideAttendees", "iCalUId", "id", "importance", "isAllDay", "isCancelled", "isDraft", "isOnlineMeeting", "isOrganizer",
    "isReminderOn", "lastModifiedDateTime", "location", "locations", "onlineMeeting", "onlineMeetingProvider", "onlineMeetingUrl",
    "organizer", "originalEndTimeZone", "originalStart", "originalStartTimeZone", "recurrence", "reminderMinutesBeforeStart",
    "responseRequested", "responseStatus", "sensitivity", "seriesMasterId", "showAs", "start", "subject", "transactionId", "type",
    "webLink",
)
EVENT_READ_ONLY = ("bodyPreview", "changeKey", "createdDateTime", "hasAttachments", "iCalUId", "id", "isCancelled", "isDraft",
                   "isOrganizer", "lastModifiedDateTime", "onlineMeeting", "onlineMeetingUrl", "organizer", "originalEndTimeZone",
                   "originalStart", "originalStartTimeZone", "responseStatus", "seriesMasterId", "type", "webLink")
EVENT_FILTERABLE = ("categories", "createdDateTime", "end", "id", "importance", "isAllDay", "isCancelled", "isOrganizer",
                    "lastModifiedDateTime", "sensitivity", "showAs", "start", "subject", "type")
EVENT_TYPES = {"attendees": list, "body": dict, "categories": list, "end": dict, "location": dict, "locations": list, "recurrence": dict,
               "start": dict, "allowNewTimeProposals": bool, "hideAttendees": bool, "isAllDay": bool, "isOnlineMeeting": bool,
               "isReminderOn": bool, "responseRequested": bool, "reminderMinutesBeforeStart": int}
EVENT_PAGE = 10  # Outlook's default page size for events
ATTENDEE_TYPES = ("required", "optional", "resource")
ROLES = ("none", "freeBusyRead", "limitedRead", "read", "write", "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess",
         "custom")
DEFAULT_ROLES = ("none", "freeBusyRead", "limitedRead", "read", "write")
INTERNAL_ROLES = ROLES[:-1]
EXTERNAL_ROLES = ("none", "freeBusyRead", "limitedRead", "read")
DEFAULT_PERMISSION_ID = base64.b64encode(b"Default").decode()  # "RGVmYXVsdA==", the non-removable "My Organization" entry
PERMISSION_PROPERTIES = ("allowedRoles", "emailAddress", "id", "isInsideOrganization", "isRemovable", "role")
NOT_IN_STORE = "The specified object was not found in the store."
_WINDOWS_ZONE = re.compile(r"(UTC([+-]\d{2})?|[A-Za-z][A-Za-z .+\-()]* (Standard )?Time)")

EVENT = Schema("event", "microsoft.graph.event", "events", EVENT_PROPERTIES, EVENT_PROPERTIES, EVENT_FILTERABLE,
               sortable=("subject", "createdDateTime", "lastModifiedDateTime"))
PERMISSION = Schema("calendarPermission", "microsoft.graph.calendarPermission", "calendarPermissions", PERMISSION_PROPERTIES,
                    PERMISSION_PROPERTIES, ("id", "role", "isRemovable", "isInsideOrganization"))
# Mailbox items are not directory objects: keep them out of the directoryObject union and the store's indexes.
SCHEMAS.pop("event", None)
SCHEMAS.pop("calendarPermission", None)


NO_MAILBOX = "The mailbox is either inactive, soft-deleted, or is hosted on-premise."  # aomail-ai/aomail-app#18, MicrosoftCloud#41


def find_user(req, key):
    """The owner of the mailbox a request addresses: the §4.2 404 for a missing user, 404 MailboxNotEnabledForRESTAPI
    while it has no mailbox (no Exchange licence, or provisioning not finished)."""
    owner = _find_user(req, key)
    if not lic.mailbox_ready(owner, req.config.mailbox_provisioning_delay_ms / 1000.0):
        raise GraphError(404, "MailboxNotEnabledForRESTAPI", NO_MAILBOX)
    return owner


def invalid(message, code="ErrorInvalidRequest"):
    """Outlook's 400."""
    return GraphError(400, code, message)


def item_not_found():
    """Outlook's 404 for a mailbox item that is not there."""
    return GraphError(404, "ErrorItemNotFound", NOT_IN_STORE)


# --- events --------------------------------------------------------------------------------------


def _event_id():
    """An opaque Outlook-style item id."""
    return "AAMkA" + base64.urlsafe_b64encode(os.urandom(45)).decode()


def _events_of(req, owner):
    return [e for e in req.store.list("event") if e.get("_mailbox") == owner["id"]]


def _time_zone_ok(name):
    """IANA names, and Windows names (`W. Europe Standard Time`, `UTC`, `UTC+12`), as Graph accepts both."""
    if not isinstance(name, str) or not name.strip():
        return False
    if _WINDOWS_ZONE.fullmatch(name):
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _date_time_zone(body, name):
    """Check and normalise a dateTimeTimeZone ({dateTime, timeZone}); returns (normalised, naive datetime)."""
    value = body.get(name)
    if not isinstance(value, dict) or not isinstance(value.get("dateTime"), str):
        raise invalid(f"The '{name}' property must be a dateTimeTimeZone with 'dateTime' and 'timeZone'.")
    zone = value.get("timeZone")
    if not _time_zone_ok(zone):
        raise GraphError(400, "TimeZoneNotSupportedException",
                         f"A valid TimeZone value must be specified. The following TimeZone value is not supported: '{zone}'.")
    text = value["dateTime"].strip()
    try:
        moment = datetime.datetime.fromisoformat(text[:-1] if text.endswith("Z") else text)
    except ValueError:
        raise bad_request(f"Cannot convert the literal '{value['dateTime']}' to the expected type 'Edm.DateTimeOffset'.") from None
    moment = moment.replace(tzinfo=None)
    return {"dateTime": moment.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": zone}, moment


def _check_event(body):
    """Unknown, read-only and mistyped properties, dateTimeTimeZones, body and attendees; property names become canonical."""
    for name in list(body):
        if name.startswith("@odata."):
            continue
        canonical = EVENT.canonical(name)
        if canonical is None:
            raise bad_request(f"The property '{name}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names "
                              "that are defined by the type or mark the type as open type.", "RequestBodyRead")
        if canonical in EVENT_READ_ONLY:
            raise invalid(f"The property '{canonical}' is read-only and cannot be set.")
        value = body.pop(name)
        expected = EVENT_TYPES.get(canonical, str)
        if value is not None and (not isinstance(value, expected) or (expected is not bool and isinstance(value, bool))):
            raise bad_request(f"Cannot convert a value of property '{canonical}' to the expected type.", "RequestBodyRead")
        body[canonical] = value
    if ("start" in body) != ("end" in body) or "start" not in body:
        raise invalid("An event needs both 'start' and 'end'.")
    body["start"], start = _date_time_zone(body, "start")
    body["end"], end = _date_time_zone(body, "end")
    if body["start"]["timeZone"] == body["end"]["timeZone"] and end < start:
        raise invalid("The end of the event is earlier than its start.")
    if body.get("body") is not None:
        kind = str(body["body"].get("contentType") or "text").lower()
        if kind not in ("text", "html") or not isinstance(body["body"].get("content", ""), str):
            raise bad_request("Invalid itemBody: 'contentType' must be 'text' or 'html' and 'content' a string.", "RequestBodyRead")
        body["body"] = {"contentType": kind, "content": body["body"].get("content", "")}
    attendees = []
    for attendee in body.get("attendees") or []:
        address = (attendee.get("emailAddress") or {}).get("address") if isinstance(attendee, dict) else None
        kind = attendee.get("type", "required") if isinstance(attendee, dict) else None
        if not isinstance(address, str) or "@" not in address or kind not in ATTENDEE_TYPES:
            raise invalid("Every attendee needs an emailAddress with an address and a type of required, optional or resource.")
        attendees.append({"type": kind, "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
                          "emailAddress": {"name": attendee["emailAddress"].get("name") or address, "address": address}})
    body["attendees"] = attendees


def _preview(body):
    text = (body or {}).get("content") or ""
    if (body or {}).get("contentType") == "html":
        text = re.sub(r"<[^>]*>", " ", text)
    return " ".join(text.split())[:255]


def new_event(owner, body, now=None):
    """Server-set properties merged with the caller's."""
    now = now or utc_now()
    address = owner.get("mail") or owner.get("userPrincipalName")
    event = {
        "id": _event_id(), "_mailbox": owner["id"], "createdDateTime": now, "lastModifiedDateTime": now,
        "changeKey": base64.b64encode(os.urandom(12)).decode(), "iCalUId": "040000008200E00074C5B7101A82E008" + uuid.uuid4().hex.upper(),
        "webLink": "https://outlook.office365.com/owa/?itemid=" + uuid.uuid4().hex, "subject": "", "body": {"contentType": "text", "content": ""},
        "importance": "normal", "sensitivity": "normal", "showAs": "busy", "type": "singleInstance", "isAllDay": False, "isCancelled": False,
        "isDraft": False, "isOrganizer": True, "isOnlineMeeting": False, "isReminderOn": True, "reminderMinutesBeforeStart": 15,
        "hasAttachments": False, "hideAttendees": False, "allowNewTimeProposals": True, "responseRequested": True, "categories": [],
        "location": {"displayName": "", "locationType": "default", "uniqueIdType": "unknown"}, "locations": [], "recurrence": None,
        "onlineMeeting": None, "onlineMeetingProvider": "unknown", "onlineMeetingUrl": None, "seriesMasterId": None,
        "responseStatus": {"response": "organizer", "time": "0001-01-01T00:00:00Z"},
        "organizer": {"emailAddress": {"name": owner.get("displayName") or address, "address": address}},
    }
    event.update(body)
    event["bodyPreview"] = _preview(event["body"])
    event["originalStartTimeZone"] = event["start"]["timeZone"]
    event["originalEndTimeZone"] = event["end"]["timeZone"]
    return event


def _event_response(req, owner, event, status):
    query = Query(req, EVENT, collection=False)
    body = {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{owner['id']}')/events/$entity"}
    body.update(project(event, EVENT, query.select))
    return Response(status, body)


def _find_event(req, owner, event_id):
    event = req.store.get("event", event_id)
    if event is None or event.get("_mailbox") != owner["id"]:
        raise item_not_found()
    return event


@route("POST", "/users/{key}/events", mailbox=True)
@route("POST", "/users/{key}/calendar/events", mailbox=True)
def create_event(req, key):
    """POST → 201 with the event. A repeat of a `transactionId` returns the original event and creates nothing (§7.1)."""
    body = dict(req.json())
    _check_event(body)
    with req.store.lock:
        owner = find_user(req, key)
        transaction = body.get("transactionId")
        if transaction:
            for event in _events_of(req, owner):
                if event.get("transactionId") == transaction:
                    return _event_response(req, owner, event, 201)
        event = req.store.create("event", new_event(owner, body), replicated=True)
    return _event_response(req, owner, event, 201)


@route("GET", "/users/{key}/events", mailbox=True)
@route("GET", "/users/{key}/calendar/events", mailbox=True)
def list_events(req, key):
    """The mailbox's events with $select, $filter, $orderby, $top (default 10) and paging."""
    owner = find_user(req, key)
    query = Query(req, EVENT)
    query.top = query.top or EVENT_PAGE
    return list_response(req, EVENT, _events_of(req, owner), query, context_path=f"users('{owner['id']}')/events")


@route("GET", "/users/{key}/events/{event_id}", mailbox=True)
def get_event(req, key, event_id):
    """One event."""
    owner = find_user(req, key)
    return _event_response(req, owner, _find_event(req, owner, event_id), 200)


@route("DELETE", "/users/{key}/events/{event_id}", mailbox=True)
def delete_event(req, key, event_id):
    """Delete an event → 204."""
    with req.store.lock:
        owner = find_user(req, key)
        req.store.delete(_find_event(req, owner, event_id)["id"], soft=False)
    return Response(204)


# --- calendar permissions ------------------------------------------------------------------------


def _sharee_id(address):
    return base64.b64encode(f"ExchangePublishedUser.{address}".encode()).decode()


def _permissions_of(req, owner):
    """The mailbox's permission entries (store form), creating the default "My Organization" entry on first use."""
    with req.store.lock:
        default_key = f"{owner['id']}/{DEFAULT_PERMISSION_ID}"
        if req.store.get("calendarPermission", default_key) is None:
            req.store.create("calendarPermission", {
                "id": default_key, "_mailbox": owner["id"], "_graphId": DEFAULT_PERMISSION_ID, "emailAddress": {"name": "My Organization"},
                "isInsideOrganization": True, "isRemovable": False, "role": "freeBusyRead", "allowedRoles": list(DEFAULT_ROLES)},
                replicated=True)
        entries = [p for p in req.store.list("calendarPermission") if p.get("_mailbox") == owner["id"]]
    return sorted(entries, key=lambda p: (p["isRemovable"], p["_graphId"]))


def _graph_view(entry):
    """A stored entry as Graph shows it (its Graph id, no bookkeeping)."""
    return dict({k: v for k, v in entry.items() if not k.startswith("_")}, id=entry["_graphId"])


def _find_permission(req, owner, permission_id):
    for entry in _permissions_of(req, owner):
        if entry["_graphId"] == permission_id:
            return entry
    raise item_not_found()


def _permission_response(req, owner, entry):
    body = {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{owner['id']}')/calendar/calendarPermissions/$entity"}
    body.update(project(_graph_view(entry), PERMISSION))
    return Response(200, body)


def _check_role(role, allowed):
    if role not in ROLES:
        raise bad_request(f"The value '{role}' is not valid for property 'role' of type 'microsoft.graph.calendarRoleType'.",
                          "RequestBodyRead")
    if role not in allowed:
        raise invalid(f"The role '{role}' is not allowed for this permission; allowed roles: {', '.join(allowed)}.")


def _is_inside(req, address):
    """A sharee is inside the organisation when the directory has a user with that UPN or mail."""
    return bool(req.store.find("user", "userPrincipalName", address) or req.store.find("user", "mail", address))


@route("GET", "/users/{key}/calendar/calendarPermissions", mailbox=True)
def list_permissions(req, key):
    """Every permission entry, the default "My Organization" one first."""
    owner = find_user(req, key)
    views = [_graph_view(entry) for entry in _permissions_of(req, owner)]
    body = {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{owner['id']}')/calendar/calendarPermissions",
            "value": [project(view, PERMISSION, Query(req, PERMISSION, collection=False).select) for view in views]}
    return Response(200, body)


@route("GET", "/users/{key}/calendar/calendarPermissions/{permission_id}", mailbox=True)
def get_permission(req, key, permission_id):
    """One permission entry."""
    owner = find_user(req, key)
    return _permission_response(req, owner, _find_permission(req, owner, permission_id))


@route("POST", "/users/{key}/calendar/calendarPermissions", mailbox=True)
def create_permission(req, key):
    """Share the calendar → 200 (not 201, §7.2) with the server's `id` and `allowedRoles`."""
    body = dict(req.json())
    unknown = [name for name in body if name not in PERMISSION_PROPERTIES and not name.startswith("@odata.")]
    if unknown:
        raise bad_request(f"The property '{unknown[0]}' does not exist on type 'microsoft.graph.calendarPermission'. Make sure to only "
                          "use property names that are defined by the type or mark the type as open type.", "RequestBodyRead")
    if "id" in body or "allowedRoles" in body:
        raise invalid("The properties 'id' and 'allowedRoles' are set by the server.")
    email = body.get("emailAddress")
    address = email.get("address") if isinstance(email, dict) else None
    if not isinstance(address, str) or "@" not in address:
        raise invalid("The permission needs an emailAddress with an address.")
    if body.get("isRemovable") is False:
        raise invalid("Only the default permission entries are not removable.")
    with req.store.lock:
        owner = find_user(req, key)
        inside = _is_inside(req, address)
        allowed = INTERNAL_ROLES if inside else EXTERNAL_ROLES
        _check_role(body.get("role", "none"), allowed)
        graph_id = _sharee_id(address.lower())
        if any(entry["_graphId"] == graph_id for entry in _permissions_of(req, owner)):
            raise GraphError(409, "ErrorItemAlreadyExists", f"The calendar is already shared with '{address}'.")
        entry = req.store.create("calendarPermission", {
            "id": f"{owner['id']}/{graph_id}", "_mailbox": owner["id"], "_graphId": graph_id,
            "emailAddress": {"name": email.get("name") or address, "address": address}, "isInsideOrganization": inside,
            "isRemovable": True, "role": body.get("role", "none"), "allowedRoles": list(allowed)}, replicated=True)
    return _permission_response(req, owner, entry)


@route("PATCH", "/users/{key}/calendar/calendarPermissions/{permission_id}", mailbox=True)
def update_permission(req, key, permission_id):
    """Only `role` can change (§7.2) → 200 with the entry."""
    body = dict(req.json())
    others = [name for name in body if name != "role" and not name.startswith("@odata.")]
    if others:
        raise invalid(f"Only 'role' can be updated; delete and re-create the permission to change '{others[0]}'.")
    if "role" not in body:
        raise invalid("The request must set 'role'.")
    with req.store.lock:
        owner = find_user(req, key)
        entry = _find_permission(req, owner, permission_id)
        _check_role(body["role"], entry["allowedRoles"])
        entry = req.store.update(entry["id"], {"role": body["role"]})
    return _permission_response(req, owner, entry)


@route("DELETE", "/users/{key}/calendar/calendarPermissions/{permission_id}", mailbox=True)
def delete_permission(req, key, permission_id):
    """Stop sharing → 204; the default entry cannot be removed."""
    with req.store.lock:
        owner = find_user(req, key)
        entry = _find_permission(req, owner, permission_id)
        if not entry["isRemovable"]:
            raise GraphError(400, "ErrorCannotDeleteObject", "The default permission entry cannot be removed; change its role instead.")
        req.store.delete(entry["id"], soft=False)
    return Response(204)


# --- mailbox settings ----------------------------------------------------------------------------

SETTINGS_DEFAULTS = {
    "archiveFolder": None,
    "automaticRepliesSetting": {"status": "disabled", "externalAudience": "all", "internalReplyMessage": "", "externalReplyMessage": "",
                                "scheduledStartDateTime": {"dateTime": "2026-01-01T00:00:00.0000000", "timeZone": "UTC"},
                                "scheduledEndDateTime": {"dateTime": "2026-01-02T00:00:00.0000000", "timeZone": "UTC"}},
    "dateFormat": "M/d/yyyy", "timeFormat": "h:mm tt", "timeZone": "UTC",
    "delegateMeetingMessageDeliveryOptions": "sendToDelegateAndInformationToPrincipal",
    "language": {"locale": "en-US", "displayName": "English (United States)"},
    "userPurpose": "user",
    "workingHours": {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"], "startTime": "08:00:00.0000000",
                     "endTime": "17:00:00.0000000", "timeZone": {"name": "UTC"}},
}
SETTINGS_READ_ONLY = ("userPurpose",)
# user-get-mailboxsettings.md / user-update-mailboxsettings.md permission tables (application).
SETTINGS_READ = ("MailboxSettings.Read", "MailboxSettings.ReadWrite")
SETTINGS_WRITE = ("MailboxSettings.ReadWrite",)


AUTO_REPLY_PROPERTIES = ("status", "externalAudience", "internalReplyMessage", "externalReplyMessage", "scheduledStartDateTime",
                         "scheduledEndDateTime")
AUTO_REPLY_STATUS = ("disabled", "alwaysEnabled", "scheduled")
EXTERNAL_AUDIENCES = ("none", "contactsOnly", "all")


def _enum(value, allowed, name, type_name):
    """An enum member as Graph spells it; OData enum values are matched case-insensitively here (GUESS)."""
    for member in allowed:
        if isinstance(value, str) and value.lower() == member.lower():
            return member
    raise bad_request(f"The value '{value}' is not valid for property '{name}' of type 'microsoft.graph.{type_name}'.", "RequestBodyRead")


def _as_html(message):
    """Exchange keeps automatic replies as HTML: a plain-text message comes back wrapped (the docs' samples return
    `<html>\n<body>\n...` messages; the exact wrapping of plain text is a GUESS)."""
    if not message or re.search(r"<\s*(html|body|p|div|br)\b", message, re.IGNORECASE):
        return message
    return "<html>\n<body>\n" + html.escape(message, quote=False).replace("\n", "<br>\n") + "\n</body>\n</html>\n"


def _check_auto_replies(value):
    """Check an automaticRepliesSetting patch; returns it with enums spelt as Graph spells them, messages as HTML."""
    checked = {}
    for name, item in value.items():
        if name.startswith("@odata."):
            continue
        if name not in AUTO_REPLY_PROPERTIES:
            raise bad_request(f"The property '{name}' does not exist on type 'microsoft.graph.automaticRepliesSetting'.", "RequestBodyRead")
        if name == "status":
            item = _enum(item, AUTO_REPLY_STATUS, name, "automaticRepliesStatus")
        elif name == "externalAudience":
            item = _enum(item, EXTERNAL_AUDIENCES, name, "externalAudienceScope")
        elif name.endswith("ReplyMessage"):
            if not isinstance(item, str):
                raise bad_request(f"Cannot convert a value of property '{name}' to the expected type.", "RequestBodyRead")
            item = _as_html(item)
        elif not isinstance(item, dict):
            raise bad_request(f"Cannot convert a value of property '{name}' to the expected type.", "RequestBodyRead")
        checked[name] = item
    return checked


def _settings(req, owner):
    stored = req.store.get("mailboxSettings", f"{owner['id']}/mailboxSettings") or {}
    return {name: stored.get(name, default) for name, default in SETTINGS_DEFAULTS.items()}


def _settings_response(req, owner):
    body = {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{owner['id']}')/mailboxSettings"}
    body.update(_settings(req, owner))
    return Response(200, body)


@route("GET", "/users/{key}/mailboxSettings", mailbox=True)
def get_mailbox_settings(req, key):
    """The mailbox's settings (time zone, language, working hours, automatic replies, ...)."""
    require(req, *SETTINGS_READ)
    return _settings_response(req, find_user(req, key))


@route("PATCH", "/users/{key}/mailboxSettings", mailbox=True)
def update_mailbox_settings(req, key):
    """Change some settings → 200 with all of them; object-valued settings merge one level deep."""
    require(req, *SETTINGS_WRITE)
    body = dict(req.json())
    for name, value in body.items():
        if name.startswith("@odata."):
            continue
        if name not in SETTINGS_DEFAULTS:
            raise bad_request(f"The property '{name}' does not exist on type 'microsoft.graph.mailboxSettings'.", "RequestBodyRead")
        if name in SETTINGS_READ_ONLY:
            raise invalid(f"The property '{name}' is read-only and cannot be set.")
        if isinstance(SETTINGS_DEFAULTS[name], dict) and not isinstance(value, dict):
            raise bad_request(f"Cannot convert a value of property '{name}' to the expected type.", "RequestBodyRead")
        if name == "automaticRepliesSetting":
            body[name] = _check_auto_replies(value)
    with req.store.lock:
        owner = find_user(req, key)
        current = _settings(req, owner)
        for name, value in body.items():
            if not name.startswith("@odata."):
                current[name] = dict(current[name] or {}, **value) if isinstance(value, dict) else value
        key_id = f"{owner['id']}/mailboxSettings"
        if req.store.get("mailboxSettings", key_id) is None:
            req.store.create("mailboxSettings", dict(current, id=key_id, _mailbox=owner["id"]), replicated=True)
        else:
            req.store.update(key_id, current)
    return _settings_response(req, owner)


@route("GET", "/users/{key}/calendar", mailbox=True)
def get_calendar(req, key):
    """The mailbox's default calendar (a common probe of whether a mailbox exists yet)."""
    owner = find_user(req, key)
    address = owner.get("mail") or owner.get("userPrincipalName")
    body = {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{owner['id']}')/calendar/$entity",
            "id": "AAMkAGI2" + base64.urlsafe_b64encode(owner["id"].encode()).decode().rstrip("="), "name": "Calendar", "color": "auto",
            "hexColor": "", "isDefaultCalendar": True, "changeKey": "", "canShare": True, "canViewPrivateItems": True, "canEdit": True,
            "isRemovable": False, "isTallyingResponses": True, "allowedOnlineMeetingProviders": ["teamsForBusiness"],
            "defaultOnlineMeetingProvider": "teamsForBusiness", "owner": {"name": owner.get("displayName") or address, "address": address}}
    return Response(200, body)
