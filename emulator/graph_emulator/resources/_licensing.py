# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Licence bookkeeping shared by users.py and licenses.py (§4.5).

The tenant's subscriptions are `subscribedSku` objects in the store, keyed by skuId. A user stores only
its *direct* licences (`assignedLicenses` and `licenseAssignmentStates` with `assignedByGroup: null`);
licences inherited from groups (a group's `assignedLicenses`) are added when the user is read, so
membership changes are reflected at once. Each SKU keeps a counter of direct assignments so seat checks
stay O(1) in big directories; inherited-only holders are counted from the licensed groups' members.
"""

import datetime
import time

from ..wire import utc_now

KIND = "subscribedSku"
ACCOUNT_ID = "7a3e5c1d-2b4f-4e6a-9c8d-0f1e2d3c4b5a"  # the emulated tenant's billing account
DIRECT = "@directUnits"  # internal counter, never returned
MAILBOX = "@mailboxSince"  # on a user: when (time.time()) its mailbox began to be provisioned; never returned
# On a user whose last Exchange Online licence went: the date its mailbox data is deleted (shown in the dump, never returned).
MAILBOX_DELETION = "@mailboxDeletionScheduled"
MAILBOX_RETENTION_DAYS = 30  # remove-licenses-from-users.md; KB 3158794 (no-soft-deleted-mailbox-after-license-removal.md)
_EMPTY_MARKER = ("subscribedSkus", "seeded-empty")

EXCHANGE = ("efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE")
SHAREPOINT = ("5dbe027f-2339-4123-9542-606e4d348a72", "SHAREPOINTENTERPRISE")
TEAMS = ("57ff2da0-773e-42df-b2af-ffb7a2317929", "TEAMS1")
SKYPE = ("0feaeb32-d00e-4d66-bd5a-43b5b83db82c", "MCOSTANDARD")
OFFICE = ("43de0ff5-c92c-492b-9116-175376d08c38", "OFFICESUBSCRIPTION")
INTUNE = ("c1ec4a95-1f05-45b3-a911-aa3fa01094f5", "INTUNE_A")
AAD_P1 = ("41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AAD_PREMIUM")
RMS = ("6c57d4b6-3b23-47a5-9bc9-69f17b4947b3", "RMS_S_PREMIUM")

# Real skuIds and service plan ids of three common subscriptions; seat counts are ours.
DEFAULT_SKUS = (
    {"skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900", "skuPartNumber": "ENTERPRISEPACK", "prepaidUnits": {"enabled": 250},
     "servicePlans": [EXCHANGE, SHAREPOINT, TEAMS, SKYPE, OFFICE]},
    {"skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965", "skuPartNumber": "SPE_E3", "prepaidUnits": {"enabled": 1000},
     "servicePlans": [EXCHANGE, SHAREPOINT, TEAMS, OFFICE, INTUNE, AAD_P1]},
    {"skuId": "efccb6f7-5641-4e0e-bd10-b4976e1bf68e", "skuPartNumber": "EMS", "prepaidUnits": {"enabled": 500},
     "servicePlans": [INTUNE, AAD_P1, RMS]},
)


def new_sku(item):
    """A subscribedSku object from a seed item (skuId and skuPartNumber required)."""
    if not isinstance(item.get("skuId"), str) or not isinstance(item.get("skuPartNumber"), str):
        raise ValueError("every seeded subscribedSku needs a skuId and a skuPartNumber")
    prepaid = {"enabled": 0, "suspended": 0, "warning": 0, "lockedOut": 0}
    prepaid.update(item.get("prepaidUnits") or {})
    plans = []
    for plan in item.get("servicePlans") or []:
        if isinstance(plan, (list, tuple)):
            plan = {"servicePlanId": plan[0], "servicePlanName": plan[1]}
        if not isinstance(plan, dict) or "servicePlanId" not in plan or "servicePlanName" not in plan:
            raise ValueError("a service plan needs servicePlanId and servicePlanName")
        plans.append({"servicePlanId": plan["servicePlanId"].lower(), "servicePlanName": plan["servicePlanName"],
                      "provisioningStatus": plan.get("provisioningStatus", "Success"), "appliesTo": plan.get("appliesTo", "User")})
    sku_id = item["skuId"].lower()
    return {"id": sku_id, "accountId": ACCOUNT_ID, "accountName": "Contoso", "appliesTo": item.get("appliesTo", "User"),
            "capabilityStatus": item.get("capabilityStatus", "Enabled"), "skuId": sku_id, "skuPartNumber": item["skuPartNumber"],
            "subscriptionIds": item.get("subscriptionIds") or [], "prepaidUnits": prepaid, "servicePlans": plans, DIRECT: 0}


def replace_skus(store, items):
    """Make `items` the tenant's whole set of subscriptions; direct seat counters are recounted."""
    skus = [new_sku(dict(item)) for item in items]
    with store.lock:
        for old in store.list(KIND):
            store.delete(old["id"], soft=False)
        created = [store.create(KIND, sku, replicated=True) for sku in skus]
        if not created:
            store.put_blob(*_EMPTY_MARKER, "text/plain", b"")
        _recount(store)
        return [store.get(KIND, sku["id"]) for sku in created]


def skus(store):
    """Every subscription, creating the default set the first time when none was seeded."""
    with store.lock:
        found = store.list(KIND)
        if not found and store.get_blob(*_EMPTY_MARKER) is None:
            replace_skus(store, DEFAULT_SKUS)
            found = store.list(KIND)
        return found


def sku(store, sku_id):
    """The subscription with this skuId, else None."""
    skus(store)
    return store.get(KIND, str(sku_id).lower())


def sku_by_part_number(store, part_number):
    """The subscription with this skuPartNumber (case-insensitive), else None."""
    return next((s for s in skus(store) if s["skuPartNumber"].lower() == str(part_number).lower()), None)


def _recount(store):
    counts = {}
    for user in store.list("user"):
        for sku_id in direct_sku_ids(user):
            counts[sku_id] = counts.get(sku_id, 0) + 1
    for item in store.list(KIND):
        store.update(item["id"], {DIRECT: counts.get(item["id"], 0)})


def adjust(store, before, after):
    """Move direct seat counters from a user's old direct skuIds to the new ones (store lock held)."""
    for sku_id in set(before) - set(after):
        found = store.get(KIND, sku_id)
        if found:
            store.update(sku_id, {DIRECT: max(0, found[DIRECT] - 1)})
    for sku_id in set(after) - set(before):
        found = store.get(KIND, sku_id)
        if found:
            store.update(sku_id, {DIRECT: found[DIRECT] + 1})


def direct_sku_ids(user):
    return [lic["skuId"] for lic in user.get("assignedLicenses") or []]


def direct_states(licenses, now=None):
    """licenseAssignmentStates for direct licences."""
    now = now or utc_now()
    return [{"skuId": lic["skuId"], "disabledPlans": list(lic.get("disabledPlans") or []), "assignedByGroup": None,
             "state": "Active", "error": "None", "lastUpdatedDateTime": now} for lic in licenses]


def licensed_groups(store):
    return [g for g in store.list("group") if g.get("assignedLicenses")]


def inherited_map(store, groups=None):
    """{user id: [(group id, licence)]} for every member of a licensed group."""
    result = {}
    for group in licensed_groups(store) if groups is None else groups:
        for member_id in store.links(group["id"], "members"):
            for lic in group["assignedLicenses"]:
                result.setdefault(member_id, []).append((group["id"], lic))
    return result


def _processing_order(groups):
    """The order group licences are taken to have been processed in: oldest group first (GUESS: Entra's background
    processing order is not documented), members in the order they joined. Keeps a holder's seat when others join."""
    return sorted(groups, key=lambda g: (str(g.get("createdDateTime") or ""), g["id"]))


def allocation(store, groups=None):
    """Which group licences could not be given for want of seats: {(user id, group id): {skuId: error}}.

    Entra assigns a group's licences in the background and records a failure on the user (licensing-groups-resolve-problems.md,
    "Not enough licenses": CountViolation). A group's products go together: if one cannot be assigned, the group's others are
    not assigned either ("More than one product license assigned to a group"); those carry the error `Other` (our choice).
    Direct licences were checked when assigned and keep their seats; a user holding a SKU directly or through an earlier group
    takes no second seat.
    """
    groups = licensed_groups(store) if groups is None else groups
    if not groups:
        return {}
    free = {item["id"]: item["prepaidUnits"]["enabled"] - item[DIRECT] for item in skus(store)}
    seated, failed = {}, {}  # user id -> skuIds it holds a seat of through a group
    for group in _processing_order(groups):
        wanted = [lic["skuId"].lower() for lic in group["assignedLicenses"]]
        for member_id in store.links(group["id"], "members"):
            user = store.get("user", member_id)
            if user is None:
                continue
            held = set(direct_sku_ids(user)) | seated.get(member_id, set())
            needed = [sku_id for sku_id in wanted if sku_id not in held]
            short = [sku_id for sku_id in needed if free.get(sku_id, 0) < 1]
            if short:
                failed[(member_id, group["id"])] = {sku_id: "CountViolation" if sku_id in short else "Other" for sku_id in wanted}
                continue
            for sku_id in needed:
                free[sku_id] -= 1
            seated.setdefault(member_id, set()).update(needed)
    return failed


def effective(user, inherited, failed=None):
    """The user as Graph shows it: direct plus inherited licences (`inherited` = [(group id, licence)]).

    A group licence that could not be assigned (`failed`, from `allocation`) shows only in licenseAssignmentStates, with
    state Error and its error; it is not in assignedLicenses (the user does not hold it).
    """
    if not inherited:
        return user
    failed = failed or {}
    direct = {lic["skuId"]: set(lic.get("disabledPlans") or []) for lic in user.get("assignedLicenses") or []}
    states = list(user.get("licenseAssignmentStates") or [])
    merged = dict(direct)
    for group_id, lic in inherited:
        sku_id = lic["skuId"].lower()
        disabled = set(p.lower() for p in lic.get("disabledPlans") or [])
        error = failed.get((user["id"], group_id), {}).get(sku_id)
        states.append({"skuId": sku_id, "disabledPlans": sorted(disabled), "assignedByGroup": group_id,
                       "state": "Error" if error else "Active", "error": error or "None",
                       "lastUpdatedDateTime": user.get("createdDateTime")})
        if error:
            continue
        # A plan enabled by any source is enabled.
        merged[sku_id] = merged[sku_id] & disabled if sku_id in merged else disabled
    licenses = [{"skuId": sku_id, "disabledPlans": sorted(disabled)} for sku_id, disabled in merged.items()]
    return dict(user, assignedLicenses=licenses, licenseAssignmentStates=states)


def with_effective(store, users):
    """`users` with inherited licences filled in (cheap when no group carries licences)."""
    groups = licensed_groups(store)
    if not groups:
        return users
    inherited = inherited_map(store, groups)
    failed = allocation(store, groups)
    return [effective(u, inherited.get(u["id"]), failed) for u in users]


def active_inherited(store, user_id):
    """skuIds the user holds through groups (not those in error)."""
    user = store.get("user", user_id)
    if user is None:
        return set()
    states = with_effective(store, [user])[0].get("licenseAssignmentStates") or []
    return set(s["skuId"] for s in states if s["assignedByGroup"] and s["state"] == "Active")


def holders(store, sku_id):
    """Users holding the SKU directly or through a group: the subscription's consumedUnits. A group licence in error takes
    no seat."""
    item = store.get(KIND, sku_id)
    count = item[DIRECT] if item else 0
    groups = [g for g in licensed_groups(store) if any(lic["skuId"].lower() == sku_id for lic in g["assignedLicenses"])]
    if not groups:
        return count
    failed = allocation(store)
    seen = set()
    for group in groups:
        for member_id in store.links(group["id"], "members"):
            user = store.get("user", member_id)
            if (user and member_id not in seen and sku_id not in direct_sku_ids(user)
                    and sku_id not in failed.get((member_id, group["id"]), {})):
                seen.add(member_id)
                count += 1
    return count


def public(item, consumed):
    """The subscribedSku as Graph returns it."""
    out = {k: v for k, v in item.items() if not k.startswith("@")}
    out["id"] = f"{ACCOUNT_ID}_{item['skuId']}"
    out["consumedUnits"] = consumed
    return out


def _gives_mailbox(plan_name):
    """Exchange Online plans that come with a mailbox (EXCHANGE_S_STANDARD, _ENTERPRISE, _DESKLESS, ...); the
    EXCHANGE_S_FOUNDATION plan bundled with other services and the archive add-ons (EXCHANGE_S_ARCHIVE_ADDON, which needs a
    mailbox from another plan) do not."""
    name = (plan_name or "").upper()
    return name.startswith("EXCHANGE_S_") and name != "EXCHANGE_S_FOUNDATION" and not name.startswith("EXCHANGE_S_ARCHIVE")


def _exchange_in(store, user):
    """True when the user as Graph shows it (direct plus inherited licences) holds a licence whose Exchange plan is not disabled."""
    for assigned in user.get("assignedLicenses") or []:
        item = sku(store, assigned["skuId"])
        disabled = set(assigned.get("disabledPlans") or [])
        if item and any(_gives_mailbox(p["servicePlanName"]) and p["servicePlanId"] not in disabled for p in item["servicePlans"]):
            return True
    return False


def has_exchange(store, user):
    """True when the user holds, directly or through a group, a licence whose Exchange plan is not disabled."""
    return _exchange_in(store, with_effective(store, [user])[0])


def exchange_holders(store, user_ids):
    """The ids among `user_ids` holding an Exchange Online licence now: taken before a write that may remove licences and
    handed to `note_mailboxes` as `had`."""
    users = [u for u in (store.get("user", user_id) for user_id in user_ids) if u is not None]
    return set(u["id"] for u in with_effective(store, users) if _exchange_in(store, u))


def note_mailboxes(store, user_ids, had=()):
    """After every write that can license or unlicense a user (store lock held), for each listed user:

    - holding an Exchange licence and no mailbox yet: start provisioning it;
    - holding one again while its mailbox data is scheduled for deletion: cancel the deletion (relicensing within 30 days
      reconnects the mailbox, KB 3158794);
    - in `had` (held one before the write) but no longer, with a mailbox: schedule its data's deletion 30 days from now.
    """
    users = [u for u in (store.get("user", user_id) for user_id in user_ids) if u is not None]
    for user in with_effective(store, users):
        holds = _exchange_in(store, user)
        if holds and user.get(MAILBOX) is None:
            store.update(user["id"], {MAILBOX: time.time()})
        elif holds and user.get(MAILBOX_DELETION):
            store.update(user["id"], {MAILBOX_DELETION: None})
        elif not holds and user["id"] in had and user.get(MAILBOX) is not None and not user.get(MAILBOX_DELETION):
            when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=MAILBOX_RETENTION_DAYS)
            store.update(user["id"], {MAILBOX_DELETION: when.strftime("%Y-%m-%dT%H:%M:%SZ")})


def mailbox_ready(user, delay_s):
    """Whether the user's mailbox exists: provisioning started and `delay_s` passed since."""
    since = user.get(MAILBOX)
    return since is not None and time.time() - since >= delay_s
