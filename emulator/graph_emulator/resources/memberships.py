# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Group membership (§3): member writes and the membership reads other than a group's direct members.

Writes: `POST /groups/{id}/members/$ref`, `DELETE /groups/{id}/members/{id}/$ref` and `members@odata.bind` in
`PATCH /groups/{id}` (≤ 20 references, all-or-nothing), with Graph's status codes and error strings; dynamic,
mail-enabled security, distribution and synced groups refuse them (§3.5); Microsoft 365 groups take users only.
Reads: `memberOf` and `transitiveMemberOf` of users and groups, `transitiveMembers` of groups, and
`checkMemberGroups` (transitive, ≤ 20 ids).

Knobs: `membership_delay_ms` makes member lists show a change that much later while writes see it at once (so a
client can meet "already exist" for a member its read did not show); `remove_nonmember_400` answers the removal of
a non-member with the 400 variant of §3.2 instead of the 404.
"""

from urllib.parse import urlsplit

from ..odata import SCHEMAS, Query, list_response
from ..filters import unsupported
from ..router import route
from ..wire import Response, bad_request
from ._directory import directory_object_schema, id_from_reference, lookup, not_found, request_bad
from .groups import BINDS, check_members_writable, check_role_management, find_group, role_assignable

ALREADY_MEMBER = "One or more added object references already exist for the following modified properties: 'members'."
NOT_A_MEMBER = "One or more removed object references do not exist for the following modified properties: 'members'."
# Texts below are ours: what Graph answers in these cases is UNCONFIRMED (see the emulator README).
BAD_BIND = "Invalid URL format specified in @odata.bind for members"
TOO_MANY_BINDS = "The number of objects in 'members@odata.bind' exceeds the limit of 20 per request."
DUPLICATE_BIND = "Request contains a property with duplicate values."
UNIFIED_USERS_ONLY = "Only users can be added as members of a Microsoft 365 group."
UNIFIED_NOT_NESTED = "A Microsoft 365 group cannot be a member of another group."
NOT_ITSELF = "A group cannot be a member of itself."
ROLE_GROUP_NOT_NESTED = "A group cannot be added as a member of a role-assignable group."
TOO_MANY_IDS = "The number of ids in 'groupIds' exceeds the limit of 20."
MAX_BIND = 20
MAX_CHECK_IDS = 20
GRAPH_HOSTS = frozenset(("graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"))
COLLECTIONS = frozenset(("directoryobjects", "users", "groups", "devices", "serviceprincipals", "contacts", "orgcontacts"))


def _lag(req):
    return req.config.membership_delay_ms / 1000.0


def find_user(req, key):
    """A visible user by id or userPrincipalName, else the §4.2 404."""
    return lookup(req, "user", key, alternate="userPrincipalName")


def _unified(group):
    return "unified" in [t.lower() for t in group.get("groupTypes") or []]


def check_member(req, group, member_id):
    """The kind of the object to add to `group`: 404 when it is not visible, 400 when the group cannot hold it."""
    kind = req.store.kind_of(member_id)
    if kind is None:
        raise not_found(member_id)
    if member_id == group["id"]:
        raise request_bad(NOT_ITSELF)
    if _unified(group) and kind != "user":
        raise request_bad(UNIFIED_USERS_ONLY)
    if kind == "group" and _unified(req.store.get("group", member_id)):
        raise request_bad(UNIFIED_NOT_NESTED)
    if kind == "group" and role_assignable(group):
        raise request_bad(ROLE_GROUP_NOT_NESTED)  # groups-concept.md: group nesting isn't supported
    return kind


def bind_reference(req, reference):
    """Object id from a `members@odata.bind` URL: https, Graph's host (any cloud) or ours, /{version}/{collection}/{id}."""
    try:
        parts, own = urlsplit(reference), urlsplit(req.base_url)
        ours = parts.port == own.port and parts.hostname in (own.hostname, "127.0.0.1", "localhost")
    except (TypeError, ValueError, AttributeError):  # not a string, or a bad port
        raise request_bad(BAD_BIND) from None
    if parts.scheme.lower() != "https" or not (parts.hostname in GRAPH_HOSTS or ours):
        raise request_bad(BAD_BIND)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) != 3 or segments[0].lower() not in ("v1.0", "beta") or segments[1].lower() not in COLLECTIONS:
        raise request_bad(BAD_BIND)
    return id_from_reference(reference)


# ----- writes ------------------------------------------------------------------------------------


@route("POST", "/groups/{key}/members/$ref")
def add_member(req, key):
    """Add one member → 204; an existing member is a 400, a missing object a 404 (§3.1)."""
    body = req.json()
    if "@odata.id" not in body:
        raise bad_request("The request body must contain an '@odata.id' property.")
    member_id = id_from_reference(body["@odata.id"])
    with req.store.lock:
        group = find_group(req, key)
        check_role_management(req, group)
        if req.store.kind_of(member_id) is None:
            raise not_found(member_id)
        check_members_writable(group)
        check_member(req, group, member_id)
        if not req.store.add_link(group["id"], "members", member_id, lag_s=_lag(req)):
            raise request_bad(ALREADY_MEMBER)
    return Response(204)


@route("DELETE", "/groups/{key}/members/{member}/$ref")
def remove_member(req, key, member):
    """Remove one member → 204; a non-member is a 404, or the 400 variant with `remove_nonmember_400` (§3.2)."""
    with req.store.lock:
        group = find_group(req, key)
        check_role_management(req, group)
        check_members_writable(group)
        if not req.store.remove_link(group["id"], "members", member.lower(), lag_s=_lag(req)):
            if req.config.remove_nonmember_400:
                raise request_bad(NOT_A_MEMBER)
            raise not_found(member)
    return Response(204)


def bind_members(req, group, references):
    """Check `members@odata.bind` of PATCH /groups/{id} (§3.3) and return the function adding them.

    All-or-nothing: any bad reference, missing object or existing member fails the whole request.
    Called by groups.update_group under the store lock.
    """
    check_role_management(req, group)
    if not isinstance(references, list):
        raise request_bad(BAD_BIND)
    if len(references) > MAX_BIND:
        raise request_bad(TOO_MANY_BINDS)
    member_ids = [bind_reference(req, reference) for reference in references]
    check_members_writable(group)
    for member_id in member_ids:
        check_member(req, group, member_id)
    if len(set(member_ids)) != len(member_ids):
        raise request_bad(DUPLICATE_BIND)
    # The writer sees every member, including ones readers do not see yet.
    if any(req.store.has_link(group["id"], "members", member_id) for member_id in member_ids):
        raise request_bad(ALREADY_MEMBER)

    def apply():
        for member_id in member_ids:
            req.store.add_link(group["id"], "members", member_id, lag_s=_lag(req))
    return apply


BINDS["members@odata.bind"] = bind_members


# ----- reads -------------------------------------------------------------------------------------


def _visible(req, ids):
    """[(kind, object)] for the ids that are visible now."""
    found = []
    for object_id in ids:
        kind = req.store.kind_of(object_id)
        if kind:
            found.append((kind, req.store.get(kind, object_id)))
    return found


def _groups_of(req, object_id):
    """Visible groups having `object_id` as a direct member."""
    return [(kind, obj) for kind, obj in _visible(req, req.store.sources("members", object_id)) if kind == "group"]


def _walk(req, start_id, step):
    """Every object reachable from `start_id` through `step(req, id) -> [(kind, object)]`, each once, cycles allowed."""
    seen, found, queue = {start_id}, [], [start_id]
    while queue:
        for kind, obj in step(req, queue.pop(0)):
            if obj["id"] not in seen:
                seen.add(obj["id"])
                found.append((kind, obj))
                queue.append(obj["id"])
    return found


def _members_of(req, group_id):
    return _visible(req, req.store.links(group_id, "members"))


def _directory_list(req, related):
    """A polymorphic directoryObject collection with `@odata.type`, `$select`, `$top` and paging (§3.4)."""
    schema = directory_object_schema()
    query = Query(req, schema)
    if (query.predicate or query.search or query.order) and not query.advanced:
        raise unsupported()
    kinds = {obj["id"]: kind for kind, obj in related}
    return list_response(req, schema, [obj for dummy, obj in related], query, context_path="directoryObjects",
                         schema_of=lambda obj: SCHEMAS[kinds[obj["id"]]])


@route("GET", "/users/{key}/memberOf", cost=2)
def user_member_of(req, key):
    """Groups the user is a direct member of (Graph also lists directory roles and administrative units here)."""
    return _directory_list(req, _groups_of(req, find_user(req, key)["id"]))


@route("GET", "/users/{key}/transitiveMemberOf", cost=2)
def user_transitive_member_of(req, key):
    """Groups the user is a member of directly or through nested groups."""
    return _directory_list(req, _walk(req, find_user(req, key)["id"], _groups_of))


@route("GET", "/groups/{key}/memberOf", cost=2)
def group_member_of(req, key):
    """Groups this group is a direct member of."""
    return _directory_list(req, _groups_of(req, find_group(req, key)["id"]))


@route("GET", "/groups/{key}/transitiveMemberOf", cost=2)
def group_transitive_member_of(req, key):
    """Groups this group is a member of directly or through nested groups."""
    return _directory_list(req, _walk(req, find_group(req, key)["id"], _groups_of))


@route("GET", "/groups/{key}/transitiveMembers", cost=5)
def group_transitive_members(req, key):
    """Direct members, nested groups and their members, each once."""
    return _directory_list(req, _walk(req, find_group(req, key)["id"], _members_of))


def _check_member_groups(req, object_id):
    """POST …/checkMemberGroups: which of ≤ 20 `groupIds` the object belongs to, transitively (§3.4)."""
    body = req.json()
    wanted = body.get("groupIds")
    if not isinstance(wanted, list) or not all(isinstance(i, str) for i in wanted):
        raise request_bad("Property groupIds value is required but is empty or missing.")
    if len(wanted) > MAX_CHECK_IDS:
        raise request_bad(TOO_MANY_IDS)
    groups = {obj["id"] for dummy, obj in _walk(req, object_id, _groups_of)}
    value = [group_id for group_id in dict.fromkeys(wanted) if group_id.lower() in groups]
    return Response(200, {"@odata.context": f"{req.base_url}/{req.version}/$metadata#Collection(Edm.String)", "value": value})


@route("POST", "/users/{key}/checkMemberGroups", cost=4, write=False)
def user_check_member_groups(req, key):
    """Transitive group check for a user."""
    return _check_member_groups(req, find_user(req, key)["id"])


@route("POST", "/groups/{key}/checkMemberGroups", cost=4, write=False)
def group_check_member_groups(req, key):
    """Transitive group check for a group."""
    return _check_member_groups(req, find_group(req, key)["id"])
