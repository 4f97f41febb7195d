# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``graph_user_bulk``'s plan: read what the task's users touch, then decide every write and find every problem.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

``read_directory`` reads the listed users, the managers they name, the subscriptions and the tenant's
verified domains in one batched read (then, when licences are listed and some user inherits one, the granting
groups' names in a second). ``plan_users`` compares and returns one ``UserPlan`` per user plus
the validation problems; when there is any problem the module writes nothing.

A manager that cannot be found fails the task at once, unless the task creates it or the caller listed it
in ``recently_created`` (created by an earlier task and perhaps not visible yet): only those are waited for.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import is_guid
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import failure
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.resolver import DirectoryResolver
from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import creation_problems, given_key, property_value
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import (
    LICENSE_FIELDS,
    LicenceGroups,
    SkuCatalog,
    current_licenses,
    plan_licenses,
    read_licence_groups,
    resolve_licenses,
    seat_problems,
    subscriptions_request,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.users.mailboxes import RETENTION_DAYS, inherited_assignments, keep_mailbox_licences, mailbox_fate
from ansible_collections.mynster.msgraph.plugins.module_utils.users.properties import changed_properties, creation_body, wanted_properties
from ansible_collections.mynster.msgraph.plugins.module_utils.users.reader import MANAGER_FIELDS, UserReads, user_queries
from ansible_collections.mynster.msgraph.plugins.module_utils.users.synchronised import ad_owned, ad_owned_reason, is_synchronised, reverted_by_sync

REVOKE_CHOICES = ('never', 'when_disabled', 'always')
# Graph's answer to a password it refuses: the same 400 text for the length and character rules and for a password on
# Entra Password Protection's banned lists, which no client can check beforehand.
PASSWORD_REFUSED = 'does not comply with password complexity requirements'
# The field of a users[] item that a refused write is about (a create or an update: only the password is known).
ACTION_FIELDS = {'licenses': 'licenses', 'manager': 'manager'}


def refused_field(action, error):
    """The item's field a write Graph refused (``error``) is about, when its answer tells: ``password``, ``licenses``, ``manager``."""
    if action in ('create', 'update') and error is not None and PASSWORD_REFUSED in str(error.message or ''):
        return 'password'
    return ACTION_FIELDS.get(action)


BASE_FIELDS = ('id', 'userPrincipalName', 'displayName', 'accountEnabled', 'onPremisesSyncEnabled')


class Directory:
    """What the task found in Graph: listed users by lowercase UPN, other users by UPN or id, subscriptions, domains."""

    def __init__(self):
        self.users = {}
        self.others = {}
        self.catalog = SkuCatalog([])
        self.licence_groups = LicenceGroups()  # names of the groups listed users inherit licences from
        self.domains = None          # verified domain names, None when not read
        self.domains_denied = None   # the error text when reading them was refused (403)
        self.unknown = []            # property names Graph does not know on users
        self.pending = set()         # lowercase names in recently_created that are not visible (check mode)


class UserPlan:
    """What one listed user needs, and what happened to each write."""

    __slots__ = ('spec', 'current', 'action', 'changes', 'body', 'licenses', 'manager_change', 'manager_target', 'manager_plan',
                 'revoke', 'outcome', 'id', 'synced_skipped', 'kept_licences', 'mailbox')

    def __init__(self, spec, current):
        self.spec = spec
        self.current = current
        self.action = None          # 'create', 'update' or 'delete' (None: no create/PATCH/DELETE needed)
        self.changes = {}           # properties for PATCH, or set by POST
        self.body = None            # POST body
        self.licenses = None        # LicensePlan
        self.manager_change = None  # 'set' or 'remove'
        self.manager_target = None  # manager object id, when known
        self.manager_plan = None    # the UserPlan creating the manager in this task
        self.revoke = False         # revoke the user's sign-in sessions
        self.outcome = {}           # action -> True, or a failure dict
        self.id = current['id'] if current else None
        self.synced_skipped = []    # fields on-premises AD owns that synced_users=skip left out
        self.kept_licences = []     # skuIds purge_licenses left because they carry a mailbox (mailbox_licenses=keep)
        self.mailbox = None         # with purge_licenses: 'kept', 'released' or 'none' (mailboxes.mailbox_fate)

    @property
    def synchronised(self):
        return is_synchronised(self.current)

    @property
    def pending(self):
        return bool(self.action or self.licenses or self.manager_change or self.revoke)

    @property
    def disables(self):
        """True when this task turns an enabled account off."""
        return self.action == 'update' and self.changes.get('accountEnabled') is False

    def ok(self, action):
        return self.outcome.get(action) is True

    def fail(self, action, message=None, error=None):
        """Record that ``action`` failed (Graph's ``error``) or was not attempted (``message`` says why)."""
        self.outcome[action] = failure(action, self.spec.upn, 'users[%d]' % self.spec.index, message=message, error=error,
                                       userPrincipalName=self.spec.upn, field=refused_field(action, error))

    def fail_from(self, action, answer):
        self.fail(action, error=answer.error())


# ----- reading ---------------------------------------------------------------------------------

def read_directory(client, specs, recently_created=(), replication_timeout=0.0, check_mode=False):
    """Every listed user, the subscriptions, the verified domains and the managers named, in one batched read."""
    live = [s for s in specs if s.account_state != 'absent']
    with_licenses = any(s.licenses is not None for s in live)
    with_manager = any(s.has_manager for s in live)
    fields = list(BASE_FIELDS) + (['usageLocation'] + list(LICENSE_FIELDS) if with_licenses else [])
    lowered = set(f.lower() for f in fields)
    given = [name for spec in live for name in spec.properties if name.lower() not in lowered]
    for name in given:
        if name.lower() not in lowered:
            lowered.add(name.lower())
            fields.append(name)
    listed = set(s.key for s in specs)
    names = list(dict.fromkeys(s.manager for s in live if s.has_manager and s.manager))
    by_upn = [n for n in names if not is_guid(n) and n.lower() not in listed]
    by_id = [n for n in names if is_guid(n)]

    def build(selected):
        requests_ = [{'id': 'users:%d' % n, 'url': url}
                     for n, url in enumerate(user_queries([s.upn for s in specs], selected, with_manager))]
        if with_licenses:
            requests_.append(subscriptions_request())
        if any(s.password for s in live):  # only users with a password can be created
            requests_.append({'id': 'organization', 'url': '/organization?$select=verifiedDomains'})
        requests_.extend({'id': 'others:%d' % n, 'url': url} for n, url in enumerate(user_queries(by_upn + by_id, MANAGER_FIELDS)))
        return requests_

    answers, unknown = UserReads(build).read(client, fields, given)
    directory = Directory()
    directory.unknown = unknown
    for request_id, answer in answers.items():
        _take_answer(directory, request_id, answer)
    for user in directory.users.values():
        directory.others[str(user['id']).lower()] = user
    if with_licenses:
        directory.licence_groups = read_licence_groups(client, directory.users.values())
    missing = [n for n in by_upn + by_id if n.lower() not in directory.others]
    _look_for_recent(client, directory, missing, recently_created, replication_timeout, check_mode)
    return directory


def _take_answer(directory, request_id, answer):
    if request_id == 'organization':
        if answer.status == 403:
            directory.domains_denied = str(answer.error())
            return
        if not answer.ok:
            raise answer.error(context='Reading the verified domains (organization)')
        organizations = (answer.body or {}).get('value') or []
        directory.domains = [d.get('name') for org in organizations for d in org.get('verifiedDomains') or [] if d.get('name')]
        return
    if not answer.ok:
        raise answer.error(context='Reading subscribedSkus' if request_id == 'skus' else 'Reading users')
    values = (answer.body or {}).get('value') or []
    if request_id == 'skus':
        directory.catalog = SkuCatalog(values)
        return
    target = directory.users if request_id.startswith('users:') else directory.others
    for user in values:
        target[str(user.get('userPrincipalName')).lower()] = user
        if target is directory.others:
            directory.others[str(user['id']).lower()] = user


def _look_for_recent(client, directory, missing, recently_created, timeout, check_mode):
    """Wait (up to ``timeout``) for the missing managers an earlier task created; the others stay missing."""
    recent = set(str(name).strip().lower() for name in recently_created or ())
    waited = [name for name in missing if name.lower() in recent]
    if not waited:
        return
    if check_mode:
        # An earlier task in check mode only planned to create it: take it as the new user it will be.
        directory.pending.update(name.lower() for name in waited)
        return
    resolution = DirectoryResolver(client, wait_for_missing=timeout).users(waited, MANAGER_FIELDS)
    for user in resolution.found.values():
        directory.others[str(user['id']).lower()] = user
        directory.others[str(user['userPrincipalName']).lower()] = user


# ----- comparing -------------------------------------------------------------------------------

def plan_users(specs, directory, purge_licenses=False, revoke_sessions='never', synced_users='refuse', mailbox_licenses='release'):
    """``(plans, problems, warnings)``: a plan per user, and the problems that stop the task before any write.

    Changes on-premises AD owns for a synchronised user are problems, or with ``synced_users='skip'`` left out of its plan.
    With ``purge_licenses``, ``mailbox_licenses='keep'`` leaves the direct licences that carry a mailbox.
    """
    catalog = directory.catalog
    plans, problems, warnings = [], [], []
    demand, takers = {}, {}
    problems.extend(_unknown_property_problems(specs, directory.unknown))
    for spec in specs:
        plan = UserPlan(spec, directory.users.get(spec.key))
        plans.append(plan)
        if spec.account_state == 'absent':
            plan.action = 'delete' if plan.current else None
            continue
        if plan.current is None:
            problems.extend(creation_problems(spec, directory.domains))
            plan.action = 'create'
            plan.body = creation_body(spec)
            plan.changes = dict((k, v) for k, v in plan.body.items() if k != 'passwordProfile')
        else:
            plan.changes = changed_properties(wanted_properties(spec), plan.current)
            plan.action = 'update' if plan.changes else None
            plan.revoke = revoke_sessions == 'always' or (revoke_sessions == 'when_disabled' and plan.disables)
        if spec.licenses is not None:
            wanted, license_problems = resolve_licenses(spec, catalog)
            problems.extend(license_problems)
            direct, inherited = current_licenses(plan.current)
            plan.licenses = plan_licenses(wanted, direct, inherited, purge_licenses)
            if purge_licenses and plan.current is not None:
                if mailbox_licenses == 'keep':
                    plan.kept_licences = keep_mailbox_licences(plan.licenses, direct, catalog)
                plan.mailbox = mailbox_fate(plan.licenses, direct, inherited_assignments(plan.current), catalog)
            location = property_value(spec.properties, 'usageLocation') or (plan.current or {}).get('usageLocation')
            if plan.licenses.add and not location:
                problems.append(spec.problem('usageLocation', 'required to assign licences; give usageLocation (a two-letter country code)'))
            for sku_id in plan.licenses.new_seats:
                demand[sku_id] = demand.get(sku_id, 0) + 1
                takers.setdefault(sku_id, []).append(spec)
    problems.extend(seat_problems(demand, catalog, takers))
    released = [p.spec.upn for p in plans if p.mailbox == 'released']
    if released:
        warnings.append('%d mailbox(es) lose their last licence with a mailbox plan: Exchange Online deletes their data %d days later '
                        'unless such a licence is assigned again (mailbox_licenses=keep keeps them): %s'
                        % (len(released), RETENTION_DAYS, ', '.join(released)))
    if directory.domains_denied and any(p.action == 'create' for p in plans):
        warnings.append('The domains of new userPrincipalNames were not checked: reading the verified domains was refused (%s); '
                        'grant Organization.Read.All to have them checked before anything is written' % directory.domains_denied)
    by_key = dict((p.spec.key, p) for p in plans)
    by_key.update((p.id.lower(), p) for p in plans if p.id)
    for plan in plans:
        if plan.spec.has_manager and plan.spec.account_state != 'absent':
            problems.extend(plan_manager(plan, by_key, directory))
    synced_problems, synced_warnings = plan_synchronised(plans, synced_users)
    return plans, problems + synced_problems, warnings + synced_warnings


def plan_synchronised(plans, synced_users):
    """``(problems, warnings)`` for the changes to synchronised users that on-premises AD owns.

    With ``synced_users='refuse'`` each such change is a problem naming the user and the field; with ``'skip'`` it is
    taken out of the plan (recorded in ``plan.synced_skipped``) and one warning lists them. A warning also says which
    synchronised accounts this task blocks in the cloud only, as the next synchronisation enables them again.
    """
    problems, skipped, reverted = [], [], []
    for plan in plans:
        if not plan.synchronised:
            continue
        fields = ad_owned(sorted(plan.changes)) if plan.action == 'update' else []
        if plan.manager_change:
            fields.append('manager')
        if plan.action == 'delete':
            fields.append('account_state')
        if fields and synced_users == 'refuse':
            problems.extend(plan.spec.problem(field, ad_owned_reason(field), hint='or set synced_users=skip to leave it as AD has it')
                            for field in fields)
            continue
        if fields:
            plan.synced_skipped = fields
            plan.changes = dict((name, value) for name, value in plan.changes.items() if name not in fields)
            plan.manager_change = None if 'manager' in fields else plan.manager_change
            plan.action = 'update' if plan.changes else None
            skipped.append('%s (%s)' % (plan.spec.upn, ', '.join(fields)))
        if plan.action == 'update' and reverted_by_sync(plan.changes):
            reverted.append(plan.spec.upn)
    warnings = []
    if skipped:
        warnings.append('%d synchronised user(s) planned without what on-premises Active Directory owns (synced_users=skip; '
                        'change it in AD): %s' % (len(skipped), '; '.join(skipped)))
    if reverted:
        warnings.append('%d synchronised user(s) get accountEnabled changed in the cloud only; the next synchronisation from '
                        'on-premises Active Directory (about every 30 minutes) puts AD\'s value back unless the account is '
                        'changed there too: %s' % (len(reverted), ', '.join(reverted)))
    return problems, warnings


def _unknown_property_problems(specs, unknown):
    problems = []
    for name in unknown:
        for spec in specs:
            given = given_key(spec.properties, name)
            if given is not None:
                problems.append(spec.problem(given, "Graph's users have no property '%s' (Graph: Could not find a property named '%s' "
                                                    "on type 'microsoft.graph.user'.)" % (given, name)))
    return problems


def plan_manager(plan, by_key, directory):
    """Decide the manager change of one user; returns validation problems."""
    spec = plan.spec
    current = ((plan.current or {}).get('manager') or {}).get('id')
    if spec.manager is None:
        plan.manager_change = 'remove' if current else None
        return []
    key = spec.manager.lower()
    other = by_key.get(key)
    if other is plan:
        return [spec.problem('manager', 'a user cannot be their own manager')]
    if other is not None:
        if other.spec.account_state == 'absent':
            return [spec.problem('manager', "'%s' is deleted by this task" % spec.manager)]
        if other.id is None:
            plan.manager_plan = other
            plan.manager_change = 'set'
            return []
        plan.manager_target = other.id
    elif key in directory.others:
        plan.manager_target = directory.others[key]['id']
    elif key in directory.pending:
        plan.manager_change = 'set'  # check mode: created by an earlier task of the same run
        return []
    else:
        return [spec.problem('manager', "'%s' was not found (only managers listed in recently_created are waited for)" % spec.manager)]
    if plan.manager_target.lower() != str(current).lower():
        plan.manager_change = 'set'
    return []
