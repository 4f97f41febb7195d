# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hybrid tenants: objects synchronised from on-premises AD (Entra Connect / Cloud Sync, `onPremisesSyncEnabled: true`).

On-premises AD is the source of authority for most properties of a synchronised object, so Graph refuses to change
them. The values seeded for such an object stand for what AD holds: they are kept (`ONPREM`, never returned) and a
synchronisation cycle (`run_cycle`, `POST /_emulator/sync`) writes them back, as Entra Connect's next delta sync does.
"""

from ._directory import request_bad

ONPREM = "@onPremisesSource"  # on a synchronised user or group: AD's values (and a group's members); never returned
# Graph's answer to a write of an AD-owned property (microsoft-graph-docs-contrib#1900, #5768) or to a member change of a
# synchronised group (KelvinTegelaar/CIPP#1407).
MASTERED_ON_PREMISES = ("Unable to update the specified properties for on-premises mastered Directory Sync objects or objects "
                        "currently undergoing migration.")

# Properties of a synchronised user that Graph lets the cloud change (README "Hybrid tenants" cites each); every other
# writable property is refused - also where the docs are silent, the safe default.
# accountEnabled is taken, but AD's value comes back with the next cycle (MicrosoftDocs/azure-docs#76071).
USER_CLOUD_WRITABLE = frozenset(name.lower() for name in (
    "accountEnabled", "usageLocation", "aboutMe", "birthday", "interests", "pastProjects", "preferredName", "responsibilities",
    "schools", "skills", "employeeLeaveDateTime"))
# What a synchronisation cycle puts back on a user: accountEnabled and every AD-owned property seeded with it.
USER_RESTORED = ("accountEnabled",)


def synchronised(obj):
    """True for an object synchronised from on-premises AD."""
    return bool((obj or {}).get("onPremisesSyncEnabled"))


def check_user_update(user, body):
    """Refuse a PATCH of a synchronised user that names any property on-premises AD owns (nothing of it is applied)."""
    if synchronised(user) and any(name.lower() not in USER_CLOUD_WRITABLE for name in body):
        raise request_bad(MASTERED_ON_PREMISES)


def check_unchanged(obj):
    """Refuse a write that on-premises AD owns entirely (a synchronised group's members or properties, a synchronised
    user's manager or the user itself)."""
    if synchronised(obj):
        raise request_bad(MASTERED_ON_PREMISES)


def user_source(item):
    """The on-premises values of a seeded synchronised user: everything seeded except what the cloud owns."""
    return {name: value for name, value in item.items()
            if not name.startswith("@") and (name.lower() not in USER_CLOUD_WRITABLE or name in USER_RESTORED)}


def run_cycle(store):
    """One synchronisation cycle: synchronised users get AD's values back, synchronised groups AD's members.

    Returns {"users": n, "groups": n}, the objects whose cloud state differed from AD's. Store lock taken here.
    """
    changed = {"users": 0, "groups": 0}
    with store.lock:
        for user in store.list("user"):
            source = user.get(ONPREM)
            if source is None:
                continue
            drift = {name: value for name, value in source.items() if user.get(name) != value}
            if drift:
                store.update(user["id"], drift)
                changed["users"] += 1
        for group in store.list("group"):
            source = group.get(ONPREM)
            if source is None:
                continue
            drift = {name: value for name, value in source.items() if name != "members" and group.get(name) != value}
            if drift:
                store.update(group["id"], drift)
            if sorted(store.links(group["id"], "members")) != sorted(source.get("members", [])) or drift:
                store.set_link(group["id"], "members", list(source.get("members", [])))
                changed["groups"] += 1
    return changed
