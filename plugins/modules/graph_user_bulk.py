#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: graph_user_bulk
short_description: Declarative Entra ID users and licences, thousands per task
version_added: 0.1.0
description:
  - Makes every listed user match the task - creates the missing ones, updates only the properties that differ,
    disables or deletes, assigns and removes licences and sets the manager.
  - Users are matched by userPrincipalName, case-insensitively. All listed users are read in bulk (15 per
    C($filter=userPrincipalName in (...)) query, 20 queries per C($batch)), together with the tenant's subscriptions
    when licences are listed, and every user is validated before anything is written.
  - Writes travel 20 per C($batch), several batches at a time. Licences and the manager of a user created by the task
    are set right after the creates, retrying while Graph still answers 404 for the new object (replication delay).
  - Only the properties given are compared and written; a second run with the same input sends no write.
  - A failure Graph reports for one user does not stop the others. The task fails at the end listing every failure,
    or only warns when O(fail_on_error=false).
author:
  - mynster.msgraph contributors (@mynster)
extends_documentation_fragment:
  - mynster.msgraph.connection
  - mynster.msgraph.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads and validates everything and reports which users would be created, updated (property by property),
        disabled, deleted and licensed; sends no write.
  diff_mode:
    support: full
    details:
      - Before and after of the compared properties, licences and manager of every user that changes. Passwords are never shown.
  platform:
    platforms: all
options:
  users:
    description:
      - The users, each a dict of Graph user properties with Graph's names, for example C(displayName), C(mailNickname),
        C(accountEnabled), C(jobTitle), C(department), C(usageLocation), C(employeeId), C(officeLocation), C(mobilePhone),
        or any other writable property. C(userPrincipalName) is required.
      - Only the properties given are compared, so a user entry can be as small as the properties to maintain. An empty
        value (V(null) or V('')) clears the property. Text V(true)/V(false) (for example from a CSV file) is accepted for
        boolean properties, and numbers are sent as text.
      - To create a user, C(displayName) and C(password) are needed. C(mailNickname) defaults to the userPrincipalName's
        local part and C(accountEnabled) to what the state says.
      - C(password) is the initial password; it is used only when the user is created and is never returned or logged.
        A password given for an existing user is ignored and does not make the task report a change.
      - C(force_change_password) overrides O(force_change_password) for that user.
      - C(manager) names the manager by userPrincipalName or object id (it may be another user of the same task);
        V(null) removes the manager.
      - C(licenses) lists the licences the user should have directly, each a SKU by C(skuPartNumber) (for example
        V(ENTERPRISEPACK)) or C(skuId), or a dict with C(sku) and C(disabled_plans) (service plan names such as V(TEAMS1),
        or ids). Without C(disabled_plans), the disabled plans of an existing assignment are left alone; with it, they
        are made to match. Licences the user inherits from groups are never changed. Users without C(licenses) keep their
        licences as they are. Assigning licences needs a C(usageLocation).
      - C(state) overrides O(state) for that user.
      - C(passwordProfile), C(id), C(assignedLicenses) and C(licenseAssignmentStates) cannot be given.
    type: list
    elements: dict
    required: true
  state:
    description:
      - V(present) makes the users exist with the given properties.
      - V(disabled) does the same with C(accountEnabled=false) (sign-in blocked); a missing user is created disabled.
      - V(absent) deletes the users that exist (they go to the directory's deleted items for 30 days). Only
        C(userPrincipalName) is used.
      - Each user's C(state) key overrides this.
    type: str
    default: present
    choices: [present, disabled, absent]
  purge_licenses:
    description:
      - For users with a C(licenses) key, also remove the directly assigned licences that are not listed.
      - Licences inherited from groups are never removed.
    type: bool
    default: false
  force_change_password:
    description:
      - Whether users created by the task must change their password at first sign-in.
    type: bool
    default: true
  fail_on_error:
    description:
      - Fail the task when Graph refused a change for any user. The other users are changed either way.
      - With V(false) the failures are listed in RV(failed_users) and reported as warnings.
      - Validation problems found before anything is written always fail the task.
    type: bool
    default: true
  replication_timeout:
    description:
      - Seconds to keep retrying when a just-created object is not found yet (Entra replication delay) - licences and
        manager of new users, a manager created by the same task, and managers named by the task that cannot be found.
      - A manager that does not exist at all makes the task wait this long before it fails.
    type: float
    default: 30.0
notes:
  - Licence seats are checked before anything is written. Only assignments that take a new seat count; a licence the
    user already holds, directly or through a group, does not.
  - Users are matched by userPrincipalName; this module does not rename users.
  - The application needs C(User.ReadWrite.All) (and C(LicenseAssignment.ReadWrite.All) or C(Organization.Read.All) to
    read subscriptions when licences are listed).
seealso:
  - module: mynster.msgraph.graph_group_membership
  - module: mynster.msgraph.graph_batch
  - name: Create user
    description: Graph reference for the properties a user needs.
    link: https://learn.microsoft.com/graph/api/user-post-users
  - name: assignLicense
    description: Graph reference for licence assignment.
    link: https://learn.microsoft.com/graph/api/user-assignlicense
'''

EXAMPLES = r'''
- name: Bulk update users - job title and department
  mynster.msgraph.graph_user_bulk:
    users:
      - userPrincipalName: adele.vance@contoso.com
        jobTitle: Product Manager
        department: Marketing
      - userPrincipalName: alex.wilber@contoso.com
        jobTitle: Marketing Assistant
        department: Marketing
      - userPrincipalName: megan.bowen@contoso.com
        jobTitle: Marketing Manager
        department: Marketing

- name: Create a user with a licence, some plans disabled, and a manager
  mynster.msgraph.graph_user_bulk:
    users:
      - userPrincipalName: nestor.wilke@contoso.com
        displayName: Nestor Wilke
        password: "{{ vault_initial_password }}"
        usageLocation: DK
        jobTitle: Director
        manager: adele.vance@contoso.com
        licenses:
          - sku: SPE_E3
            disabled_plans: [TEAMS1]

- name: Read the HR system's export of new hires
  community.general.read_csv:
    path: /srv/hr/new_hires.csv
  register: new_hires
  delegate_to: localhost

- name: Onboard 1,000 new hires from the CSV, each with a Microsoft 365 E3 licence
  mynster.msgraph.graph_user_bulk:
    # columns: userPrincipalName,displayName,givenName,surname,jobTitle,department,employeeId,manager
    users: "{{ new_hires.list | map('combine', {'usageLocation': 'DK', 'licenses': ['SPE_E3'],
              'password': vault_initial_password}) | list }}"
  register: onboarded

- name: Disable leavers and take their directly assigned licences away
  mynster.msgraph.graph_user_bulk:
    state: disabled
    purge_licenses: true
    users:
      - userPrincipalName: leaver1@contoso.com
        licenses: []
      - userPrincipalName: leaver2@contoso.com
        licenses: []

- name: Delete accounts, carrying on past failures and reporting them as warnings
  mynster.msgraph.graph_user_bulk:
    state: absent
    fail_on_error: false
    users:
      - userPrincipalName: old.contractor1@contoso.com
      - userPrincipalName: old.contractor2@contoso.com
'''

RETURN = r'''
created:
  description: Users created (or that would be created in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    userPrincipalName:
      description: The user's userPrincipalName.
      type: str
    id:
      description: Object id of the user; V(null) in check mode.
      type: str
    properties:
      description: Names of the properties set, plus C(manager) and C(licenses) when those were set.
      type: list
      elements: str
    licenses:
      description: Licences added, removed or whose disabled plans changed, by skuPartNumber.
      type: dict
      returned: when licences changed
  sample: [{"userPrincipalName": "nestor.wilke@contoso.com", "id": "4f1c...", "properties": ["accountEnabled", "displayName",
            "jobTitle", "licenses", "mailNickname", "manager", "usageLocation", "userPrincipalName"],
            "licenses": {"added": ["SPE_E3"], "removed": [], "updated": []}}]
updated:
  description: Existing users that changed (or would change), with the names of the properties that differed. Same shape as RV(created).
  returned: always
  type: list
  elements: dict
  sample: [{"userPrincipalName": "adele.vance@contoso.com", "id": "6e7b...", "properties": ["department", "jobTitle"]}]
disabled:
  description: Existing users whose sign-in was blocked (C(accountEnabled) set to false) by this task. Same shape as RV(created).
  returned: always
  type: list
  elements: dict
  sample: [{"userPrincipalName": "leaver1@contoso.com", "id": "9a1c...", "properties": ["accountEnabled", "licenses"],
            "licenses": {"added": [], "removed": ["ENTERPRISEPACK"], "updated": []}}]
deleted:
  description: Users deleted (or that would be deleted).
  returned: always
  type: list
  elements: dict
  sample: [{"userPrincipalName": "old.contractor1@contoso.com", "id": "0f2d..."}]
unchanged:
  description: Number of listed users that were already as wanted.
  returned: always
  type: int
  sample: 997
failed_users:
  description:
    - One entry per change Graph refused, or per validation problem (then RV(failed_users[].action) is V(validate), the
      status is V(null) and RV(failed_users[].field) names the field).
    - Named C(failed_users) because Ansible reserves C(failed) for the task's own failure flag.
    - A user created by the task can also be listed here when a follow-up (licences, manager) failed.
  returned: always
  type: list
  elements: dict
  contains:
    userPrincipalName:
      description: The user concerned.
      type: str
    action:
      description: V(create), V(update), V(delete), V(licenses), V(manager) or V(validate).
      type: str
    field:
      description: The field a validation problem is about.
      type: str
      returned: for validation problems
    status:
      description: HTTP status Graph answered.
      type: int
    code:
      description: Graph's error code.
      type: str
    message:
      description: Graph's error message, or the validation problem.
      type: str
  sample: [{"userPrincipalName": "x@contoso.com", "action": "licenses", "status": 400, "code": "Request_BadRequest",
            "message": "License assignment cannot be done for user with invalid usage location."}]
stats:
  description: What the client did (see M(mynster.msgraph.graph_batch) for the fields).
  returned: always
  type: dict
  sample: {"http_requests": 104, "batches": 104, "inner_requests": 2068, "throttled": 0, "retries": 0, "replication_retries": 0}
'''

import time

from ansible_collections.mynster.msgraph.plugins.module_utils._graph_module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_odata import MAX_IN_VALUES, filter_query, is_guid
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_resolve import DirectoryResolver
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_users import (
    SkuCatalog,
    changed_properties,
    chunks,
    creation_body,
    creation_problems,
    current_licenses,
    parse_users,
    plan_licenses,
    property_value,
    resolve_licenses,
    seat_problems,
    wanted_properties,
)

ARGUMENT_SPEC = dict(
    users=dict(type='list', elements='dict', required=True),
    state=dict(type='str', default='present', choices=['present', 'disabled', 'absent']),
    purge_licenses=dict(type='bool', default=False),
    force_change_password=dict(type='bool', default=True, no_log=False),
    fail_on_error=dict(type='bool', default=True),
    replication_timeout=dict(type='float', default=30.0),
)
# Requests handed to the client at a time: answers are reduced to what the module needs per slice, so memory
# stays flat for tens of thousands of users while 50 batches per slice keep every connection busy.
WRITE_SLICE = 1000
INVALID_USAGE_LOCATION = 'invalid usage location'
MANAGER_FIELDS = ('id', 'userPrincipalName')
MESSAGE_LIMIT = 20


class Directory:
    """What the task found in Graph: listed users by lowercase UPN, other users by UPN or id, subscriptions."""

    def __init__(self):
        self.users = {}
        self.others = {}
        self.catalog = SkuCatalog([])


class UserPlan:
    """What one listed user needs, and what happened to each write."""

    __slots__ = ('spec', 'current', 'action', 'changes', 'body', 'licenses', 'manager_change', 'manager_target', 'manager_plan',
                 'outcome', 'id')

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
        self.outcome = {}           # action -> True, or a failure dict
        self.id = current['id'] if current else None

    @property
    def pending(self):
        return bool(self.action or self.licenses or self.manager_change)

    def ok(self, action):
        return self.outcome.get(action) is True

    def fail(self, action, status=None, code=None, message=None):
        self.outcome[action] = {'userPrincipalName': self.spec.upn, 'action': action, 'status': status, 'code': code,
                                'message': message}

    def fail_from(self, action, answer):
        error = answer.error()
        self.fail(action, error.status, error.code, error.message)


# ----- reading ---------------------------------------------------------------------------------

def read_directory(module, specs):
    """Every listed user, the subscriptions and the managers named, in one batched read."""
    live = [s for s in specs if s.state != 'absent']
    with_licenses = any(s.licenses is not None for s in live)
    fields = ['id', 'userPrincipalName', 'displayName', 'accountEnabled']
    if with_licenses:
        fields += ['usageLocation', 'assignedLicenses', 'licenseAssignmentStates']
    known = set(f.lower() for f in fields)
    for spec in live:
        for name in spec.properties:
            if name.lower() not in known:
                known.add(name.lower())
                fields.append(name)
    expand = '&$expand=manager($select=%s)' % ','.join(MANAGER_FIELDS) if any(s.has_manager for s in live) else ''
    requests_ = [{'id': 'users:%d' % n, 'url': filter_query('/users', 'userPrincipalName', chunk, fields) + expand}
                 for n, chunk in enumerate(chunks([s.upn for s in specs], MAX_IN_VALUES))]
    if with_licenses:
        requests_.append({'id': 'skus', 'url': '/subscribedSkus'})
    listed = set(s.key for s in specs)
    names = list(dict.fromkeys(s.manager for s in live if s.has_manager and s.manager))
    by_upn = [n for n in names if not is_guid(n) and n.lower() not in listed]
    by_id = [n for n in names if is_guid(n)]
    for prop, values in (('userPrincipalName', by_upn), ('id', by_id)):
        for n, chunk in enumerate(chunks(values, MAX_IN_VALUES)):
            requests_.append({'id': 'others:%s:%d' % (prop, n), 'url': filter_query('/users', prop, chunk, MANAGER_FIELDS)})
    directory = Directory()
    for answer in module.client.batch(requests_, paginate=True):
        if not answer.ok:
            raise answer.error(context='Reading subscribedSkus' if answer.id == 'skus' else 'Reading users')
        values = (answer.body or {}).get('value') or []
        if answer.id == 'skus':
            directory.catalog = SkuCatalog(values)
            continue
        target = directory.users if answer.id.startswith('users:') else directory.others
        for user in values:
            target[str(user.get('userPrincipalName')).lower()] = user
            if target is directory.others:
                directory.others[str(user['id']).lower()] = user
    for user in directory.users.values():
        directory.others[str(user['id']).lower()] = user
    missing = [n for n in by_upn + by_id if n.lower() not in directory.others]
    if missing:
        # Managers created moments ago (by an earlier task) may not be visible yet.
        resolution = DirectoryResolver(module.client, wait_for_missing=module.params['replication_timeout']).users(missing, MANAGER_FIELDS)
        for user in resolution.found.values():
            directory.others[str(user['id']).lower()] = user
            directory.others[str(user['userPrincipalName']).lower()] = user
    return directory


# ----- comparing -------------------------------------------------------------------------------

def plan_users(module, specs, directory):
    """A plan per user, and the validation problems that stop the task before any write."""
    purge = module.params['purge_licenses']
    catalog = directory.catalog
    plans, problems = [], []
    demand, takers = {}, {}
    for spec in specs:
        plan = UserPlan(spec, directory.users.get(spec.key))
        plans.append(plan)
        if spec.state == 'absent':
            plan.action = 'delete' if plan.current else None
            continue
        if plan.current is None:
            problems.extend(creation_problems(spec))
            plan.action = 'create'
            plan.body = creation_body(spec)
            plan.changes = dict((k, v) for k, v in plan.body.items() if k != 'passwordProfile')
        else:
            plan.changes = changed_properties(wanted_properties(spec), plan.current)
            plan.action = 'update' if plan.changes else None
        if spec.licenses is not None:
            wanted, license_problems = resolve_licenses(spec, catalog)
            problems.extend(license_problems)
            direct, inherited = current_licenses(plan.current)
            plan.licenses = plan_licenses(wanted, direct, inherited, purge)
            location = property_value(spec.properties, 'usageLocation') or (plan.current or {}).get('usageLocation')
            if plan.licenses.add and not location:
                problems.append(spec.problem('usageLocation', 'required to assign licences; give usageLocation (a two-letter country code)'))
            for sku_id in plan.licenses.new_seats:
                demand[sku_id] = demand.get(sku_id, 0) + 1
                takers.setdefault(sku_id, []).append(spec)
    problems.extend(seat_problems(demand, catalog, takers))
    by_key = dict((p.spec.key, p) for p in plans)
    by_key.update((p.id.lower(), p) for p in plans if p.id)
    for plan in plans:
        if plan.spec.has_manager and plan.spec.state != 'absent':
            problems.extend(plan_manager(plan, by_key, directory))
    return plans, problems


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
        if other.spec.state == 'absent':
            return [spec.problem('manager', "'%s' is deleted by this task" % spec.manager)]
        if other.id is None:
            plan.manager_plan = other
            plan.manager_change = 'set'
            return []
        plan.manager_target = other.id
    elif key in directory.others:
        plan.manager_target = directory.others[key]['id']
    else:
        return [spec.problem('manager', "'%s' was not found" % spec.manager)]
    if plan.manager_target.lower() != str(current).lower():
        plan.manager_change = 'set'
    return []


# ----- writing ---------------------------------------------------------------------------------

class Writer:
    """Sends the planned writes: creates, updates and deletes first, then what waited for them."""

    def __init__(self, module, plans):
        self.module = module
        self.plans = plans
        self.wait = module.params['replication_timeout']
        self.reference_base = module.client.settings.graph_base + '/directoryObjects/'

    def apply(self):
        first, later = [], []
        for plan in self.plans:
            if plan.action == 'delete':
                first.append(self._request(plan, 'delete', 'DELETE', '/users/%s' % plan.id))
                continue
            if plan.action == 'create':
                first.append(self._request(plan, 'create', 'POST', '/users', plan.body))
                later.append(plan)
                continue
            if plan.action == 'update':
                first.append(self._request(plan, 'update', 'PATCH', '/users/%s' % plan.id, plan.changes))
            waits_for_update = plan.action == 'update' and any(k.lower() == 'usagelocation' for k in plan.changes)
            if plan.licenses and not waits_for_update:
                first.append(self._license_request(plan))
            if plan.manager_change and plan.manager_plan is None:
                first.append(self._manager_request(plan))
            if (plan.licenses and waits_for_update) or (plan.manager_change and plan.manager_plan is not None):
                later.append(plan)
        self._send(first)
        second = []
        for plan in later:
            second.extend(self._follow_ups(plan))
        self._send(second)
        self._retry_usage_location()

    def _follow_ups(self, plan):
        """Licences and manager that had to wait for phase one; a skipped one is reported, never dropped."""
        requests_ = []
        if plan.action == 'create' and not plan.ok('create'):
            return requests_  # the create failure is reported; nothing else can be done for this user
        if plan.licenses and 'licenses' not in plan.outcome:
            if plan.action == 'update' and not plan.ok('update'):
                plan.fail('licenses', message='not attempted: the update of usageLocation it depends on failed')
            else:
                requests_.append(self._license_request(plan, self.wait))
        if plan.manager_change and 'manager' not in plan.outcome:
            manager = plan.manager_plan
            if manager is not None and not manager.ok('create'):
                plan.fail('manager', message="not attempted: the manager '%s' was not created" % manager.spec.upn)
            else:
                if manager is not None:
                    plan.manager_target = manager.id
                requests_.append(self._manager_request(plan, self.wait))
        return requests_

    def _license_request(self, plan, wait=0.0):
        return self._request(plan, 'licenses', 'POST', '/users/%s/assignLicense' % plan.id, plan.licenses.body(), wait)

    def _manager_request(self, plan, wait=0.0):
        url = '/users/%s/manager/$ref' % plan.id
        if plan.manager_change == 'remove':
            return self._request(plan, 'manager', 'DELETE', url)
        return self._request(plan, 'manager', 'PUT', url, {'@odata.id': self.reference_base + plan.manager_target}, wait)

    @staticmethod
    def _request(plan, action, method, url, body=None, wait=0.0):
        request = {'id': '%s:%d' % (action, plan.spec.index), 'method': method, 'url': url, 'replication_wait': wait,
                   '_plan': plan, '_action': action}
        if body is not None:
            request['body'] = body
        return request

    def _send(self, requests_):
        """Send in slices; keep only the outcome (and a new user's id) of each answer."""
        for part in chunks(requests_, WRITE_SLICE):
            owners = dict((r['id'], (r.pop('_plan'), r.pop('_action'))) for r in part)
            for answer in self.module.client.batch(part):
                plan, action = owners[answer.id]
                if answer.ok or (action == 'manager' and plan.manager_change == 'remove' and answer.status == 404):
                    plan.outcome[action] = True
                    if action == 'create':
                        plan.id = answer.body['id']
                else:
                    plan.fail_from(action, answer)
                    if action == 'create' and answer.status == 400 and 'already exists' in (plan.outcome[action]['message'] or ''):
                        plan.outcome[action]['message'] += (' (the user was not found when the task read the directory: it may have been'
                                                            ' created moments ago, or be in deleted items)')

    def _retry_usage_location(self):
        """Right after usageLocation is set, assignLicense can still see the old value; retry that error for a while."""
        deadline = time.monotonic() + self.wait
        delay = 1.0
        while True:
            pending = [p for p in self.plans if p.licenses and not p.ok('licenses') and _sets_usage_location(p)
                       and INVALID_USAGE_LOCATION in ((p.outcome.get('licenses') or {}).get('message') or '')]
            if not pending or time.monotonic() + delay > deadline:
                return
            time.sleep(delay)
            delay = min(delay * 2, 8.0)
            self._send([self._license_request(p) for p in pending])


def _sets_usage_location(plan):
    return (plan.ok('create') or plan.ok('update')) and any(k.lower() == 'usagelocation' for k in plan.changes)


# ----- reporting -------------------------------------------------------------------------------

def report(module, plans, catalog, check_mode):
    """Result lists, the unchanged count, failures and the diff views."""
    result = dict(created=[], updated=[], disabled=[], deleted=[], unchanged=0, failed_users=[])
    before, after = {}, {}
    for plan in plans:
        if not plan.pending:
            result['unchanged'] += 1
            continue
        done = (lambda action: True) if check_mode else plan.ok
        result['failed_users'].extend(o for o in plan.outcome.values() if o is not True)
        entry = {'userPrincipalName': plan.spec.upn, 'id': plan.id}
        if plan.action == 'delete':
            if done('delete'):
                result['deleted'].append(entry)
                if module._diff:
                    before[plan.spec.upn] = _view(plan.current, plan.spec, catalog)
            continue
        if plan.action == 'create' and not done('create'):
            continue
        names = sorted(plan.changes) if done(plan.action) else []
        if plan.manager_change and done('manager'):
            names.append('manager')
        if plan.licenses and done('licenses'):
            names.append('licenses')
            entry['licenses'] = dict((kind, [catalog.part_number(s) for s in getattr(plan.licenses, kind)])
                                     for kind in ('added', 'removed', 'updated'))
        if not names and plan.action != 'create':
            continue
        entry['properties'] = sorted(names)
        if plan.action == 'create':
            result['created'].append(entry)
        elif plan.spec.state == 'disabled' and 'accountEnabled' in plan.changes and done('update'):
            result['disabled'].append(entry)
        else:
            result['updated'].append(entry)
        if module._diff:
            old = _view(plan.current, plan.spec, catalog) if plan.current else None
            if old is not None:
                before[plan.spec.upn] = old
            after[plan.spec.upn] = _after_view(plan, old, names, catalog)
    return result, before, after


def _view(user, spec, catalog):
    """The compared properties of a user as read, for diff."""
    view = {'userPrincipalName': user.get('userPrincipalName')}
    lowered = dict((k.lower(), v) for k, v in user.items())
    for name in spec.properties:
        view[name] = lowered.get(name.lower())
    if spec.state == 'disabled':
        view['accountEnabled'] = user.get('accountEnabled')
    if spec.has_manager:
        manager = user.get('manager') or {}
        view['manager'] = manager.get('userPrincipalName') or manager.get('id')
    if spec.licenses is not None:
        direct, dummy = current_licenses(user)
        view['licenses'] = sorted(_license_label(catalog, sku_id, plans) for sku_id, plans in direct.items())
    return view


def _after_view(plan, old, names, catalog):
    view = dict(old or {'userPrincipalName': plan.spec.upn})
    for name in names:
        if name in plan.changes:
            view[name] = plan.changes[name]
    if 'manager' in names:
        view['manager'] = plan.spec.manager
    if 'licenses' in names:
        direct = current_licenses(plan.current)[0] if plan.current else {}
        for sku_id in plan.licenses.remove:
            direct.pop(sku_id, None)
        for item in plan.licenses.add:
            direct[item['skuId']] = set(item['disabledPlans'])
        view['licenses'] = sorted(_license_label(catalog, sku_id, plans) for sku_id, plans in direct.items())
    return view


def _license_label(catalog, sku_id, disabled):
    name = catalog.part_number(sku_id)
    if not disabled:
        return name
    sku = catalog.by_id.get(sku_id) or {}
    plan_names = dict((str(p.get('servicePlanId')).lower(), p.get('servicePlanName')) for p in sku.get('servicePlans') or [])
    return '%s (disabled: %s)' % (name, ', '.join(sorted(plan_names.get(p, p) for p in disabled)))


def summarise(failures):
    lines = [f['message'] if f['action'] == 'validate' else
             '%s: %s: %s%s' % (f['userPrincipalName'], f['action'], '%s %s: ' % (f['status'], f['code'] or '') if f['status'] else '', f['message'])
             for f in failures[:MESSAGE_LIMIT]]
    if len(failures) > MESSAGE_LIMIT:
        lines.append('and %d more (see failed_users)' % (len(failures) - MESSAGE_LIMIT))
    return '; '.join(lines)


def run(module):
    specs, problems = parse_users(module.params['users'], module.params['state'], module.params['force_change_password'])
    empty = dict(created=[], updated=[], disabled=[], deleted=[], unchanged=0)
    if not specs and not problems:
        module.exit_result(False, failed_users=[], **empty)
    # Reading is harmless, so problems found while parsing are reported together with those the read reveals.
    directory = read_directory(module, specs) if specs else Directory()
    plans, plan_problems = plan_users(module, specs, directory)
    problems.extend(plan_problems)
    if problems:
        module.fail_json(msg='Nothing was changed: %d problem(s) in users: %s' % (len(problems), summarise([p.to_dict() for p in problems])),
                         failed_users=[p.to_dict() for p in problems], stats=module.stats(), **empty)
    if not module.check_mode:
        Writer(module, [p for p in plans if p.pending]).apply()
    result, before, after = report(module, plans, directory.catalog, module.check_mode)
    changed = bool(result['created'] or result['updated'] or result['disabled'] or result['deleted'])
    if result['failed_users']:
        text = '%d change(s) failed: %s' % (len(result['failed_users']), summarise(result['failed_users']))
        if module.params['fail_on_error']:
            module.fail_json(msg=text, changed=changed, stats=module.stats(), **result)
        for failure in result['failed_users'][:MESSAGE_LIMIT]:
            module.warn('%s: %s failed: %s' % (failure['userPrincipalName'], failure['action'], failure['message']))
        if len(result['failed_users']) > MESSAGE_LIMIT:
            module.warn('%d more failures are listed in failed_users' % (len(result['failed_users']) - MESSAGE_LIMIT))
    module.exit_result(changed, before=before if changed else None, after=after if changed else None, **result)


def main():
    module = GraphModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.run_guarded(run, module)


if __name__ == '__main__':
    main()
