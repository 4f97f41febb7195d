# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Group membership (§3): member writes and every membership read.

Writes: `POST /groups/{id}/members/$ref`, `DELETE /groups/{id}/members/{id}/$ref` and `members@odata.bind` in
`PATCH /groups/{id}` (≤ 20 references, all-or-nothing), with Graph's status codes and error strings; dynamic,
mail-enabled security, distribution and synced groups refuse them (§3.5); Microsoft 365 groups take users only,
role-assignable groups no groups and need RoleManagement.ReadWrite.Directory. Members may be users, groups, devices,
service principals and org contacts.
Reads: a group's `members` and `transitiveMembers` (v1.0 leaves service principals out, as Graph's known issue says);
`memberOf` and `transitiveMemberOf` of users, groups, devices, service principals and contacts; each with type casts
(`/members/microsoft.graph.device`; with `$filter`, `$search` or `$orderby` advanced queries only) and `/$count`; `checkMemberGroups` (transitive, ≤ 20 ids).

Knobs: `membership_delay_ms` makes member lists show a change that much later while writes see it at once (so a
client can meet "already exist" for a member its read did not show); `remove_nonmember_400` answers the removal of
a non-member with the 400 variant of §3.2 instead of the 404.
"""

from urllib.parse import urlsplit

from ..odata import SCHEMAS, Query, count_response, list_response
from ..filters import unsupported
from ..router import route
from ..wire import Response, bad_request
from . import _licensing as lic
from ._directory import MEMBER_KINDS, directory_object_schema, id_from_reference, lookup, not_found, request_bad
from .directory_objects import find as find_object
from .groups import BINDS, check_members_writable, check_role_management, find_group, member_refusal

ALREADY_MEMBER = "One or more added object references already exist for the following modified properties: 'members'."
NOT_A_MEMBER = "One or more removed object references do not exist for the following modified properties: 'members'."
# Texts below are ours: what Graph answers in these cases is UNCONFIRMED (see the emulator README).
BAD_BIND = "Invalid URL format specified in @odata.bind for members"
TOO_MANY_BINDS = "The number of objects in 'members@odata.bind' exceeds the limit of 20 per request."
DUPLICATE_BIND = "Request contains a property with duplicate values."
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


def check_member(req, group, member_id):
    """The kind of the object to add to `group`: 404 when it is not a visible directory object, 400 when the group cannot hold it."""
    kind = req.store.kind_of(member_id)
    if kind not in MEMBER_KINDS:
        raise not_found(member_id)
    refusal = member_refusal(req.store, group, member_id, kind)
    if refusal:
        raise request_bad(refusal)
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
        if req.store.kind_of(member_id) not in MEMBER_KINDS:
            raise not_found(member_id)
        check_members_writable(group)
        check_member(req, group, member_id)
        if not req.store.add_link(group["id"], "members", member_id, lag_s=_lag(req)):
            raise request_bad(ALREADY_MEMBER)
        if group.get("assignedLicenses"):
            lic.note_mailboxes(req.store, [member_id])  # group-based licensing may bring a mailbox
    return Response(204)


@route("DELETE", "/groups/{key}/members/{member}/$ref")
def remove_member(req, key, member):
    """Remove one member → 204; a non-member is a 404, or the 400 variant with `remove_nonmember_400` (§3.2)."""
    with req.store.lock:
        group = find_group(req, key)
        check_role_management(req, group)
        check_members_writable(group)
        licensed = bool(group.get("assignedLicenses"))
        had = lic.exchange_holders(req.store, [member.lower()]) if licensed else ()
        if not req.store.remove_link(group["id"], "members", member.lower(), lag_s=_lag(req)):
            if req.config.remove_nonmember_400:
                raise request_bad(NOT_A_MEMBER)
            raise not_found(member)
        if licensed:
            lic.note_mailboxes(req.store, [member.lower()], had)  # leaving a licensed group may take the last Exchange licence
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
        if group.get("assignedLicenses"):
            lic.note_mailboxes(req.store, member_ids)
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


def _v1_without_service_principals(req, members):
    """v1.0 member lists leave service principals out: `/members` per known-issues/groups.md; `/transitiveMembers` is
    documented as returning users, devices, contacts and groups (group-list-transitivemembers.md), so the same is assumed.
    Beta, `$expand=members` and the `microsoft.graph.servicePrincipal` cast return them (the cast: observed in clients
    that read service-principal members of v1.0 through it, e.g. Microsoft's Entra PowerShell module)."""
    if req.version != "v1.0":
        return members
    return [(kind, obj) for kind, obj in members if kind != "servicePrincipal"]


def _directory_list(req, related, cast=None):
    """A polymorphic directoryObject collection with `@odata.type`, `$select`, `$top` and paging (§3.4).

    `cast` (`microsoft.graph.user`, …) keeps one type and answers as that type's collection (context and `$select` of the type).
    """
    if cast is not None:
        kind = CASTS.get(cast.lower())
        if kind is None:
            raise bad_request(f"Resource not found for the segment '{cast}'.")
        schema = SCHEMAS[kind]
        related = [(k, obj) for k, obj in related if k == kind]
    else:
        schema = directory_object_schema()
    query = Query(req, schema)
    # group-list-members.md, group-list-transitivemembers.md, user-list-memberof.md: $filter, $search and $orderby need
    # advanced queries (ConsistencyLevel: eventual and $count=true). A cast alone does not: aad-advanced-queries.md lists
    # "OData cast with another query parameter" as advanced-only, and casts with only $select/$top work without the header.
    if (query.predicate or query.search or query.order) and not query.advanced:
        raise unsupported()
    if cast is not None:
        return list_response(req, schema, [obj for dummy, obj in related], query, context_path=schema.entity_set)
    kinds = {obj["id"]: kind for kind, obj in related}
    return list_response(req, schema, [obj for dummy, obj in related], query, context_path="directoryObjects",
                         schema_of=lambda obj: SCHEMAS[kinds[obj["id"]]])


def _count(req, related):
    """The `/$count` segment of a membership list: advanced queries only, text/plain."""
    return count_response(req, directory_object_schema(), [obj for dummy, obj in related])


CASTS = {f"microsoft.graph.{kind.lower()}": kind for kind in MEMBER_KINDS}
# Who can be read from in membership routes: entity set -> finder(req, key) -> object.
OWNERS = {"users": find_user, "groups": find_group, "devices": lambda req, key: find_object(req, "device", key),
          "servicePrincipals": lambda req, key: find_object(req, "servicePrincipal", key),
          "contacts": lambda req, key: find_object(req, "orgContact", key)}


def _relations(entity_set, finder):
    """Register memberOf / transitiveMemberOf (with casts and /$count) and checkMemberGroups for one entity set."""
    reads = {"memberOf": lambda req, obj: _groups_of(req, obj["id"]),
             "transitiveMemberOf": lambda req, obj: _walk(req, obj["id"], _groups_of)}
    if entity_set == "groups":
        reads["members"] = lambda req, obj: _members_of(req, obj["id"])
        reads["transitiveMembers"] = lambda req, obj: _walk(req, obj["id"], _members_of)
    costs = {"memberOf": 2, "transitiveMemberOf": 2, "members": 3, "transitiveMembers": 5}  # §2.4
    for name, related in reads.items():
        # v1.0 leaves service principals out of the plain member lists only; the servicePrincipal cast lists them (observed).
        def plain(req, key, related=related, v1_filter=name in ("members", "transitiveMembers")):
            found = related(req, finder(req, key))
            return _directory_list(req, _v1_without_service_principals(req, found) if v1_filter else found)

        def cast_to(req, key, cast, related=related):
            return _directory_list(req, related(req, finder(req, key)), cast)

        def count(req, key, related=related, v1_filter=name in ("members", "transitiveMembers")):
            found = related(req, finder(req, key))
            return _count(req, _v1_without_service_principals(req, found) if v1_filter else found)
        plain.__doc__ = f"GET /{entity_set}/{{id}}/{name}: directoryObjects with @odata.type."
        cast_to.__doc__ = f"GET /{entity_set}/{{id}}/{name}/microsoft.graph.{{type}}: one type of them."
        count.__doc__ = f"GET /{entity_set}/{{id}}/{name}/$count (advanced query)."
        route("GET", f"/{entity_set}/{{key}}/{name}", cost=costs[name])(plain)
        route("GET", f"/{entity_set}/{{key}}/{name}/{{cast}}", cost=costs[name])(cast_to)
        route("GET", f"/{entity_set}/{{key}}/{name}/$count", cost=costs[name])(count)

    def check(req, key):
        return _check_member_groups(req, finder(req, key)["id"])
    check.__doc__ = f"POST /{entity_set}/{{id}}/checkMemberGroups: transitive group check."
    route("POST", f"/{entity_set}/{{key}}/checkMemberGroups", cost=4, write=False)(check)


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


for _entity_set, _finder in OWNERS.items():
    _relations(_entity_set, _finder)
