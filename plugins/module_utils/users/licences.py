# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Licences: the tenant's subscriptions, what a user holds directly and through groups, and what to assign or remove.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Licences inherited from a group are never removed from a user: Graph refuses that, they go with the group. Every
comparison of a task's licence list (what to add, what ``purge_licenses`` removes) is with the user's direct
licences only. An assignment (direct or through a group) in state ``Error`` or ``Disabled`` does not count as held:
Entra records it but the user has no seat of it (a group licence short of seats is ``Error``/``CountViolation``).
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import chunked, filter_query

# The tenant's subscriptions, read by every module that names licences.
SUBSCRIPTIONS_URL = '/subscribedSkus'
# The user properties that tell which licences a user holds, and from where.
LICENSE_FIELDS = ('assignedLicenses', 'licenseAssignmentStates')


# licenseAssignmentState.state values of an assignment the user holds (Graph's others: Disabled, Error).
HELD_STATES = ('Active', 'ActiveWithError')
# licenseAssignmentState.error when the assignment succeeded (Graph's docs say null, Graph answers the text "None").
NO_ERROR = (None, '', 'None')
# How groups that grant licences are read, after the users (their ids come from licenseAssignmentStates).
GROUP_FIELDS = ('id', 'displayName')


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


def assignment_states(user):
    """The licence assignments of a user read with licence properties, one dict per ``licenseAssignmentStates`` entry:
    ``skuId`` (lowercase), ``disabledPlans`` (set, lowercase), ``group`` (the granting group's id, None when direct),
    ``state`` and ``error`` as Graph gives them.

    Without ``licenseAssignmentStates`` every assigned licence is taken as a direct, active one.
    """
    user = user or {}
    states = user.get('licenseAssignmentStates')
    if states is None:
        return [{'skuId': str(lic.get('skuId')).lower(), 'disabledPlans': set(str(p).lower() for p in lic.get('disabledPlans') or []),
                 'group': None, 'state': 'Active', 'error': 'None'} for lic in user.get('assignedLicenses') or []]
    return [{'skuId': str(state.get('skuId')).lower(), 'disabledPlans': set(str(p).lower() for p in state.get('disabledPlans') or []),
             'group': state.get('assignedByGroup') or None, 'state': state.get('state'), 'error': state.get('error')}
            for state in states]


def is_held(assignment):
    """True when an assignment gives the user the licence: state Active or ActiveWithError (or no state given)."""
    return assignment.get('state') in HELD_STATES + (None, '')


def has_error(assignment):
    """True for an assignment Entra could not complete: state Error, or an error recorded."""
    return assignment.get('state') == 'Error' or assignment.get('error') not in NO_ERROR


def current_licenses(user):
    """``(direct {skuId: set of disabled plan ids}, inherited set of skuIds)`` of a user read with licence properties.

    ``direct`` are the assignments without ``assignedByGroup`` (what a task's licence list is compared with, whatever
    their state); ``inherited`` the skuIds the user holds through a group - an inherited assignment in state Error or
    Disabled is left out, as it gives no seat.
    """
    direct, inherited = {}, set()
    for assignment in assignment_states(user):
        if assignment['group'] is None:
            direct[assignment['skuId']] = assignment['disabledPlans']
        elif is_held(assignment):
            inherited.add(assignment['skuId'])
    return direct, inherited


# ----- the groups that grant licences ------------------------------------------------------------

class LicenceGroups:
    """The display names of the groups users inherit licences from, by lowercase id; ``denied`` holds Graph's
    answer when reading them was refused (403), so the names are missing."""

    def __init__(self, names=None, denied=None):
        self.names = dict(names or {})
        self.denied = denied

    def name(self, group_id):
        return self.names.get(str(group_id).lower())

    def warning(self):
        """The warning to give when the names could not be read, else None."""
        if not self.denied:
            return None
        return ('The names of the groups that grant licences were not read (%s); inherited licences name their group by id only. '
                'Grant GroupMember.Read.All or Group.Read.All to have them named' % self.denied)


def licence_group_ids(users):
    """The ids of the groups the ``users`` (as read) inherit licences from, sorted, each once."""
    ids = {}
    for user in users:
        for assignment in assignment_states(user):
            if assignment['group']:
                ids.setdefault(str(assignment['group']).lower(), assignment['group'])
    return [ids[key] for key in sorted(ids)]


def group_requests(group_ids):
    """The reads of the groups with ``group_ids`` (id and displayName), 15 to an ``in`` query, for one ``client.batch``."""
    return [{'id': 'licence-groups:%d' % n, 'url': filter_query('/groups', 'id', chunk, GROUP_FIELDS)}
            for n, chunk in enumerate(chunked(group_ids))]


def read_licence_groups(client, users):
    """``LicenceGroups`` for the groups ``users`` inherit licences from: one batched read, none when no user inherits one.

    The group ids are only known once the users are read, so this follows the users' read. A refusal (403) leaves the
    names out with a warning (``LicenceGroups.warning``); any other error is raised.
    """
    group_ids = licence_group_ids(users)
    if not group_ids:
        return LicenceGroups()
    names, denied = {}, None
    for answer in client.batch(group_requests(group_ids), paginate=True):
        if answer.status == 403:
            denied = str(answer.error())
            continue
        if not answer.ok:
            raise answer.error(context='Reading the groups that grant licences')
        for group in (answer.body or {}).get('value') or []:
            names[str(group.get('id')).lower()] = group.get('displayName')
    return LicenceGroups(names, denied)


# ----- reporting inherited licences and assignment errors ------------------------------------------

def assignment_record(assignment, catalog, groups):
    """One assignment as the modules return it: ``{sku, skuId, group, group_id, state, error}``."""
    return {'sku': catalog.part_number(assignment['skuId']), 'skuId': assignment['skuId'],
            'group': groups.name(assignment['group']) if assignment['group'] else None, 'group_id': assignment['group'],
            'state': assignment['state'], 'error': 'None' if assignment['error'] in NO_ERROR else assignment['error']}


def _record_order(record):
    return (str(record['sku']).lower(), str(record['group'] or '').lower(), str(record['group_id'] or ''))


def inherited_licences(user, catalog, groups=None):
    """The licences ``user`` (as read) inherits from groups, held or not, as ``assignment_record`` dicts sorted by SKU."""
    groups = groups or LicenceGroups()
    return sorted((assignment_record(a, catalog, groups) for a in assignment_states(user) if a['group']), key=_record_order)


def licence_errors(user, catalog, groups=None):
    """The assignments of ``user`` (direct ones with ``group`` None, and inherited) in error, as ``assignment_record`` dicts."""
    groups = groups or LicenceGroups()
    return sorted((assignment_record(a, catalog, groups) for a in assignment_states(user) if has_error(a)), key=_record_order)


def error_warning(upn, record, direct=False, assigned=False):
    """The warning for one assignment in error of user ``upn``; ``direct``: the user also holds the SKU directly,
    ``assigned``: the task assigns it directly."""
    source = ("inherited from group '%s' (%s)" % (record['group'] or record['group_id'], record['group_id'])
              if record['group_id'] else 'assigned directly')
    text = '%s: licence %s %s is in state %s (error %s)' % (upn, record['sku'], source, record['state'], record['error'])
    if record['state'] not in HELD_STATES:
        text += ', so it gives the user no licence'
        if assigned:
            text += '; this task assigns %s directly' % record['sku']
        elif direct and record['group_id']:
            text += '; the user holds %s directly' % record['sku']
        elif record['error'] == 'CountViolation':
            text += '; free a seat or buy more for Entra to assign it'
    return text


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
    assignment alone; ``direct`` and ``inherited`` come from ``current_licenses``. With ``purge``, direct licences
    not wanted are removed - only direct ones, so no removal Graph refuses as inherited is ever sent.

    A wanted licence the user holds only through a group is assigned directly too, as the list says what the user
    holds directly (the user then keeps it when leaving the group). It takes no new seat when the group's assignment
    is held; when that is in Error (or Disabled) it is not in ``inherited``, so the direct assignment counts as a new
    seat, as it does for Graph.
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
