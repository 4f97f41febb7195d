# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""The onboarding role's report: the cohort's problems in the role's terms, and the plan per hire.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

The role runs graph_user_bulk, graph_group_membership and graph_calendar for the whole cohort. Their results
name their own items (``users[3]``, ``memberships[0]``, ``calendars[2]``) and fields; here each is mapped to the
hire and the role key (``adele@contoso.com: welcome_event.start``) from the structured problems, never from the
sentences.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import key_of, parse_reference
from ansible_collections.mynster.msgraph.plugins.module_utils.workflows.report import (
    Mapper,
    count,
    failed_without_problems,
    item_index,
    module_problems,
    role_problem,
)

ROLE_KEYS = ('groups', 'welcome_event', 'calendar_permissions')
# Result keys of the steps, by the name the role registers them under in ``results``.
STEPS = ('users', 'memberships', 'calendars')
# graph_user_bulk says to write account_state for a lifecycle word in state; the role only onboards.
# The module options the role sets from its own variables: a problem with one names the variable the user set.
ROLE_VARIABLES = {'replication_timeout': 'onboarding_replication_timeout', 'mailbox_timeout': 'onboarding_mailbox_timeout'}
USER_HINTS = {'state': 'the onboarding role creates and updates accounts; to disable or delete leavers, use the mynster.msgraph.offboarding role'}


def upn_of(hire):
    return str((hire or {}).get('userPrincipalName') or '')


def membership_hires(people):
    """Indexes of the hires that list groups, in the order their graph_group_membership items go."""
    return [index for index, hire in enumerate(people) if isinstance(hire, dict) and hire.get('groups') is not None]


def calendar_hires(people):
    """Indexes of the hires with a welcome event or calendar permissions, in the order their graph_calendar items go."""
    return [index for index, hire in enumerate(people) if isinstance(hire, dict)
            and (hire.get('welcome_event') is not None or hire.get('calendar_permissions') is not None)]


def calendar_field(field):
    """A graph_calendar field as the role calls it: ``events[0].start`` is ``welcome_event.start``, ``permissions[2]`` ``calendar_permissions[2]``."""
    if not field or field == 'mailbox':
        return None
    head, dot, rest = field.partition('.')
    if head.startswith('events'):
        return 'welcome_event' + (dot + rest if rest else '')
    if head.startswith('permissions'):
        return 'calendar_' + field
    return field


def membership_field(field):
    """A graph_group_membership field as the role calls it (the item's ``user`` is the hire's userPrincipalName)."""
    return 'userPrincipalName' if field == 'user' else field


class OnboardingReport:
    """The problems and the plan of one onboarding run, from the hires (``people``) and the steps' results."""

    def __init__(self, people, results, preview):
        self.people = [hire if isinstance(hire, dict) else {} for hire in people or []]
        self.results = dict((step, (results or {}).get(step) or {}) for step in STEPS)
        self.preview = preview
        self.mappers = {
            'users': Mapper('users', list(range(len(self.people))), self._upn, lambda field: field, hints=USER_HINTS,
                            role_variables=ROLE_VARIABLES),
            'memberships': Mapper('memberships', membership_hires(self.people), self._upn, membership_field, role_variables=ROLE_VARIABLES),
            'calendars': Mapper('calendars', calendar_hires(self.people), self._upn, calendar_field, role_variables=ROLE_VARIABLES),
        }

    def _upn(self, index):
        return upn_of(self.people[index])

    # ----- what Graph refused in the user step -------------------------------------------------------

    def refused_changes(self):
        """The user step's writes Graph refused, in the role's terms: ``userPrincipalName``, ``field`` (``password``,
        ``licenses``, ... or None), ``action``, ``status``, ``code``, ``reason`` (Graph's message), in hire order.

        Only a real run's records: in a preview every record is a problem the problems report stopped the role for.
        """
        refused = []
        for record in (self.results['users'].get('failed_users') or []):
            if not isinstance(record, dict) or record.get('action') == 'validate':
                continue
            index = item_index(record.get('item'), 'users')
            hire = upn_of(self.people[index]) if index is not None and index < len(self.people) else record.get('userPrincipalName')
            refused.append({'userPrincipalName': hire, 'field': record.get('field'), 'action': record.get('action'),
                            'status': record.get('status'), 'code': record.get('code'), 'reason': record.get('message')})
        return refused

    def not_created(self):
        """The hires whose account Graph refused to create: the later steps leave them out."""
        return unique([entry['userPrincipalName'] for entry in self.refused_changes() if entry['action'] == 'create'])

    # ----- the hires the user step makes new ---------------------------------------------------

    def new_objects(self):
        """``{'users': [...], 'mailboxes': [...]}``: the hires the user step created (or would create), and those whose mailbox is new.

        A mailbox is new for a hire created or newly licensed, and for every hire whose licences the role manages: a
        re-run while Exchange still provisions the mailbox waits for it again instead of refusing the cohort. When
        the user check failed, every hire counts as created, so that the other checks report their own problems
        rather than "not found" for hires the failed check could not plan.
        """
        users = self.results['users']
        if failed_without_problems(users) or module_problems(users):
            created, licensed = [upn_of(hire) for hire in self.people], []
        else:
            created = [entry.get('userPrincipalName') for entry in users.get('created') or []]
            licensed = [entry.get('userPrincipalName') for entry in users.get('updated') or []
                        if ((entry.get('licenses') or {}).get('added'))]
        managed = [upn_of(hire) for hire in self.people if hire.get('licenses')]
        refused = set(key_of(name) for name in self.not_created())
        mailboxes = [name for name in unique(created + licensed + managed) if key_of(name) not in refused]
        return {'users': created, 'mailboxes': mailboxes, 'refused': self.not_created()}

    # ----- problems ------------------------------------------------------------------------------

    @staticmethod
    def refusal(problems):
        """The message the role stops with before its first write."""
        variables = [problem for problem in problems if getattr(problem, 'field', None) in ROLE_VARIABLES.values()]
        hires = [problem for problem in problems if problem not in variables]
        parts = ['Problems in onboarding_users: %s' % '; '.join(hires)] if hires else []
        return 'Nothing was changed. %s' % '; '.join(parts + variables)

    def problems(self):
        """Every problem the three checks found, named by hire and role key, in check order; a role variable's problem
        (the same range checked by two steps) once."""
        found = []
        for step in STEPS:
            result = self.results[step]
            if failed_without_problems(result):
                found.append(result.get('msg'))
                continue
            found.extend(problem for problem in (self.mappers[step].role_problem(problem) for problem in module_problems(result))
                         if problem not in found)
        found.extend(self._permission_problems())
        return found

    def _permission_problems(self):
        """Role-assignable groups the token may not change: the membership check skips them so each can be named here."""
        problems = []
        for skipped in self.results['memberships'].get('skipped_memberships') or []:
            if not skipped.get('permission'):
                continue
            for hire in self.people:
                if upn_of(hire).lower() != str(skipped.get('member') or '').lower():
                    continue
                for index, group in enumerate(hire.get('groups') or []):
                    if group_matches(group, index, skipped):
                        problems.append(role_problem(upn_of(hire), 'groups[%d]' % index, "'%s' is %s, which the app's access token does not "
                                                     "carry" % (skipped['group'], skipped['reason'])))
        return problems

    # ----- the plan ------------------------------------------------------------------------------

    def plan(self):
        """What the run did (or, in a preview, would do) per hire, with totals and the printable summary."""
        users, memberships, calendars = (self.results[step] for step in STEPS)
        change_of = {}
        for action, key in (('create', 'created'), ('update', 'updated')):
            for change in users.get(key) or []:
                change_of[key_of(change.get('userPrincipalName'))] = dict(change, action=action)
        added_of = {}
        for added in memberships.get('added') or []:
            added_of.setdefault(key_of(added.get('member')), []).append(added)
        calendar_of = dict((key_of(calendar.get('mailbox')), calendar) for calendar in calendars.get('calendars') or [])
        refused = self.refused_changes()
        refused_of = {}
        for entry in refused:
            refused_of.setdefault(key_of(entry['userPrincipalName']), []).append(entry)
        entries = [self._entry(hire, change_of, added_of, calendar_of, refused_of) for hire in self.people]
        permissions = [permission for entry in entries for permission in entry['calendar_permissions']]
        pending = list(calendars.get('pending_mailboxes') or [])
        totals = {
            'users': len(entries),
            'create': count(entries, lambda e: e['action'] == 'create'),
            'update': count(entries, lambda e: e['action'] == 'update'),
            'unchanged': count(entries, lambda e: e['action'] == 'none'),
            'licenses_added': sum(len(e['licenses']['added']) for e in entries),
            'licenses_removed': sum(len(e['licenses']['removed']) for e in entries),
            'licenses_updated': sum(len(e['licenses']['updated']) for e in entries),
            'groups_added': sum(len(e['groups_added']) for e in entries),
            'events_created': count(entries, lambda e: (e['event'] or {}).get('action') == 'create'),
            'permissions_granted': count(permissions, lambda p: p['action'] == 'grant'),
            'permissions_updated': count(permissions, lambda p: p['action'] == 'update'),
            'pending_mailboxes': len(pending),
        }
        changed = any(value for key, value in totals.items() if key not in ('users', 'unchanged', 'pending_mailboxes'))
        plan = {'check_mode': self.preview, 'changed': changed, 'totals': totals, 'users': entries, 'pending_mailboxes': pending,
                'refused': refused, 'skipped_calendars': [{'userPrincipalName': e['userPrincipalName'], 'reason': e['calendar_skipped']}
                                                          for e in entries if e['calendar_skipped']]}
        plan['summary'] = summary(plan)
        plan['left_undone'] = left_undone(plan)
        return plan

    @staticmethod
    def _entry(hire, change_of, added_of, calendar_of, refused_of):
        key = key_of(upn_of(hire))
        refused = refused_of.get(key, [])
        not_created = any(entry['action'] == 'create' for entry in refused)
        change = change_of.get(key, {'action': 'refused' if not_created else 'none'})
        calendar = calendar_of.get(key, {})
        pending = calendar.get('status') == 'pending'
        skipped = calendar.get('reason') if calendar.get('status') == 'skipped' else None
        licences = {'added': [], 'removed': [], 'updated': []}
        licences.update(change.get('licenses') or {})
        entry = {'userPrincipalName': upn_of(hire), 'action': change['action'],
                 'properties': [name for name in change.get('properties') or [] if name != 'licenses'],
                 'licenses': licences, 'groups_added': [], 'event': None, 'calendar_permissions': [], 'pending_mailbox': pending,
                 'calendar_skipped': skipped,
                 'refused': [dict((k, v) for k, v in entry.items() if k != 'userPrincipalName') for entry in refused]}
        for index, group in enumerate(hire.get('groups') or []):
            entry['groups_added'].extend(added['group'] for added in added_of.get(key, []) if group_matches(group, index, added))
        wanted_event = hire.get('welcome_event')
        if isinstance(wanted_event, dict):
            events = calendar.get('events') or {}
            event = ((events.get('created') or []) + (events.get('existing') or []) + [{}])[0]
            entry['event'] = {'subject': event.get('subject', wanted_event.get('subject')), 'start': event.get('start', wanted_event.get('start')),
                              'end': event.get('end', wanted_event.get('end')),
                              'timezone': event.get('timezone', wanted_event.get('timezone') or 'UTC'),
                              'transactionId': event.get('transactionId'),
                              'action': 'not_done' if not_created else 'pending' if pending else 'skipped' if skipped else (
                                  'create' if events.get('created') else 'none')}
        permissions = calendar.get('permissions') or {}
        granted = set(key_of(p.get('address')) for p in permissions.get('granted') or [])
        updated = set(key_of(p.get('address')) for p in permissions.get('updated') or [])
        for wanted in hire.get('calendar_permissions') or []:
            address = key_of(wanted.get('address'))
            action = 'not_done' if not_created else 'pending' if pending else 'skipped' if skipped else (
                'grant' if address in granted else ('update' if address in updated else 'none'))
            entry['calendar_permissions'].append({'address': wanted.get('address'), 'role': wanted.get('role'), 'action': action})
        return entry


def unique(names):
    """``names`` without repeats (case-insensitive), in their order."""
    seen, kept = set(), []
    for name in names:
        if name and key_of(name) not in seen:
            seen.add(key_of(name))
            kept.append(name)
    return kept


def group_matches(group, index, entry):
    """True when the group a hire lists (``groups[index]``, by name, id or ``group:name``) is the group of a membership entry."""
    try:
        wanted = parse_reference(group, 'groups[%d]' % index, 'group').value
    except InputError:
        return False
    return key_of(wanted) in (key_of(entry.get('group')), key_of(entry.get('group_id')))


def summary(plan):
    """The plan as lines to print: totals, then one head line per hire and one indented line per kind of change."""
    preview, totals = plan['check_mode'], plan['totals']
    if preview:
        lines = ['Onboarding preview (check mode): nothing has been changed.']
    elif plan['changed']:
        lines = ['Onboarding done.']
    else:
        lines = ['Onboarding: everything was already as wanted, nothing changed.']
    lines.append('%d hire(s): %d new account(s), %d account(s) %s, %d account(s) already as wanted' % (
        totals['users'], totals['create'], totals['update'], 'to update' if preview else 'updated', totals['unchanged']))
    lines.append('%s: %d licence(s), %d group membership(s), %d welcome event(s), %d calendar permission(s) granted or changed' % (
        'To add' if preview else 'Added', totals['licenses_added'], totals['groups_added'], totals['events_created'],
        totals['permissions_granted'] + totals['permissions_updated']))
    heads = {'create': ('new user', 'created'), 'update': ('update', 'updated'), 'none': ('existing user', 'existing user'),
             'refused': ('new user', 'NOT CREATED')}
    for user in plan['users']:
        details = _details(user)
        if details:
            lines.append('%s - %s' % (user['userPrincipalName'], heads[user['action']][0 if preview else 1]))
            lines.extend('    ' + line for line in details)
        else:
            lines.append('%s - no change' % user['userPrincipalName'])
    if plan['refused']:
        lines.append('%d change(s) Graph refused (REFUSED above); everything else is done.' % len(plan['refused']))
    if plan['pending_mailboxes']:
        lines.append('%d mailbox(es) not ready within onboarding_mailbox_timeout: %s. Run the role again later to complete them.'
                     % (len(plan['pending_mailboxes']), ', '.join(plan['pending_mailboxes'])))
    return lines


def _details(user):
    details = []
    properties = [name for name in user['properties'] if name != 'userPrincipalName']
    if properties:
        details.append('properties: ' + ', '.join(properties))
    licences = (['+ ' + name for name in user['licenses']['added']] + ['- ' + name for name in user['licenses']['removed']]
                + ['~ %s (disabled plans)' % name for name in user['licenses']['updated']])
    if licences:
        details.append('licences:   ' + ', '.join(licences))
    if user['groups_added']:
        details.append('groups:     ' + ', '.join('+ ' + group for group in user['groups_added']))
    event = user['event']
    if event and event['action'] == 'create':
        details.append('event:      + "%s" %s to %s (%s)' % (event['subject'], str(event['start']).replace('T', ' ')[:16],
                                                             str(event['end']).replace('T', ' ')[:16], event['timezone']))
    for permission in user['calendar_permissions']:
        if permission['action'] in ('grant', 'update'):
            details.append('calendar:   %s %s: %s' % ('+' if permission['action'] == 'grant' else '~', permission['address'], permission['role']))
    for refused in user['refused']:
        details.append('REFUSED:    %s%s: %s' % (refused['field'] + ' - ' if refused['field'] else '', refused['action'], refused['reason']))
    if user['calendar_skipped']:
        details.append('calendar:   SKIPPED - %s' % user['calendar_skipped'])
    if user['pending_mailbox']:
        details.append('calendar:   PENDING - the mailbox does not exist yet; run the role again later for the welcome event and permissions')
    return details


def left_undone(plan):
    """Why the role fails after doing everything else (writes Graph refused for some hires), or None."""
    refused = plan['refused']
    if not refused:
        return None
    return ('Onboarding did everything else, but Graph refused %d change(s): %s. Correct them in onboarding_users and run the role '
            'again: the other hires are done and stay as they are.'
            % (len(refused), '; '.join('%s: %s%s: %s%s' % (entry['userPrincipalName'], entry['field'] + ': ' if entry['field'] else '',
                                                           entry['action'], '%s %s: ' % (entry['status'], entry['code'] or '') if entry['status'] else '',
                                                           entry['reason']) for entry in refused)))
