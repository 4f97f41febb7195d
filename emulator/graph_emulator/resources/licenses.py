# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Licensing (§4.5): subscribedSkus with seat counts, assignLicense on users and groups, licenseDetails.

Bookkeeping (direct vs group-inherited licences, seat counters, the default subscriptions) lives in
`_licensing.py`, which users.py shares.
"""

import base64
import re

from ..filters import unsupported
from ..odata import context, parse_select, project
from ..permissions import ORGANIZATION_READ, require
from ..router import route, seeder
from ..wire import Response
from . import _licensing as lic
from ._directory import not_found, request_bad
from .groups import GROUP, find_group
from .users import DEFAULTS, USER, find_user

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NO_USAGE_LOCATION = "License assignment cannot be done for user with invalid usage location."
NOT_ASSIGNED = "User does not have a corresponding license."  # UNCONFIRMED wording
# A licence the user holds only through a group (observed: KelvinTegelaar/CIPP#4090); it goes when the user leaves the group.
INHERITED = "User license is inherited from group membership and cannot be removed directly from the user."
SKU_FIELDS = ("accountId", "accountName", "appliesTo", "capabilityStatus", "consumedUnits", "id", "prepaidUnits", "servicePlans",
              "skuId", "skuPartNumber", "subscriptionIds")


def invalid_license(sku_id):
    """§4.5: a skuId the tenant has no subscription for."""
    return request_bad(f"License {sku_id} does not correspond to a valid company License.")


def no_seats(sku_id):
    """§4.5: every seat of the subscription is taken."""
    return request_bad(f"Subscription with SKU {sku_id} does not have any available licenses.")


def _read_assignment(req, resource):
    """(adds [(skuId, [disabled plan ids])], removes [skuId]) from an assignLicense body; both keys are required here."""
    body = req.json()
    add, remove = body.get("addLicenses"), body.get("removeLicenses")
    for name, value in (("addLicenses", add), ("removeLicenses", remove)):
        if not isinstance(value, list):
            raise request_bad(f"Invalid value specified for property '{name}' of resource '{resource}'.")
    adds = []
    for item in add:
        disabled = item.get("disabledPlans") if isinstance(item, dict) else None
        if (not isinstance(item, dict) or not isinstance(item.get("skuId"), str) or not _GUID.fullmatch(item["skuId"])
                or not isinstance(disabled or [], list) or not all(isinstance(p, str) and _GUID.fullmatch(p) for p in disabled or [])):
            raise request_bad(f"Invalid value specified for property 'addLicenses' of resource '{resource}'.")
        adds.append((item["skuId"], [p.lower() for p in disabled or []]))
    if not all(isinstance(r, str) and _GUID.fullmatch(r) for r in remove):
        raise request_bad(f"Invalid value specified for property 'removeLicenses' of resource '{resource}'.")
    both = set(sku_id.lower() for sku_id, dummy in adds) & set(r.lower() for r in remove)
    if both:
        raise request_bad(f"License {sorted(both)[0]} cannot be both added and removed.")  # UNCONFIRMED wording
    return adds, list(remove)


def _check_skus(store, adds, removes):
    """Every skuId must be a subscription of the tenant, every disabled plan one of its service plans."""
    for sku_id, disabled in adds:
        item = lic.sku(store, sku_id)
        if item is None:
            raise invalid_license(sku_id)
        plans = set(p["servicePlanId"] for p in item["servicePlans"])
        for plan in disabled:
            if plan not in plans:
                raise request_bad(f"Service plan {plan} is not part of license {sku_id}.")  # UNCONFIRMED wording
    for sku_id in removes:
        if lic.sku(store, sku_id) is None:
            raise invalid_license(sku_id)


def _apply(current, adds, removes):
    """New direct licence list: removals first, then additions (which replace disabledPlans)."""
    result = dict((l["skuId"], list(l.get("disabledPlans") or [])) for l in current or [])
    for sku_id in removes:
        result.pop(sku_id.lower(), None)
    for sku_id, disabled in adds:
        result[sku_id.lower()] = disabled
    return [{"skuId": s, "disabledPlans": d} for s, d in result.items()]


@route("POST", "/users/{key}/assignLicense")
def assign_user_license(req, key):
    """Add and remove direct licences → 200 with the user; SKU, usage-location and seat rules of §4.5."""
    adds, removes = _read_assignment(req, "User")
    store = req.store
    with store.lock:
        user = find_user(req, key)
        _check_skus(store, adds, removes)
        direct = lic.direct_sku_ids(user)
        inherited = lic.active_inherited(store, user["id"])  # a group licence in error holds no seat
        from_groups = set(item["skuId"].lower() for dummy, item in lic.inherited_map(store).get(user["id"], []))
        for sku_id in removes:
            if sku_id.lower() not in direct:
                raise request_bad(INHERITED if sku_id.lower() in from_groups else NOT_ASSIGNED)
        if adds and not user.get("usageLocation"):
            raise request_bad(NO_USAGE_LOCATION)
        for sku_id, dummy in adds:
            if sku_id.lower() in direct or sku_id.lower() in inherited:
                continue  # the user holds a seat of it already
            item = lic.sku(store, sku_id)
            if lic.holders(store, item["skuId"]) >= item["prepaidUnits"]["enabled"]:
                raise no_seats(sku_id)
        had = lic.exchange_holders(store, [user["id"]])
        licenses = _apply(user.get("assignedLicenses"), adds, removes)
        store.update(user["id"], {"assignedLicenses": licenses, "licenseAssignmentStates": lic.direct_states(licenses)})
        lic.adjust(store, direct, [l["skuId"] for l in licenses])
        lic.note_mailboxes(store, [user["id"]], had)
        user = lic.with_effective(store, [store.get("user", user["id"])])[0]
    body = {"@odata.context": context(req, "users", entity=True)}
    body.update(project(user, USER, list(DEFAULTS) + ["assignedLicenses"]))
    return Response(200, body)


@route("POST", "/groups/{key}/assignLicense")
def assign_group_license(req, key):
    """Group-based licensing → 202 with the group; members inherit the licences when read."""
    adds, removes = _read_assignment(req, "Group")
    store = req.store
    with store.lock:
        group = find_group(req, key)
        _check_skus(store, adds, removes)
        current = set(l["skuId"].lower() for l in group.get("assignedLicenses") or [])
        for sku_id in removes:
            if sku_id.lower() not in current:
                raise request_bad("Group does not have a corresponding license.")  # UNCONFIRMED wording
        members = store.links(group["id"], "members")
        had = lic.exchange_holders(store, members) if removes else ()
        group = store.update(group["id"], {"assignedLicenses": _apply(group.get("assignedLicenses"), adds, removes)})
        lic.note_mailboxes(store, members, had)
    body = {"@odata.context": context(req, "groups", entity=True)}
    body.update(project(group, GROUP, None))
    return Response(202, body)


@route("GET", "/users/{key}/licenseDetails", cost=2)
def license_details(req, key):
    """The user's licences (direct and inherited) with each service plan's provisioning status."""
    user = lic.with_effective(req.store, [find_user(req, key)])[0]
    value = []
    for assigned in user.get("assignedLicenses") or []:
        item = lic.sku(req.store, assigned["skuId"]) or {"skuPartNumber": None, "servicePlans": []}
        disabled = set(assigned.get("disabledPlans") or [])
        plans = [{"servicePlanId": p["servicePlanId"], "servicePlanName": p["servicePlanName"], "appliesTo": p["appliesTo"],
                  "provisioningStatus": "Disabled" if p["servicePlanId"] in disabled else "Success"} for p in item["servicePlans"]]
        detail_id = base64.urlsafe_b64encode(f"{user['id']}:{assigned['skuId']}".encode()).decode().rstrip("=")
        value.append({"id": detail_id, "skuId": assigned["skuId"], "skuPartNumber": item["skuPartNumber"], "servicePlans": plans})
    return Response(200, {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{user['id']}')/licenseDetails", "value": value})


def _sku_view(req, item):
    options = req.query()
    if set(options) - {"$select"}:
        raise unsupported()  # Graph documents only $select for subscribedSkus
    out = lic.public(item, lic.holders(req.store, item["skuId"]))
    if "$select" in options:
        names = parse_select(options["$select"], lambda n: next((f for f in SKU_FIELDS if f.lower() == n.strip().lower()), None),
                             "microsoft.graph.subscribedSku")
        out = dict((name, out[name]) for name in ["id"] + [n for n in names if n != "id"])
    return out


@route("GET", "/subscribedSkus", cost=3)
def list_skus(req):
    """The tenant's subscriptions with consumedUnits (direct and group-inherited holders)."""
    require(req, *ORGANIZATION_READ)
    value = [_sku_view(req, item) for item in lic.skus(req.store)]
    return Response(200, {"@odata.context": f"{req.base_url}/{req.version}/$metadata#subscribedSkus", "value": value})


@route("GET", "/subscribedSkus/{key}", cost=3)
def get_sku(req, key):
    """One subscription by its id (`{accountId}_{skuId}`) → 200, else 404."""
    require(req, *ORGANIZATION_READ)
    sku_id = key.rsplit("_", 1)[-1]
    item = lic.sku(req.store, sku_id) if key.lower() == f"{lic.ACCOUNT_ID}_{sku_id}".lower() else None
    if item is None:
        raise not_found(key)
    body = {"@odata.context": f"{req.base_url}/{req.version}/$metadata#subscribedSkus/$entity"}
    body.update(_sku_view(req, item))
    return Response(200, body)


@seeder("subscribedSkus")
def seed_skus(store, items):
    """Replace the tenant's subscriptions: [{skuId, skuPartNumber, prepaidUnits: {enabled}, servicePlans: [...]}]."""
    return lic.replace_skus(store, items)
