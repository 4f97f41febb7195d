# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Groups: /groups collection and items (§3.4), isAssignableToRole rules, and which objects a group may hold.

Membership writes (`$ref`, `members@odata.bind`) and membership reads live in memberships.py.
"""

from ..odata import Expand, Query, Schema, count_response, entity_response, list_response
from ..permissions import ROLE_MANAGEMENT, require as require_permission
from ..router import route, seeder
from ..wire import GraphError, Response, utc_now
from . import _sync as sync
from ._directory import check_body, check_nickname, lookup, new_id, request_bad, require, seed_reference

PROPERTIES = (
    "allowExternalSenders", "assignedLabels", "assignedLicenses", "autoSubscribeNewMembers", "classification", "createdDateTime",
    "deletedDateTime", "description", "displayName", "expirationDateTime", "groupTypes", "hideFromAddressLists", "hideFromOutlookClients",
    "id", "isAssignableToRole", "mail", "mailEnabled", "mailNickname", "membershipRule", "membershipRuleProcessingState",
    "onPremisesDomainName", "onPremisesLastSyncDateTime", "onPremisesNetBiosName", "onPremisesProvisioningErrors",
    "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "preferredDataLocation", "preferredLanguage",
    "proxyAddresses", "renewedDateTime", "securityEnabled", "securityIdentifier", "serviceProvisioningErrors", "theme", "uniqueName",
    "visibility",
)
DEFAULTS = ("deletedDateTime", "classification", "createdDateTime", "description", "displayName", "expirationDateTime", "groupTypes",
            "isAssignableToRole", "mail", "mailEnabled", "mailNickname", "membershipRule", "membershipRuleProcessingState",
            "onPremisesSyncEnabled", "preferredDataLocation", "preferredLanguage", "proxyAddresses", "renewedDateTime",
            "securityEnabled", "securityIdentifier", "theme", "visibility", "id")
FILTERABLE = ("assignedLicenses", "classification", "createdDateTime", "description", "displayName", "expirationDateTime", "groupTypes",
              "id", "isAssignableToRole", "mail", "mailEnabled", "mailNickname", "membershipRuleProcessingState",
              "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "preferredLanguage", "proxyAddresses",
              "renewedDateTime", "securityEnabled", "securityIdentifier", "uniqueName", "visibility")
READ_ONLY = ("id", "createdDateTime", "deletedDateTime", "assignedLicenses", "mail", "onPremisesDomainName", "onPremisesLastSyncDateTime",
             "onPremisesNetBiosName", "onPremisesProvisioningErrors", "onPremisesSamAccountName", "onPremisesSecurityIdentifier",
             "onPremisesSyncEnabled", "proxyAddresses", "renewedDateTime", "securityIdentifier", "serviceProvisioningErrors",
             "expirationDateTime")
TYPES = {"mailEnabled": bool, "securityEnabled": bool, "isAssignableToRole": bool, "groupTypes": list, "allowExternalSenders": bool,
         "autoSubscribeNewMembers": bool, "hideFromAddressLists": bool, "hideFromOutlookClients": bool, "assignedLabels": list}
REQUIRED = ("displayName", "mailEnabled", "mailNickname", "securityEnabled")
# "Maximum length is N characters" on the group resource page (api-reference/v1.0/resources/group.md, group-post-groups.md);
# description names no maximum.
MAX_LENGTHS = {"displayName": 256, "mailNickname": 64}
# Navigation properties PATCH /groups/{id} may bind (e.g. "members@odata.bind"), registered by the resource owning the
# relationship: lower-case name -> check(req, group, value), which raises or returns a function applying the change.
BINDS = {}


def members_of(req, group):
    """[(kind, object)] for a group's visible direct members."""
    found = []
    for member_id in req.store.links(group["id"], "members"):
        kind = req.store.kind_of(member_id)
        if kind:
            found.append((kind, req.store.get(kind, member_id)))
    return found


GROUP = Schema("group", "microsoft.graph.group", "groups", PROPERTIES, DEFAULTS, FILTERABLE,
               sortable=("displayName",), searchable=("displayName", "description", "mail", "mailNickname"),
               expand=[Expand("members", members_of)])


def find_group(req, key):
    """A visible group by id, else the §4.2 404."""
    return lookup(req, "group", key)


# Texts below are ours: what Graph answers in these cases is UNCONFIRMED (see the emulator README).
UNIFIED_USERS_ONLY = "Only users can be added as members of a Microsoft 365 group."
UNIFIED_NOT_NESTED = "A Microsoft 365 group cannot be a member of another group."
NOT_ITSELF = "A group cannot be a member of itself."
ROLE_GROUP_NOT_NESTED = "A group cannot be added as a member of a role-assignable group."


def unified(group):
    """True for Microsoft 365 groups."""
    return "unified" in [t.lower() for t in (group or {}).get("groupTypes") or []]


def member_refusal(store, group, member_id, kind):
    """Why `group` cannot hold the object, else None: Microsoft 365 groups take users only and are never members
    (groups-allowed-member-types.md); role-assignable groups take no groups (groups-concept.md); no group holds itself."""
    if member_id == group["id"]:
        return NOT_ITSELF
    if unified(group) and kind != "user":
        return UNIFIED_USERS_ONLY
    if kind == "group" and unified(store.get("group", member_id)):
        return UNIFIED_NOT_NESTED
    if kind == "group" and role_assignable(group):
        return ROLE_GROUP_NOT_NESTED
    return None


def role_assignable(group):
    """True for groups created with isAssignableToRole (group.md)."""
    return group.get("isAssignableToRole") is True


def check_role_management(req, group):
    """Role-assignable groups need RoleManagement.ReadWrite.Directory for member changes (group-post-members.md,
    group-delete-members.md; groups-concept.md: Group.ReadWrite.All is not enough)."""
    if role_assignable(group):
        require_permission(req, ROLE_MANAGEMENT)


def _check_role_assignable(req, body):
    """isAssignableToRole at creation (group.md, groups-concept.md): needs the permission, a security-enabled group that
    is not dynamic; such groups are always Private. Texts of the 400s are ours."""
    if body.get("isAssignableToRole") is not True:
        return
    require_permission(req, ROLE_MANAGEMENT)
    if body.get("securityEnabled") is not True:
        raise request_bad("A group with isAssignableToRole set to true must have securityEnabled set to true.")
    if "dynamicmembership" in [t.lower() for t in body.get("groupTypes") or []]:
        raise request_bad("A group with isAssignableToRole set to true cannot have dynamic membership.")
    if body.setdefault("visibility", "Private") != "Private":
        raise request_bad("A group with isAssignableToRole set to true must have Private visibility.")


def check_members_writable(group):
    """§3.5: dynamic, synced, mail-enabled security groups and distribution lists refuse member changes."""
    types = [t.lower() for t in group.get("groupTypes") or []]
    if "dynamicmembership" in types:
        raise GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    sync.check_unchanged(group)  # members come from on-premises AD (the current text; §3.5 lists an older one)
    if group.get("mailEnabled") and "unified" not in types:
        raise request_bad("Cannot Update a mail-enabled security groups and or distribution list.")


def new_group(body, now=None):
    """Server-set defaults merged with the caller's properties."""
    now = now or utc_now()
    group = {"id": new_id(), "createdDateTime": now, "groupTypes": [], "proxyAddresses": [], "renewedDateTime": now,
             "securityIdentifier": None, "visibility": None}
    group.update(body)
    return group


@route("GET", "/groups", cost=1)
def list_groups(req):
    """GET /groups with query options and paging."""
    return list_response(req, GROUP, req.store.list("group"))


@route("GET", "/groups/$count")
def count_groups(req):
    """GET /groups/$count (advanced query)."""
    return count_response(req, GROUP, req.store.list("group"))


@route("POST", "/groups")
def create_group(req):
    """POST /groups → 201 with the new group."""
    body = dict(req.json())
    check_body(body, GROUP, READ_ONLY, TYPES, MAX_LENGTHS)
    require(body, REQUIRED)
    check_nickname(body["mailNickname"], "Group")
    _check_role_assignable(req, body)
    group = req.store.create("group", new_group(body))
    return entity_response(req, GROUP, group, status=201)


@route("GET", "/groups/{key}")
def get_group(req, key):
    """GET /groups/{id}; the query is checked first."""
    query = Query(req, GROUP, collection=False)
    return entity_response(req, GROUP, find_group(req, key), query=query)


@route("PATCH", "/groups/{key}")
def update_group(req, key):
    """PATCH /groups/{id} → 204; `…@odata.bind` properties go to their BINDS handler, all-or-nothing with the rest."""
    body = dict(req.json())
    binds = {name: body.pop(name) for name in list(body) if name.lower() in BINDS}
    check_body(body, GROUP, READ_ONLY, TYPES, MAX_LENGTHS)
    if "mailNickname" in body:
        check_nickname(body["mailNickname"] or "", "Group")
    with req.store.lock:
        group = find_group(req, key)
        if body:
            sync.check_unchanged(group)  # on-premises AD owns a synchronised group's properties
        if "isAssignableToRole" in body and body["isAssignableToRole"] != group.get("isAssignableToRole"):
            raise request_bad("The isAssignableToRole property can only be set when a group is created.")  # immutable (group.md); our text
        changes = [BINDS[name.lower()](req, group, value) for name, value in binds.items()]
        for apply in changes:
            apply()
        req.store.update(group["id"], body)
    return Response(204)


@route("DELETE", "/groups/{key}")
def delete_group(req, key):
    """DELETE → 204; Microsoft 365 groups go to deleted items, security groups are removed for good."""
    with req.store.lock:
        group = find_group(req, key)
        sync.check_unchanged(group)  # a synchronised group is deleted in AD
        unified = "unified" in [t.lower() for t in group.get("groupTypes") or []]
        if unified:
            req.store.update(group["id"], {"deletedDateTime": utc_now()})
        req.store.delete(group["id"], soft=unified)
    return Response(204)


@seeder("groups")
def seed_groups(store, items):
    """Create groups directly. `members` name users, groups, devices, service principals or contacts (ids, UPNs, names or
    `type:name`, see _directory.seed_reference); groups of the same seed may be nested, in any order. A group seeded with
    `onPremisesSyncEnabled: true` is synchronised from on-premises AD: its seeded properties and members are AD's."""
    created = []
    for item in items:
        item = dict(item)
        if not item.get("displayName"):
            raise ValueError("every seeded group needs a displayName")
        members = item.pop("members", [])
        if not isinstance(members, list):
            raise ValueError(f"seeded group '{item['displayName']}': members must be a list")
        item.setdefault("mailNickname", "".join(c for c in item["displayName"] if c.isalnum()) or "group")
        item.setdefault("mailEnabled", False)
        item.setdefault("securityEnabled", True)
        if item.get("isAssignableToRole") is True:
            item.setdefault("visibility", "Private")
        created.append((store.create("group", new_group(item), replicated=True), members))
    for group, members in created:
        for ref in members:
            kind, member_id = seed_reference(store, ref)
            refusal = member_refusal(store, group, member_id, kind)
            if refusal:
                raise ValueError(f"seeded group '{group['displayName']}' cannot hold '{ref}': {refusal}")
            store.add_link(group["id"], "members", member_id)
        if sync.synchronised(group):  # what was seeded is what on-premises AD holds; a sync cycle puts it back
            source = {name: value for name, value in group.items() if not name.startswith("@")}
            group = store.update(group["id"], {sync.ONPREM: dict(source, members=list(store.links(group["id"], "members")))})
    return [store.get("group", group["id"]) for group, dummy in created]
