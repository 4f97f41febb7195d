# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``graph_user_bulk``'s writes and results: send what the plans say, then report what happened.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Writes go in two rounds: creates, updates, deletes and whatever does not wait for them first; then
licences and managers of new users, licences after a usageLocation change, managers created by the task
and sign-in revocations of accounts just disabled. Every path addresses the user by object id (``user_path``).
A create whose answer is lost is settled by reading the user by userPrincipalName (``create_settle``),
never sent again blindly; licence assignments without removals and revocations are marked safe to send again.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import chunked, directory_object_url, user_path
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import name_of
from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import given_key
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import (
    LicenceGroups,
    current_licenses,
    error_warning,
    inherited_licences,
    licence_errors,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.users.mailboxes import MAILBOX_OUTCOMES

# Requests handed to the client at a time: answers are reduced to what the module needs per slice, so memory
# stays flat for tens of thousands of users while 50 batches per slice keep every connection busy.
WRITE_SLICE = 1000
INVALID_USAGE_LOCATION = 'invalid usage location'
# assignLicense right after a usageLocation change: looked at again after 1 s, then 2, 4, at most 8 s apart.
FIRST_LICENSE_RETRY, LICENSE_RETRY_FACTOR, MAX_LICENSE_RETRY = 1.0, 2.0, 8.0
# Licence assignments in error warned about one by one; the rest in one line (all are in license_errors).
WARNING_LIMIT = 20
RESULT_LISTS = ('created', 'updated', 'disabled', 'deleted', 'revoked')


def create_settle(upn):
    """How the client finds out whether a create whose answer was lost ran: read the user by userPrincipalName.

    ``{'url': ..., 'found': callable}`` (the client's ``settle`` request key): ``found(read)`` returns the read
    when it is the user (the create ran; its body carries the new id), else None (it did not: send it again).
    """
    def found(read):
        body = read.body if read.ok and isinstance(read.body, dict) else {}
        if str(body.get('userPrincipalName') or '').lower() == upn.lower() and body.get('id'):
            return read
        return None
    return {'url': user_path(upn) + '?$select=id,userPrincipalName', 'found': found}


class UserWriter:
    """Sends the planned writes: creates, updates and deletes first, then what waited for them."""

    def __init__(self, client, plans, replication_timeout=0.0, revoke_sessions='never'):
        self.client = client
        self.plans = plans
        self.wait = replication_timeout
        self.revoke_mode = revoke_sessions

    def apply(self):
        first, later = [], []
        for plan in self.plans:
            if plan.action == 'delete':
                first.append(self._request(plan, 'delete', 'DELETE', user_path(plan.id)))
                continue
            if plan.action == 'create':
                request = self._request(plan, 'create', 'POST', '/users', plan.body)
                request['settle'] = create_settle(plan.spec.upn)
                first.append(request)
                later.append(plan)
                continue
            if plan.action == 'update':
                first.append(self._request(plan, 'update', 'PATCH', user_path(plan.id), plan.changes))
            waits_for_update = plan.action == 'update' and given_key(plan.changes, 'usageLocation') is not None
            deferred = False  # a follow-up goes in the second round
            if plan.licenses:
                if waits_for_update:
                    deferred = True
                else:
                    first.append(self._license_request(plan))
            if plan.manager_change:
                if plan.manager_plan is not None:
                    deferred = True
                else:
                    first.append(self._manager_request(plan))
            if plan.revoke:
                if plan.action == 'update':
                    deferred = True
                else:
                    first.append(self._revoke_request(plan))
            if deferred:
                later.append(plan)
        self._send(first)
        second = []
        for plan in later:
            second.extend(self._follow_ups(plan))
        self._send(second)
        self._retry_usage_location()

    def _follow_ups(self, plan):
        """Licences, manager and revocation that had to wait for round one; a skipped one is reported, never dropped."""
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
        if plan.revoke and 'revoke_sessions' not in plan.outcome:
            if self.revoke_mode == 'when_disabled' and not plan.ok('update'):
                plan.fail('revoke_sessions', message='not attempted: disabling the account failed')
            else:
                requests_.append(self._revoke_request(plan))
        return requests_

    def _license_request(self, plan, wait=0.0):
        request = self._request(plan, 'licenses', 'POST', user_path(plan.id, 'assignLicense'), plan.licenses.body(), wait)
        # Assigning the same licences twice ends in the same state; removing one twice is refused the second time.
        request['safe_to_resend'] = not plan.licenses.remove
        return request

    def _manager_request(self, plan, wait=0.0):
        url = user_path(plan.id, 'manager/$ref')
        if plan.manager_change == 'remove':
            return self._request(plan, 'manager', 'DELETE', url)
        return self._request(plan, 'manager', 'PUT', url, {'@odata.id': directory_object_url(self.client.settings, plan.manager_target)}, wait)

    def _revoke_request(self, plan):
        request = self._request(plan, 'revoke_sessions', 'POST', user_path(plan.id, 'revokeSignInSessions'), {})
        request['safe_to_resend'] = True  # revoking twice only moves the validity date again
        return request

    @staticmethod
    def _request(plan, action, method, url, body=None, wait=0.0):
        request = {'id': '%s:%d' % (action, plan.spec.index), 'method': method, 'url': url, 'replication_wait': wait,
                   '_plan': plan, '_action': action}
        if body is not None:
            request['body'] = body
        return request

    def _send(self, requests_):
        """Send in slices; keep only the outcome (and a new user's id) of each answer."""
        for part in chunked(requests_, WRITE_SLICE):
            owners = dict((r['id'], (r.pop('_plan'), r.pop('_action'))) for r in part)
            for answer in self.client.batch(part):
                plan, action = owners[answer.id]
                if answer.ok or (answer.status == 404 and _gone_is_done(plan, action)):
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
        poll = self.client.poll(self.wait, 'replication', FIRST_LICENSE_RETRY, LICENSE_RETRY_FACTOR, MAX_LICENSE_RETRY)
        while True:
            pending = [p for p in self.plans if p.licenses and not p.ok('licenses') and _sets_usage_location(p)
                       and INVALID_USAGE_LOCATION in ((p.outcome.get('licenses') or {}).get('message') or '')]
            if not pending or not self.client.wait_to_look_again(poll):
                return
            self._send([self._license_request(p) for p in pending])


def _gone_is_done(plan, action):
    """A 404 for removing the manager or deleting the user: already as wanted (or a lost answer's resend)."""
    return action == 'delete' or (action == 'manager' and plan.manager_change == 'remove')


def _sets_usage_location(plan):
    return (plan.ok('create') or plan.ok('update')) and given_key(plan.changes, 'usageLocation') is not None


# ----- reporting -------------------------------------------------------------------------------

def report(plans, catalog, check_mode, diff=False, groups=None):
    """``(result, before, after)``: result lists, the unchanged count, failures, and the diff views.

    The entry of a user whose licences the task manages carries ``licenses``: what was added, removed and updated
    (by skuPartNumber; empty when nothing was or could be done) and ``inherited``, the licences the user inherits
    from groups (``inherited_licences``, named with ``groups``, a ``LicenceGroups``).
    """
    groups = groups or LicenceGroups()
    result = dict((name, []) for name in RESULT_LISTS)
    result.update(unchanged=0, failed_users=[], synced_skipped=[], mailboxes=[])
    before, after = {}, {}
    for plan in plans:
        if plan.mailbox:
            result['mailboxes'].append({'userPrincipalName': plan.spec.upn, 'id': plan.id, 'mailbox': plan.mailbox,
                                        'kept_licenses': [catalog.part_number(sku_id) for sku_id in plan.kept_licences],
                                        'message': MAILBOX_OUTCOMES[plan.mailbox]})
        if plan.synced_skipped:
            result['synced_skipped'].append({'userPrincipalName': plan.spec.upn, 'id': plan.id, 'item': 'users[%d]' % plan.spec.index,
                                             'fields': list(plan.synced_skipped)})
        if not plan.pending:
            result['unchanged'] += 1
            continue
        done = (lambda action: True) if check_mode else plan.ok
        result['failed_users'].extend(o for o in plan.outcome.values() if o is not True)
        entry = {'userPrincipalName': plan.spec.upn, 'id': plan.id}
        if plan.revoke and done('revoke_sessions'):
            result['revoked'].append(dict(entry))
        if plan.action == 'delete':
            if done('delete'):
                result['deleted'].append(entry)
                if diff:
                    before[plan.spec.upn] = _view(plan.current, plan.spec, catalog)
            continue
        if plan.action == 'create' and not done('create'):
            continue
        names = sorted(plan.changes) if done(plan.action) else []
        if plan.manager_change and done('manager'):
            names.append('manager')
        if plan.licenses and done('licenses'):
            names.append('licenses')
        if plan.licenses is not None:
            entry['licenses'] = _licence_entry(plan, catalog, groups, plan.licenses and done('licenses'))
        if not names and plan.action != 'create':
            continue
        entry['properties'] = sorted(names)
        if plan.action == 'create':
            result['created'].append(entry)
        elif plan.spec.account_state == 'disabled' and 'accountEnabled' in plan.changes and done('update'):
            result['disabled'].append(entry)
        else:
            result['updated'].append(entry)
        if diff:
            old = _view(plan.current, plan.spec, catalog) if plan.current else None
            if old is not None:
                before[plan.spec.upn] = old
            after[plan.spec.upn] = _after_view(plan, old, names, catalog)
    return result, before, after


def _licence_entry(plan, catalog, groups, done):
    entry = dict((kind, [catalog.part_number(s) for s in getattr(plan.licenses, kind)] if done else [])
                 for kind in ('added', 'removed', 'updated'))
    entry['inherited'] = inherited_licences(plan.current, catalog, groups)
    return entry


def licence_findings(plans, catalog, check_mode, groups=None):
    """``(license_errors, warnings)``: the licence assignments in error of every listed user whose licences the task
    manages and who existed (a user created by the task inherits nothing yet), each ``{userPrincipalName, id, sku,
    skuId, group, group_id, state, error}`` (``group`` and ``group_id`` None for a direct assignment), one warning each."""
    errors, warnings = [], []
    for plan in plans:
        if plan.licenses is None or plan.current is None:
            continue
        direct = current_licenses(plan.current)[0]
        assigned = set(plan.licenses.added) if (check_mode or plan.ok('licenses')) else set()
        for record in licence_errors(plan.current, catalog, groups):
            found = {'userPrincipalName': plan.spec.upn, 'id': plan.id}
            found.update(record)
            errors.append(found)
            warnings.append(error_warning(plan.spec.upn, record, record['skuId'] in direct, record['skuId'] in assigned))
    if len(warnings) > WARNING_LIMIT:
        warnings[WARNING_LIMIT:] = ['%d more licence assignments in error are listed in license_errors' % (len(warnings) - WARNING_LIMIT)]
    return errors, warnings


def changed(result):
    """True when the task changed (or would change) anything."""
    return any(result[name] for name in RESULT_LISTS)


def _view(user, spec, catalog):
    """The compared properties of a user as read, for diff."""
    view = {'userPrincipalName': user.get('userPrincipalName')}
    lowered = dict((k.lower(), v) for k, v in user.items())
    for name in spec.properties:
        view[name] = lowered.get(name.lower())
    if spec.account_state == 'disabled':
        view['accountEnabled'] = user.get('accountEnabled')
    if spec.has_manager:
        view['manager'] = name_of(user.get('manager'))
    if spec.licenses is not None:
        direct, dummy = current_licenses(user)
        view['licenses'] = sorted(catalog.label(sku_id, plans) for sku_id, plans in direct.items())
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
        view['licenses'] = sorted(catalog.label(sku_id, plans) for sku_id, plans in direct.items())
    return view
