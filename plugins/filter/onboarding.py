# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters behind the mynster.msgraph.onboarding role: pure functions from the role's input and the
modules' results to the next module's input, and to the plan the role prints and returns.

Documentation of each filter is in the ``<filter name>.yml`` file beside this one.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from urllib.parse import quote

from ansible.errors import AnsibleFilterError

GUID = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
# Keys of an onboarding_users item that are the role's own, not Graph user properties.
ROLE_KEYS = ('groups', 'welcome_event', 'calendar_permissions')
MAX_IN_VALUES = 15
EVENT_FIELDS = 'id,subject,transactionId,start,end'


# ----- helpers shared with the offboarding filters --------------------------------------------------


def user_path(key):
    """``/users/{id or UPN}`` with the UPN percent-encoded (a guest's ``#`` must travel as ``%23``)."""
    return '/users/%s' % quote(str(key), safe='@')


def odata_string(value):
    """An OData string literal: quotes doubled."""
    return "'%s'" % str(value).replace("'", "''")


def query_value(expression):
    """Percent-encode a ``$filter`` expression but keep OData punctuation readable."""
    return quote(expression, safe="'(),@")


def is_guid(value):
    return bool(GUID.match(str(value)))


def result_list(result, name):
    """``result[name]`` as a list, for a registered module result that may be skipped or partial."""
    if not isinstance(result, dict):
        return []
    value = result.get(name)
    return value if isinstance(value, list) else []


def answers_by_id(responses):
    """graph_batch ``responses`` keyed by request id (lower case, as Graph compares them)."""
    return dict((str(answer.get('id')).lower(), answer) for answer in responses or [] if isinstance(answer, dict))


def answer_values(answer):
    """The ``value`` list of a collection answer, or ``[]``."""
    body = answer.get('body') if isinstance(answer, dict) else None
    return body.get('value') or [] if isinstance(body, dict) else []


def _upn_key(user, where='onboarding_users'):
    if not isinstance(user, dict):
        raise AnsibleFilterError('%s: every item must be a dict, got %s' % (where, type(user).__name__))
    upn = user.get('userPrincipalName')
    if not isinstance(upn, str) or not upn.strip():
        raise AnsibleFilterError('%s: every item needs a userPrincipalName' % where)
    return upn.strip().lower()


def _checked(users):
    """The list of hires, refusing duplicate UPNs (they would clash in every later step)."""
    if not isinstance(users, list):
        raise AnsibleFilterError('onboarding_users must be a list, got %s' % type(users).__name__)
    seen = set()
    for user in users:
        key = _upn_key(user)
        if key in seen:
            raise AnsibleFilterError("onboarding_users: '%s' is listed twice" % user['userPrincipalName'])
        seen.add(key)
    return users


def _lower_set(values):
    return set(str(value).lower() for value in values or [])


# ----- event and permission details ---------------------------------------------------------------


def transaction_id(upn, subject):
    """The welcome event's idempotency key: the same hire and subject always give the same id."""
    digest = hashlib.sha256(('%s\n%s' % (str(upn).strip().lower(), str(subject).strip())).encode('utf-8')).hexdigest()
    return 'onboarding-%s' % digest[:32]


def _date_time(value, field):
    """``2026-03-02T09:00:00`` from a string (``T`` or space) or a YAML timestamp."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).strftime('%Y-%m-%dT%H:%M:%S')
    if isinstance(value, datetime.date):
        return value.strftime('%Y-%m-%dT00:00:00')
    text = str(value or '').strip()
    try:
        moment = datetime.datetime.fromisoformat(text[:-1] if text.endswith('Z') else text)
    except ValueError:
        raise AnsibleFilterError("welcome_event.%s: '%s' is not a date and time like 2026-03-02T09:00:00" % (field, text))
    return moment.replace(tzinfo=None).strftime('%Y-%m-%dT%H:%M:%S')


def event_body(upn, event):
    """The POST body of a hire's welcome event, transactionId included."""
    subject = str(event.get('subject') or '').strip()
    if not subject:
        raise AnsibleFilterError('%s: welcome_event.subject is required' % upn)
    zone = event.get('timezone') or 'UTC'
    start, end = _date_time(event.get('start'), 'start'), _date_time(event.get('end'), 'end')
    if end < start:
        raise AnsibleFilterError('%s: welcome_event.end (%s) is before its start (%s)' % (upn, end, start))
    body = {
        'subject': subject,
        'start': {'dateTime': start, 'timeZone': zone},
        'end': {'dateTime': end, 'timeZone': zone},
        'transactionId': transaction_id(upn, subject),
    }
    if event.get('body') is not None:
        body['body'] = {'contentType': 'html' if event.get('body_type') == 'html' else 'text', 'content': str(event['body'])}
    if event.get('location'):
        body['location'] = {'displayName': str(event['location'])}
    if event.get('attendees'):
        body['attendees'] = [{'emailAddress': {'address': str(address)}, 'type': 'required'} for address in event['attendees']]
    return body


def _permissions(user):
    """The hire's wanted calendar permissions, refusing an address listed twice."""
    wanted = []
    seen = set()
    for permission in user.get('calendar_permissions') or []:
        address = str((permission or {}).get('address') or '').strip()
        if not address or not permission.get('role'):
            raise AnsibleFilterError('%s: every calendar_permissions item needs an address and a role' % user['userPrincipalName'])
        if address.lower() in seen:
            raise AnsibleFilterError("%s: calendar_permissions lists '%s' twice" % (user['userPrincipalName'], address))
        seen.add(address.lower())
        wanted.append(dict(permission, address=address))
    return wanted


# ----- filters ------------------------------------------------------------------------------------


def onboarding_user_items(users):
    """The hires as mynster.msgraph.graph_user_bulk takes them: everything but the role's own keys."""
    return [dict((key, value) for key, value in user.items() if key not in ROLE_KEYS and not (key == 'licenses' and value is None))
            for user in _checked(users)]


def onboarding_memberships(users, exclude=None):
    """``memberships`` for mynster.msgraph.graph_group_membership: one ``{user, groups}`` per hire with groups."""
    skip = _lower_set(exclude)
    return [{'user': user['userPrincipalName'], 'groups': [str(group) for group in user['groups']]}
            for user in _checked(users) if user.get('groups') and _upn_key(user) not in skip]


def onboarding_reads(users, pending=None):
    """GET requests for mynster.msgraph.graph_batch: what the hires' calendars hold, and (for hires that do not
    exist yet, in check mode) whether their groups exist."""
    pending = _lower_set(pending)
    requests = []
    group_names = {}
    for user in _checked(users):
        key = _upn_key(user)
        if key in pending:
            for group in user.get('groups') or []:
                group_names.setdefault(str(group).lower(), str(group))
            continue
        path = user_path(user['userPrincipalName'])
        event = user.get('welcome_event')
        if event:
            expression = 'subject eq %s' % odata_string(str(event.get('subject') or '').strip())
            requests.append({'id': 'event:%s' % key,
                             'url': '%s/events?$filter=%s&$select=%s&$top=50' % (path, query_value(expression), EVENT_FIELDS)})
        if _permissions(user):
            requests.append({'id': 'permissions:%s' % key, 'url': '%s/calendar/calendarPermissions' % path})
    ids = [name for name in group_names.values() if is_guid(name)]
    names = [name for name in group_names.values() if not is_guid(name)]
    for prop, values in (('id', ids), ('displayName', names)):
        for start in range(0, len(values), MAX_IN_VALUES):
            expression = '%s in (%s)' % (prop, ','.join(odata_string(value) for value in values[start:start + MAX_IN_VALUES]))
            requests.append({'id': 'groups:%s:%d' % (prop, start), 'url': '/groups?$filter=%s&$select=id,displayName' % query_value(expression)})
    return requests


def onboarding_writes(users, responses=None):
    """Write requests for mynster.msgraph.graph_batch: the welcome events that are missing (POST with transactionId) and
    the calendar permissions that are missing (POST) or have another role (PATCH). Hires without an answer in
    ``responses`` (not read, because they do not exist yet) get everything."""
    answers = answers_by_id(responses)
    requests = []
    for user in _checked(users):
        key = _upn_key(user)
        upn = user['userPrincipalName']
        path = user_path(upn)
        event = user.get('welcome_event')
        if event:
            body = event_body(upn, event)
            existing = answer_values(answers.get('event:%s' % key))
            if not any(item.get('transactionId') == body['transactionId'] for item in existing):
                requests.append({'id': 'event:%s' % key, 'method': 'POST', 'url': '%s/events' % path, 'body': body})
        current = {}
        for entry in answer_values(answers.get('permissions:%s' % key)):
            address = (entry.get('emailAddress') or {}).get('address')
            if address:
                current[address.lower()] = entry
        for permission in _permissions(user):
            entry = current.get(permission['address'].lower())
            request_id = 'permission:%s:%s' % (key, permission['address'].lower())
            if entry is None:
                email = {'address': permission['address']}
                if permission.get('name'):
                    email['name'] = permission['name']
                requests.append({'id': request_id, 'method': 'POST', 'url': '%s/calendar/calendarPermissions' % path,
                                 'body': {'emailAddress': email, 'isInsideOrganization': True, 'isRemovable': True, 'role': permission['role']}})
            elif entry.get('role') != permission['role']:
                requests.append({'id': request_id, 'method': 'PATCH', 'body': {'role': permission['role']},
                                 'url': '%s/calendar/calendarPermissions/%s' % (path, quote(str(entry.get('id')), safe=''))})
    return requests


# ----- the plan -----------------------------------------------------------------------------------


def _by_upn(entries):
    """graph_user_bulk result entries (``{userPrincipalName, id, properties, licenses}``) keyed by lower-case UPN."""
    return dict((str(entry.get('userPrincipalName')).lower(), entry) for entry in entries if isinstance(entry, dict))


def _user_change(key, created, updated):
    """(action, properties, licence changes) for one hire from graph_user_bulk's result."""
    for action, entries in (('create', created), ('update', updated)):
        entry = entries.get(key)
        if entry is not None:
            licenses = entry.get('licenses') or {}
            properties = [name for name in entry.get('properties') or [] if name != 'licenses']
            return action, properties, dict((kind, list(licenses.get(kind) or [])) for kind in ('added', 'removed', 'updated'))
    return 'none', [], {'added': [], 'removed': [], 'updated': []}


def _in_listed_order(added, listed):
    """Group names from graph_group_membership's result, in the order the hire lists them (by name or id)."""
    position = dict((str(name).lower(), index) for index, name in enumerate(listed or []))
    return [entry['name'] for entry in sorted(added, key=lambda entry: min(
        position.get(str(entry['name']).lower(), len(position)), position.get(str(entry['id']).lower(), len(position))))]


def onboarding_plan(users, user_result=None, membership_result=None, writes=None, responses=None, pending=None, check_mode=False):
    """What the run does (or, in check mode, would do) per hire, with totals, problems and readable summary lines."""
    users = _checked(users)
    pending_keys = _lower_set(pending)
    created = _by_upn(result_list(user_result, 'created'))
    updated = _by_upn(result_list(user_result, 'updated'))
    added_groups = {}
    for entry in result_list(membership_result, 'added'):
        added_groups.setdefault(str(entry.get('member') or entry.get('member_id')).lower(), []).append(
            {'name': entry.get('group') or entry.get('group_id'), 'id': entry.get('group_id')})
    writes_by_id = dict((request['id'], request) for request in writes or [])
    answers = answers_by_id(responses)
    known_groups = set()
    for answer_id, answer in answers.items():
        if answer_id.startswith('groups:'):
            for group in answer_values(answer):
                known_groups.update((str(group.get('id')).lower(), str(group.get('displayName')).lower()))

    problems = []
    plan_users = []
    for user in users:
        upn = user['userPrincipalName']
        key = _upn_key(user)
        action, properties, licenses = _user_change(key, created, updated)
        if key in pending_keys:
            groups = [str(group) for group in user.get('groups') or []]
            for group in groups:
                if group.lower() not in known_groups:
                    problems.append("%s: group '%s' was not found" % (upn, group))
        else:
            groups = _in_listed_order(added_groups.get(key, []), user.get('groups'))
        event = None
        if user.get('welcome_event'):
            body = event_body(upn, user['welcome_event'])
            event = {'subject': body['subject'], 'start': body['start']['dateTime'], 'end': body['end']['dateTime'],
                     'timezone': body['start']['timeZone'], 'transactionId': body['transactionId'],
                     'action': 'create' if 'event:%s' % key in writes_by_id else 'none'}
        permissions = []
        for permission in _permissions(user):
            request = writes_by_id.get('permission:%s:%s' % (key, permission['address'].lower()))
            change = 'none' if request is None else ('grant' if request['method'] == 'POST' else 'update')
            permissions.append({'address': permission['address'], 'role': permission['role'], 'action': change})
        plan_users.append({
            'userPrincipalName': upn, 'action': action, 'properties': properties, 'licenses': licenses,
            'groups_added': groups, 'event': event, 'calendar_permissions': permissions,
        })

    totals = {
        'users': len(plan_users),
        'create': sum(1 for u in plan_users if u['action'] == 'create'),
        'update': sum(1 for u in plan_users if u['action'] == 'update'),
        'unchanged': sum(1 for u in plan_users if u['action'] == 'none'),
        'licenses_added': sum(len(u['licenses']['added']) for u in plan_users),
        'licenses_removed': sum(len(u['licenses']['removed']) for u in plan_users),
        'licenses_updated': sum(len(u['licenses']['updated']) for u in plan_users),
        'groups_added': sum(len(u['groups_added']) for u in plan_users),
        'events_created': sum(1 for u in plan_users if u['event'] and u['event']['action'] == 'create'),
        'permissions_granted': sum(1 for u in plan_users for p in u['calendar_permissions'] if p['action'] == 'grant'),
        'permissions_updated': sum(1 for u in plan_users for p in u['calendar_permissions'] if p['action'] == 'update'),
    }
    plan = {'check_mode': bool(check_mode), 'users': plan_users, 'totals': totals, 'problems': problems}
    plan['changed'] = any(totals[name] for name in totals if name not in ('users', 'unchanged'))
    plan['summary'] = _summary(plan)
    return plan


def _user_lines(user, check_mode):
    """One head line per hire, then one indented line per kind of change."""
    details = []
    properties = [name for name in user['properties'] if name != 'userPrincipalName']  # the UPN heads the entry
    if properties:
        details.append('properties: %s' % ', '.join(properties))
    licences = (['+ %s' % name for name in user['licenses']['added']] + ['- %s' % name for name in user['licenses']['removed']]
                + ['~ %s (disabled plans)' % name for name in user['licenses']['updated']])
    if licences:
        details.append('licences:   %s' % ', '.join(licences))
    if user['groups_added']:
        details.append('groups:     %s' % ', '.join('+ %s' % group for group in user['groups_added']))
    event = user['event']
    if event and event['action'] == 'create':
        details.append('event:      + "%s" %s to %s (%s)' % (event['subject'], event['start'].replace('T', ' ')[:16],
                                                             event['end'].replace('T', ' ')[:16], event['timezone']))
    for permission in user['calendar_permissions']:
        if permission['action'] != 'none':
            details.append('calendar:   %s %s: %s' % ('+' if permission['action'] == 'grant' else '~', permission['address'], permission['role']))
    state = {'create': ('new user', 'created'), 'update': ('update', 'updated'), 'none': ('existing user', 'existing user')}
    if not details:
        return ['%s - no change' % user['userPrincipalName']]
    return ['%s - %s' % (user['userPrincipalName'], state[user['action']][0 if check_mode else 1])] + ['    ' + line for line in details]


def _summary(plan):
    totals = plan['totals']
    check_mode = plan['check_mode']
    if check_mode:
        title = 'Onboarding preview (check mode): nothing has been changed.'
    else:
        title = 'Onboarding done.' if plan['changed'] else 'Onboarding: everything was already as wanted, nothing changed.'
    lines = [title]
    counts = '%d hire(s): %d new account(s), %d account(s) %s, %d account(s) already as wanted' % (
        totals['users'], totals['create'], totals['update'], 'to update' if check_mode else 'updated', totals['unchanged'])
    lines.append(counts)
    extras = ['%d licence(s)' % totals['licenses_added'], '%d group membership(s)' % totals['groups_added'],
              '%d welcome event(s)' % totals['events_created'],
              '%d calendar permission(s) granted or changed' % (totals['permissions_granted'] + totals['permissions_updated'])]
    lines.append('%s: %s' % ('To add' if check_mode else 'Added', ', '.join(extras)))
    for user in plan['users']:
        lines.extend(_user_lines(user, check_mode))
    for problem in plan['problems']:
        lines.append('PROBLEM: %s' % problem)
    return lines


class FilterModule:
    """Onboarding role filters."""

    def filters(self):
        return {
            'onboarding_user_items': onboarding_user_items,
            'onboarding_memberships': onboarding_memberships,
            'onboarding_reads': onboarding_reads,
            'onboarding_writes': onboarding_writes,
            'onboarding_plan': onboarding_plan,
        }
