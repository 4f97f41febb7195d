# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Licences: the tenant's subscriptions, what a user holds directly and through groups, and what to assign or remove.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Licences inherited from a group are never removed from a user: Graph refuses that, they go with the group.
"""

from __future__ import annotations

# The tenant's subscriptions, read by every module that names licences.
SUBSCRIPTIONS_URL = '/subscribedSkus'
# The user properties that tell which licences a user holds, and from where.
LICENSE_FIELDS = ('assignedLicenses', 'licenseAssignmentStates')


def subscriptions_request(request_id='skus'):
    """The read of the tenant's subscriptions, as a request for ``client.batch``."""
    return {'id': request_id, 'url': SUBSCRIPTIONS_URL}


# ----- licences -------------------------------------------------------------------------------

class SkuCatalog:
    """The tenant's subscriptions (from ``GET /subscribedSkus``), looked up by skuPartNumber or skuId."""

    def __init__(self, subscribed_skus):
        self.by_id = {}
        self.by_part = {}
        for sku in subscribed_skus or []:
            self.by_id[str(sku.get('skuId')).lower()] = sku
            self.by_part[str(sku.get('skuPartNumber')).lower()] = sku

    def find(self, name):
        """The subscription named by skuPartNumber or skuId, else None."""
        key = str(name).lower()
        return self.by_id.get(key) or self.by_part.get(key)

    def part_number(self, sku_id):
        sku = self.by_id.get(str(sku_id).lower())
        return sku.get('skuPartNumber') if sku else sku_id

    def names(self):
        return sorted(sku.get('skuPartNumber') for sku in self.by_id.values())

    def plan_id(self, sku, plan):
        """The servicePlanId in ``sku`` named by servicePlanName or servicePlanId, else None."""
        key = str(plan).lower()
        for item in sku.get('servicePlans') or []:
            if str(item.get('servicePlanId')).lower() == key or str(item.get('servicePlanName')).lower() == key:
                return str(item.get('servicePlanId')).lower()
        return None

    def plan_names(self, sku_id, plan_ids):
        """Service plan names for ``plan_ids`` of a SKU (an id Graph no longer lists stays an id), sorted."""
        sku = self.by_id.get(str(sku_id).lower()) or {}
        names = dict((str(p.get('servicePlanId')).lower(), p.get('servicePlanName')) for p in sku.get('servicePlans') or [])
        return sorted(names.get(str(plan).lower()) or str(plan) for plan in plan_ids)

    def label(self, sku_id, disabled):
        """``ENTERPRISEPACK`` or ``ENTERPRISEPACK (disabled: TEAMS1)``, for diffs."""
        name = self.part_number(sku_id)
        if not disabled:
            return name
        return '%s (disabled: %s)' % (name, ', '.join(self.plan_names(sku_id, disabled)))

    def free_seats(self, sku_id):
        sku = self.by_id.get(str(sku_id).lower()) or {}
        enabled = (sku.get('prepaidUnits') or {}).get('enabled') or 0
        return enabled - (sku.get('consumedUnits') or 0)


# Which service plans come with an Exchange Online mailbox. Our reading of Microsoft's "Product names and service plan
# identifiers for licensing" list: every EXCHANGE* plan (EXCHANGE_S_STANDARD, _ENTERPRISE, _DESKLESS, _ESSENTIALS,
# EXCHANGE_B_STANDARD, ...) but the ones that only add to a mailbox or come bundled without one.
NO_MAILBOX_PLANS = ('EXCHANGE_S_FOUNDATION', 'EXCHANGE_S_FOUNDATION_GOV', 'EXCHANGE_S_ARCHIVE', 'EXCHANGE_S_ARCHIVE_ADDON', 'EXCHANGE_ANALYTICS')


def is_mailbox_plan(name):
    """True for a service plan (by servicePlanName) that gives its user an Exchange Online mailbox."""
    name = str(name or '').upper()
    return name.startswith('EXCHANGE') and name not in NO_MAILBOX_PLANS


def gives_mailbox(catalog, assigned):
    """``(True, [])`` when any of the ``assigned`` licences (``[{'skuId', 'disabledPlans'}]``, as a user or group holds them)
    has a mailbox plan that is not disabled, or is a subscription ``catalog`` does not know (it may); else ``(False, names)``
    with the skuPartNumbers held, for the reason."""
    held = []
    for licence in assigned or []:
        sku = catalog.by_id.get(str((licence or {}).get('skuId')).lower())
        if sku is None:
            return True, []
        disabled = set(str(plan).lower() for plan in licence.get('disabledPlans') or [])
        if any(is_mailbox_plan(plan.get('servicePlanName')) and str(plan.get('servicePlanId')).lower() not in disabled
               for plan in sku.get('servicePlans') or []):
            return True, []
        held.append(sku.get('skuPartNumber'))
    return False, held


def resolve_licenses(spec, catalog):
    """``([(skuId, disabled plan ids as a set, or None)], problems)`` for a user's ``licenses``."""
    resolved, problems = [], []
    for sku_name, plans in spec.licenses or []:
        sku = catalog.find(sku_name)
        if sku is None:
            problems.append(spec.problem('licenses', "unknown SKU '%s'; the tenant subscribes to %s" % (sku_name, ', '.join(catalog.names()) or 'nothing')))
            continue
        disabled = None
        if plans is not None:
            disabled = set()
            for plan in plans:
                plan_id = catalog.plan_id(sku, plan)
                if plan_id is None:
                    problems.append(spec.problem('licenses', "service plan '%s' is not part of %s" % (plan, sku.get('skuPartNumber'))))
                else:
                    disabled.add(plan_id)
        sku_id = str(sku.get('skuId')).lower()
        if any(existing == sku_id for existing, dummy in resolved):
            problems.append(spec.problem('licenses', '%s is listed twice' % sku.get('skuPartNumber')))
            continue
        resolved.append((sku_id, disabled))
    return resolved, problems


def current_licenses(user):
    """``(direct {skuId: set of disabled plan ids}, inherited set of skuIds)`` of a user read with licence properties.

    A licence is inherited when its ``licenseAssignmentStates`` entry names ``assignedByGroup``. Without
    ``licenseAssignmentStates`` every assigned licence is taken as direct.
    """
    direct, inherited = {}, set()
    states = (user or {}).get('licenseAssignmentStates')
    if states is None:
        for lic in (user or {}).get('assignedLicenses') or []:
            direct[str(lic.get('skuId')).lower()] = set(str(p).lower() for p in lic.get('disabledPlans') or [])
        return direct, inherited
    for state in states:
        sku_id = str(state.get('skuId')).lower()
        if state.get('assignedByGroup'):
            inherited.add(sku_id)
        else:
            direct[sku_id] = set(str(p).lower() for p in state.get('disabledPlans') or [])
    return direct, inherited


class LicensePlan:
    """What one user's licences need: ``add`` (assignLicense entries), ``remove`` (skuIds) and seats newly taken."""

    __slots__ = ('add', 'remove', 'new_seats', 'added', 'updated', 'removed')

    def __init__(self):
        self.add = []          # [{'skuId', 'disabledPlans'}]
        self.remove = []       # [skuId]
        self.new_seats = []    # skuIds the user holds neither directly nor through a group yet
        self.added, self.updated, self.removed = [], [], []  # skuIds, for reporting

    def __bool__(self):
        return bool(self.add or self.remove)

    def body(self):
        return {'addLicenses': self.add, 'removeLicenses': self.remove}


def plan_licenses(wanted, direct, inherited, purge):
    """Compare wanted licences with the user's direct ones; inherited licences are never removed.

    ``wanted`` is ``[(skuId, disabled set or None)]`` where None leaves the disabled plans of an existing
    assignment alone. With ``purge``, direct licences not wanted are removed.
    """
    plan = LicensePlan()
    wanted_ids = set()
    for sku_id, disabled in wanted:
        wanted_ids.add(sku_id)
        if sku_id in direct:
            if disabled is not None and disabled != direct[sku_id]:
                plan.add.append({'skuId': sku_id, 'disabledPlans': sorted(disabled)})
                plan.updated.append(sku_id)
            continue
        plan.add.append({'skuId': sku_id, 'disabledPlans': sorted(disabled or ())})
        plan.added.append(sku_id)
        if sku_id not in inherited:
            plan.new_seats.append(sku_id)
    if purge:
        for sku_id in sorted(direct):
            if sku_id not in wanted_ids:
                plan.remove.append(sku_id)
                plan.removed.append(sku_id)
    return plan


def seat_problems(demand, catalog, users_by_sku):
    """Problems for the users beyond a SKU's free seats (prepaid enabled minus consumed).

    ``demand`` maps skuId to the number of new seats this task takes; ``users_by_sku`` to the specs taking them,
    in task order. The first ones fit; each user after them gets a problem naming the SKU and the shortfall.
    """
    problems = []
    for sku_id, needed in sorted(demand.items()):
        free = max(catalog.free_seats(sku_id), 0)
        if needed <= free:
            continue
        for spec in users_by_sku[sku_id][free:]:
            problems.append(spec.problem('licenses', '%s has %d free seat(s) but this task assigns %d new ones'
                                         % (catalog.part_number(sku_id), free, needed)))
    return problems
