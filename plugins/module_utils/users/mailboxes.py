# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""What removing licences does to a user's Exchange Online mailbox, and keeping the licences that carry one.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Exchange Online keeps a mailbox's data for 30 days after the user's last licence with a mailbox plan goes, then
deletes it (Microsoft 365 admin docs, "Remove licenses from users"); Graph cannot turn it into a shared mailbox.
Which service plans carry a mailbox is ``licences.is_mailbox_plan``. A licence inherited from a group counts while
the user holds it.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import (
    LicenceGroups,
    assignment_record,
    assignment_states,
    gives_mailbox,
    is_held,
)

MAILBOX_LICENSE_CHOICES = ('release', 'keep')
RETENTION_DAYS = 30
# What happens to the mailbox, by the outcome mailbox_fate names.
MAILBOX_OUTCOMES = {
    'kept': 'kept: the user still holds a licence with a mailbox plan',
    'released': ('released: its last licence with a mailbox plan goes, and Exchange Online deletes the mailbox data %d days '
                 'later unless a licence with a mailbox plan is assigned again before' % RETENTION_DAYS),
    'none': 'no mailbox: the user holds no licence with a mailbox plan',
}


def keep_mailbox_licences(plan, direct, catalog):
    """Take the removals of direct licences that carry a mailbox out of ``plan`` (a ``LicensePlan``); returns their skuIds."""
    kept = [sku_id for sku_id in plan.remove if gives_mailbox(catalog, [_assignment(sku_id, direct[sku_id])])[0]]
    plan.remove = [sku_id for sku_id in plan.remove if sku_id not in kept]
    plan.removed = [sku_id for sku_id in plan.removed if sku_id not in kept]
    return kept


def mailbox_fate(plan, direct, inherited_assignments, catalog):
    """``'kept'``, ``'released'`` or ``'none'``: the user's mailbox once ``plan`` is applied.

    ``direct`` are the user's direct licences ``{skuId: disabled plan ids}``, ``inherited_assignments`` the licences it
    holds through groups (``[{'skuId', 'disabledPlans'}]``).
    """
    before = [_assignment(sku_id, disabled) for sku_id, disabled in direct.items()] + list(inherited_assignments)
    if not before or not gives_mailbox(catalog, before)[0]:
        return 'none' if not _adds_mailbox(plan, catalog) else 'kept'
    removed = set(plan.remove)
    after = [_assignment(sku_id, disabled) for sku_id, disabled in direct.items() if sku_id not in removed]
    after += list(inherited_assignments) + list(plan.add)
    return 'kept' if after and gives_mailbox(catalog, after)[0] else 'released'


def inherited_assignments(user):
    """The licences a user (read with ``licenseAssignmentStates``) holds through groups and that are in effect."""
    return [_assignment(a['skuId'], a['disabledPlans']) for a in assignment_states(user) if a['group'] and is_held(a)]


def mailbox_licences(user, catalog, groups=None):
    """The licences ``user`` (read with ``licenseAssignmentStates``) holds that carry an Exchange Online mailbox plan, direct
    ones (``group_id`` None) first: ``{sku, skuId, group, group_id}``. A licence in state Error or Disabled gives no mailbox."""
    groups = groups or LicenceGroups()
    records = []
    for assignment in assignment_states(user):
        if is_held(assignment) and gives_mailbox(catalog, [_assignment(assignment['skuId'], assignment['disabledPlans'])])[0]:
            record = assignment_record(assignment, catalog, groups)
            records.append(dict((key, record[key]) for key in ('sku', 'skuId', 'group', 'group_id')))
    return sorted(records, key=lambda r: (r['group_id'] is not None, str(r['sku']).lower(), str(r['group'] or '').lower()))


def _adds_mailbox(plan, catalog):
    return bool(plan.add) and gives_mailbox(catalog, plan.add)[0]


def _assignment(sku_id, disabled):
    return {'skuId': sku_id, 'disabledPlans': sorted(disabled or ())}
