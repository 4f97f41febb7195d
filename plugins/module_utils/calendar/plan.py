# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""What one mailbox needs: read what it holds of what the task manages, and compare.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Events are keyed by a derived ``transactionId`` (Outlook cannot filter on it, so they are read by subject);
permissions are matched by address.
"""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.auto_replies import current_view, is_current
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import problem_at
from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import odata_string, quote_filter, user_path

EVENT_SELECT = 'id,subject,transactionId'
# Subjects looked up per events query: an ``or`` of at most this many ``subject eq`` clauses, in a URL kept short.
SUBJECTS_PER_QUERY = 10
MAX_FILTER_LENGTH = 1500
# Outlook's answer for a user without a mailbox (no Exchange licence yet, still provisioning, or hosted on-premises).
NO_MAILBOX = 'MailboxNotEnabledForRESTAPI'
# What the users behind new mailboxes are looked up with (``userPrincipalName in (..)`` / ``id in (..)``, 15 a query).
USER_FIELDS = ('id', 'userPrincipalName')


def _subject_chunks(subjects):
    """Subjects grouped for ``subject eq .. or ..`` queries: at most 10 per query and a URL of reasonable length."""
    chunk, length = [], 0
    for subject in subjects:
        clause = len(quote_filter('subject eq %s or ' % odata_string(subject)))
        if chunk and (len(chunk) >= SUBJECTS_PER_QUERY or length + clause > MAX_FILTER_LENGTH):
            yield chunk
            chunk, length = [], 0
        chunk.append(subject)
        length += clause
    if chunk:
        yield chunk


def read_requests(spec, prefix):
    """The GETs that show what a mailbox holds of what the task manages: its events with the listed subjects
    (Outlook cannot filter on ``transactionId``), when permissions are managed its calendar permissions, and when
    automatic replies are managed its mailbox settings."""
    requests = []
    for number, chunk in enumerate(_subject_chunks([event.subject for event in spec.events or []])):
        expression = ' or '.join('subject eq %s' % odata_string(subject) for subject in chunk)
        url = '%s?$filter=%s&$select=%s&$top=50' % (user_path(spec.mailbox, 'events'), quote_filter(expression), EVENT_SELECT)
        requests.append({'id': '%s:events:%d' % (prefix, number), 'url': url})
    if spec.permissions is not None:
        requests.append({'id': '%s:permissions' % prefix, 'url': user_path(spec.mailbox, 'calendar/calendarPermissions')})
    if spec.auto_replies is not None:
        requests.append({'id': '%s:settings' % prefix, 'url': user_path(spec.mailbox, 'mailboxSettings')})
    return requests


class MailboxContent:
    """What a mailbox holds of what the task manages: events with the listed subjects, and permission entries."""

    def __init__(self, events=None, permissions=None, auto_replies=None):
        self.events = list(events or [])
        self.permissions = list(permissions or [])
        self.auto_replies = auto_replies  # the automaticRepliesSetting read, None when not read (or not there yet)

    def view(self, spec):
        """The compared state, for diff: events of the task found in the mailbox, and every permission's role."""
        wanted = set(event.transaction_id for event in spec.events or [])
        view = {'events': sorted(event.get('subject') or '' for event in self.events if event.get('transactionId') in wanted)}
        if spec.permissions is not None:
            view['permissions'] = dict((entry_label(entry), entry.get('role')) for entry in self.permissions)
            external = sorted(entry_label(entry) for entry in self.permissions if entry.get('isInsideOrganization') is False)
            if external:
                view['external'] = external  # sharees outside the organisation, as Graph marks them
        if spec.auto_replies is not None:
            view['automatic_replies'] = current_view(self.auto_replies)
        return view


def entry_label(entry):
    """How a permission entry is named: its address, its name, or its id."""
    email = entry.get('emailAddress') or {}
    return email.get('address') or email.get('name') or str(entry.get('id'))


def _error_code(answer):
    error = answer.error()
    return error.code if error is not None else None


def mailbox_missing(answer):
    """True for Graph's answer that the mailbox (or its user) is not there, as opposed to an item of it."""
    return answer.status == 404 and _error_code(answer) != 'ErrorItemNotFound'


def read_outcome(answers):
    """``('ok', MailboxContent)``, ``('missing', GraphError)`` or ``('error', GraphError)`` from a mailbox's read answers."""
    content = MailboxContent()
    for answer in answers:
        if not answer.ok:
            return ('missing' if mailbox_missing(answer) else 'error'), answer.error()
        values = (answer.body or {}).get('value') or [] if isinstance(answer.body, dict) else []
        if answer.id.endswith(':settings'):
            body = answer.body if isinstance(answer.body, dict) else {}
            content.auto_replies = body.get('automaticRepliesSetting') or {}
        elif answer.id.endswith(':permissions'):
            content.permissions = values
        else:
            content.events.extend(values)
    return 'ok', content


def missing_text(spec, error):
    """Why a mailbox that the task did not name as new cannot be used."""
    if error is not None and error.code == NO_MAILBOX:
        reason = 'has no mailbox (Outlook answered %s: no Exchange Online licence, or hosted on-premises)' % NO_MAILBOX
    else:
        reason = 'was not found (%s)' % (error or '404')
    return ("'%s' %s; if the user was created or licensed moments ago, list it in new_mailboxes to wait for its mailbox"
            % (spec.mailbox, reason))


class MailboxPlan:
    """The writes one mailbox needs."""

    def __init__(self, spec):
        self.spec = spec
        self.create = []      # EventSpec
        self.existing = []    # (EventSpec, event id)
        self.grant = []       # PermissionSpec
        self.update = []      # (PermissionSpec, entry)
        self.remove = []      # entry
        self.unchanged = []   # PermissionSpec
        self.auto_reply = False   # the automatic replies need a PATCH
        self.problems = []

    @property
    def writes(self):
        return bool(self.create or self.grant or self.update or self.remove or self.auto_reply)

    def requests(self, prefix):
        """The write requests, each with ``_kind`` and ``_target`` for recording its answer (popped before sending)."""
        mailbox = self.spec.mailbox
        permissions = user_path(mailbox, 'calendar/calendarPermissions')
        requests = []
        for number, event in enumerate(self.create):
            requests.append({'id': '%s:event:%d' % (prefix, number), 'method': 'POST', 'url': user_path(mailbox, 'events'),
                             'body': event.body(), '_kind': 'create_event', '_target': event})
        for number, permission in enumerate(self.grant):
            # Safe to send again after a lost answer: a grant that did happen comes back 409 and is settled by reading.
            requests.append({'id': '%s:grant:%d' % (prefix, number), 'method': 'POST', 'url': permissions, 'body': permission.body(),
                             'safe_to_resend': True, '_kind': 'grant', '_target': permission})
        for number, (permission, entry) in enumerate(self.update):
            requests.append({'id': '%s:update:%d' % (prefix, number), 'method': 'PATCH', 'url': _entry_url(permissions, entry),
                             'body': {'role': permission.role}, '_kind': 'update', '_target': (permission, entry)})
        for number, entry in enumerate(self.remove):
            requests.append({'id': '%s:remove:%d' % (prefix, number), 'method': 'DELETE', 'url': _entry_url(permissions, entry),
                             '_kind': 'remove', '_target': entry})
        if self.auto_reply:
            # The same PATCH again sets the same values: safe to send again after a lost answer.
            requests.append({'id': '%s:autoreply' % prefix, 'method': 'PATCH', 'url': user_path(mailbox, 'mailboxSettings'),
                             'body': {'automaticRepliesSetting': self.spec.auto_replies.body()}, 'safe_to_resend': True,
                             '_kind': 'auto_reply', '_target': self.spec.auto_replies})
        return requests


def _entry_url(permissions, entry):
    return '%s/%s' % (permissions, quote(str(entry.get('id')), safe=''))


def plan_mailbox(spec, content, exact=False):
    """Compare the wanted events, permissions and automatic replies with ``content`` (``None``: a mailbox that does not
    exist yet).

    Events are found by their ``transactionId`` and never changed once there. Permissions are matched by address,
    case-insensitively; with ``exact`` the removable ones not listed are removed (never the default entries, which
    have no address and cannot be removed).
    """
    plan = MailboxPlan(spec)
    content = content or MailboxContent()
    found = dict((event.get('transactionId'), event) for event in content.events if event.get('transactionId'))
    for event in spec.events or []:
        if event.transaction_id in found:
            plan.existing.append((event, found[event.transaction_id].get('id')))
        else:
            plan.create.append(event)
    if spec.auto_replies is not None:
        plan.auto_reply = not is_current(spec.auto_replies, content.auto_replies)
    if spec.permissions is None:
        return plan
    current = {}
    for entry in content.permissions:
        address = (entry.get('emailAddress') or {}).get('address')
        if address:
            current[address.lower()] = entry
    for permission in spec.permissions:
        entry = current.pop(permission.key, None)
        if entry is None:
            plan.grant.append(permission)
        elif entry.get('role') == permission.role:
            plan.unchanged.append(permission)
        elif entry.get('allowedRoles') and permission.role not in entry['allowedRoles']:
            plan.problems.append(problem_at(permission.path + '.role', "'%s' cannot be given to %s on this calendar; Graph allows %s"
                                            % (permission.role, permission.address, ', '.join(entry['allowedRoles'])), spec.mailbox))
        else:
            plan.update.append((permission, entry))
    if exact:
        plan.remove = [entry for address, entry in sorted(current.items()) if entry.get('isRemovable') is True]
    return plan
