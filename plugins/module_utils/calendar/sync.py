# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``CalendarSync``: every mailbox of the task read, checked, then written, new mailboxes waited for on their own.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.auto_replies import reply_text
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.plan import (
    NO_MAILBOX, MailboxContent, entry_label, mailbox_missing, missing_text, plan_mailbox, read_outcome, read_requests
)
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import problem_at, problem_path
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.sharees import check_sharees
from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import user_lookups, user_path
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import failure
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import (
    SkuCatalog,
    assignment_states,
    gives_mailbox,
    has_error,
    subscriptions_request,
)

MAILBOX_WAIT_STATS = ('mailbox_polls', 'mailboxes_waited_for')
# What the users behind new mailboxes are looked up with (``userPrincipalName in (..)`` / ``id in (..)``, 15 a query).
USER_FIELDS = ('id', 'userPrincipalName')
# Polling a new mailbox: first after 2 s, then 1.5 times longer each time, at most every 30 s.
FIRST_POLL = 2.0
POLL_FACTOR = 1.5
MAX_POLL = 30.0


def lookup_requests(mailboxes):
    """``[(request, names)]``: the queries that look up the users behind ``mailboxes`` (userPrincipalNames and object
    ids), 15 to an ``in``, each with the names it asks for."""
    names = list(dict((str(name).strip().lower(), str(name).strip()) for name in mailboxes).values())
    return [({'id': 'users:%d' % n, 'url': url}, chunk) for n, (chunk, url) in enumerate(user_lookups(names, USER_FIELDS))]


def absent_users(client, mailboxes):
    """The lower-case names among ``mailboxes`` that no user has, from one ``client.batch`` of ``in`` queries.

    Only a query Graph answered tells that a user is not there: the names of a query that failed (for example
    without permission to read users, or refused for a userPrincipalName it cannot take) are not returned, so
    their mailboxes are read as if there had been no lookup. A user created moments ago may not be visible yet
    (replication): it counts as absent, which for a new mailbox means the same as its mailbox not being there.
    """
    pairs = lookup_requests(mailboxes)
    if not pairs:
        return set()
    answers = dict((answer.id, answer) for answer in client.batch([request for request, names in pairs], paginate=True))
    absent = set()
    for request, names in pairs:
        answer = answers.get(request['id'])
        body = answer.body if answer is not None and answer.ok else None
        if not isinstance(body, dict) or not isinstance(body.get('value'), list):
            continue
        found = set()
        for user in body['value']:
            if isinstance(user, dict):
                found.update(str(user.get(key) or '').lower() for key in USER_FIELDS)
        absent.update(name.lower() for name in names if name.lower() not in found)
    return absent


def licence_requests(names):
    """The reads that tell whether mailboxes will come for the users ``names``: the tenant's subscriptions, and each user's
    licences and the licences of the groups it is a direct member of (a group's licence reaches its members a while after
    they join, so the user's own ``assignedLicenses`` may not show it yet)."""
    requests = [subscriptions_request('skus')]
    for n, name in enumerate(names):
        requests.append({'id': 'lic:%d' % n, 'url': user_path(name) + '?$select=id,assignedLicenses,licenseAssignmentStates'})
        requests.append({'id': 'grp:%d' % n, 'url': user_path(name, 'memberOf/microsoft.graph.group') + '?$select=id,displayName,assignedLicenses'})
    return requests


def name_of_group(groups, group_id):
    """'<displayName>' of the group ``group_id`` among ``groups`` (as read), else its id."""
    for group in groups:
        if group.get('id') == group_id and group.get('displayName'):
            return "'%s'" % group['displayName']
    return group_id


def mailbox_not_coming(client, names):
    """``{lower-case name: reason}`` for the users among ``names`` whose licences give them no Exchange Online mailbox.

    From ``/subscribedSkus`` service plans (after each licence's ``disabledPlans``): the user's own licences (direct and
    from groups, as Graph lists them in ``assignedLicenses``) and those of its groups. A user is named only when every
    read answered: without permission to read subscriptions or groups, or for a user not visible yet, nothing is said
    and its mailbox is waited for as before.
    """
    if not names:
        return {}
    answers = dict((answer.id, answer) for answer in client.batch(licence_requests(names), paginate=True))
    skus = answers.get('skus')
    if skus is None or not skus.ok or not isinstance(skus.body, dict) or not isinstance(skus.body.get('value'), list):
        return {}
    catalog = SkuCatalog(skus.body['value'])
    reasons = {}
    for n, name in enumerate(names):
        user, groups = answers.get('lic:%d' % n), answers.get('grp:%d' % n)
        if user is None or not user.ok or groups is None or not groups.ok:
            continue
        own, held = gives_mailbox(catalog, (user.body or {}).get('assignedLicenses'))
        # A group's licence that reached the user in state Error (no free seat, say) gives no mailbox, and none will come.
        failed = dict(((a['group'], a['skuId']), a) for a in assignment_states(user.body) if a['group'] and has_error(a))
        from_groups = [group for group in (groups.body or {}).get('value') or [] if isinstance(group, dict) and group.get('assignedLicenses')]
        in_effect = [[lic for lic in group['assignedLicenses'] if (group.get('id'), str(lic.get('skuId')).lower()) not in failed]
                     for group in from_groups]
        if own or any(gives_mailbox(catalog, licences)[0] for licences in in_effect if licences):
            continue
        errors = ['%s from group %s is in state %s (%s)'
                  % (catalog.part_number(sku_id), name_of_group(from_groups, group_id), entry['state'], entry['error'])
                  for (group_id, sku_id), entry in sorted(failed.items())]
        reasons[str(name).lower()] = (
            'no mailbox is coming: %s, and %s. Exchange Online creates a mailbox only for a licence with an Exchange Online plan: '
            'assign one (not among its disabled_plans) and run the task again'
            % ('its licences (%s) include no Exchange Online plan' % ', '.join(held) if held else 'it holds no licence',
               ('its licence %s' % '; '.join(errors)) if errors
               else 'none of its groups\' licences has one' if from_groups else 'no group of its gives it a licence'))
    return reasons


# ----- running: read everything, then write while new mailboxes are waited for -------------------------


class MailboxRun:
    """One mailbox through the run: its plan, its state, and what happened."""

    def __init__(self, spec, new):
        self.spec = spec
        self.new = new              # listed in new_mailboxes: waited for when not there
        self.state = 'read'         # read, wait, write, done, pending, failed, skipped
        self.skipped = None         # why a new mailbox was not waited for: its licences give it none
        self.licences_read = False  # whether its licences were looked at (once)
        self.found = None           # whether the mailbox was there (None: not read, nothing to manage)
        self.plan = None
        self.before = None          # MailboxContent.view of the first successful read
        self.poll = None            # the client's Poll for a missing new mailbox
        self.next_poll = None
        self.created = {}           # transactionId -> (EventSpec, id)
        self.granted = []           # PermissionSpec
        self.updated = []           # (PermissionSpec, previous role)
        self.removed = []           # entry
        self.auto_reply_set = False  # the automatic replies were written
        self.failures = []
        self.settling = set()       # addresses whose grant answered 409: read again to see what is there
        self.settled = False        # settling is tried once
        self.settle_read = False    # the next read settles grants (it is not a poll for a missing mailbox)

    @property
    def prefix(self):
        return 'c%d' % self.spec.index

    def fail(self, item, action, subject, error=None, message=None, **detail):
        """Record what Graph refused (``error``), or a problem (``message``), about ``item`` of this mailbox."""
        self.failures.append(failure(action, subject, item, error=error, message=message, mailbox=self.spec.mailbox, **detail))


class CalendarSync:
    """Brings the calendars of many mailboxes to what the task lists, in as few batches as Outlook's limits allow.

    1. The users behind the mailboxes listed in ``new_mailboxes`` are looked up (one ``client.batch`` of
       ``in`` queries); a new mailbox whose user is not there (or not visible yet) is not read: its mailbox
       cannot be there either.
    2. Every other mailbox is read at once (one ``client.batch``). A mailbox that is missing and not listed in
       ``new_mailboxes``, a failed read, or a role Graph does not allow stops the run there: nothing is written.
       In check mode that is all (a listed new mailbox that is not there yet is planned as empty).
    3. Then rounds: each sends the writes of the mailboxes that are ready together with a new read of each
       waiting mailbox whose turn has come. A waiting mailbox is read again after 2 s, then 1.5 times later each
       time (at most 30 s apart), until ``timeout`` seconds after the start; then it is left ``pending``.
       Other mailboxes never wait for it.
    """

    def __init__(self, client, specs, exact=False, new_mailboxes=(), timeout=600.0, check_mode=False, skip_missing=False):
        self.client = client
        self.exact = exact
        self.skip_missing = skip_missing  # a mailbox Outlook says is not enabled (and not new) is skipped, not a problem
        self.timeout = timeout
        self.check_mode = check_mode
        new = set(name.lower() for name in new_mailboxes)
        self.runs = [MailboxRun(spec, spec.key in new) for spec in specs]
        self.stats = dict.fromkeys(MAILBOX_WAIT_STATS, 0)

    def run(self):
        """Read, check and (unless in check mode) write; returns the problems that stopped the run before any write."""
        for run in self.runs:
            run.poll = self.client.poll(self.timeout, 'mailbox', FIRST_POLL, POLL_FACTOR, MAX_POLL)
        # An address of the tenant's domains that nobody has stops the run before any mailbox is read.
        problems = check_sharees(self.client, [run.spec for run in self.runs if run.spec.has_work]) or self._first_read()
        if not problems and not self.check_mode:
            self._write_and_wait()
        return problems

    # ----- rounds ----------------------------------------------------------------------------------

    def _first_read(self):
        working = [run for run in self.runs if run.spec.has_work]
        for run in self.runs:
            if not run.spec.has_work:
                run.state = 'done'
        absent = absent_users(self.client, [run.spec.mailbox for run in working if run.new])
        reading = []
        for run in working:
            if run.new and run.spec.key in absent:
                self._not_there(run)
            else:
                reading.append(run)
        answers = self._send([(run, read_requests(run.spec, run.prefix)) for run in reading])
        problems, missing_new = [], []
        for run in reading:
            outcome, value = read_outcome([entry[0] for entry in answers.get(run, [])])
            if outcome == 'ok':
                problems.extend(self._planned(run, value))
            elif outcome == 'missing' and run.new:
                missing_new.append(run)
            elif outcome == 'missing' and self.skip_missing and value is not None and value.code == NO_MAILBOX:
                run.found, run.state = False, 'skipped'
                run.skipped = 'has no mailbox (Outlook answered %s: no Exchange Online licence, or hosted on-premises)' % NO_MAILBOX
            elif outcome == 'missing':
                problems.append(problem_at(run.spec.path + '.mailbox', missing_text(run.spec, value), run.spec.mailbox))
            else:
                problems.append(problem_at(run.spec.path + '.mailbox', "reading the calendar of '%s' failed: %s" % (run.spec.mailbox, value),
                                           run.spec.mailbox))
        self._missing(missing_new)
        return problems

    def _missing(self, runs, first=True):
        """New mailboxes whose user is there but not yet its mailbox: skipped at once when their licences give them none,
        else waited for (or, in check mode, planned as empty). ``first``: found missing by the first read, not a poll."""
        for run in runs:
            run.licences_read = True
        reasons = mailbox_not_coming(self.client, [run.spec.mailbox for run in runs])
        for run in runs:
            reason = reasons.get(run.spec.mailbox.lower())
            if reason:
                run.found, run.skipped, run.state = False, reason, 'skipped'
            elif first:
                self._not_there(run)
            else:
                self._wait(run)

    def _write_and_wait(self):
        while True:
            now = self.client.clock()
            work = []
            for run in self.runs:
                if run.state == 'write':
                    work.append((run, run.plan.requests(run.prefix)))
                elif run.state == 'wait' and run.next_poll <= now:
                    self.stats['mailbox_polls'] += 0 if run.settle_read else 1
                    work.append((run, read_requests(run.spec, run.prefix)))
            if not work:
                waiting = [run.next_poll for run in self.runs if run.state == 'wait']
                if not waiting:
                    return
                self.client.wait(max(0.0, min(waiting) - now), 'mailbox')
                continue
            answers = self._send(work)
            for run, dummy in work:
                if run.state == 'write':
                    self._record_writes(run, answers.get(run, []))
                else:
                    self._record_poll(run, answers.get(run, []))

    def _send(self, work):
        """One ``client.batch`` for every mailbox's requests; answers grouped by mailbox, with each write's kind and target."""
        requests, owners = [], {}
        for run, run_requests in work:
            for request in run_requests:
                owners[request['id']] = (run, request.pop('_kind', None), request.pop('_target', None))
                requests.append(request)
        grouped = {}
        for answer in self.client.batch(requests, paginate=True) if requests else []:
            run, kind, target = owners[answer.id]
            grouped.setdefault(run, []).append((answer, kind, target))
        return grouped

    # ----- one mailbox -----------------------------------------------------------------------------

    def _planned(self, run, content):
        run.found = True
        run.settle_read = False
        run.plan = plan_mailbox(run.spec, content, self.exact)
        for permission in [p for p in run.plan.unchanged if p.key in run.settling]:
            run.plan.unchanged.remove(permission)  # there now with the listed role: the grant whose answer was 409 took effect
            run.granted.append(permission)
        run.settling.clear()
        if run.before is None:
            run.before = content.view(run.spec)
        for event, event_id in run.plan.existing:
            if event.transaction_id in run.created:
                run.created[event.transaction_id] = (event, event_id)
        run.plan.existing = [(e, i) for e, i in run.plan.existing if e.transaction_id not in run.created]
        run.state = 'write' if run.plan.writes else 'done'
        return run.plan.problems

    def _not_there(self, run):
        """A new mailbox that is not there yet: planned as empty in check mode, else waited for."""
        self.stats['mailboxes_waited_for'] += 1
        run.found = False
        if self.check_mode:
            run.plan = plan_mailbox(run.spec, None, self.exact)
            run.before = MailboxContent().view(run.spec)
            run.state = 'write'
        else:
            self._wait(run)

    def _wait(self, run):
        """Schedule the next read of a missing new mailbox, or give up on it at the deadline."""
        now = self.client.clock()
        seconds = run.poll.next_wait(now)
        if seconds is None:
            run.state = 'pending'
            return
        run.state = 'wait'
        run.next_poll = now + seconds

    def _record_poll(self, run, answers):
        outcome, value = read_outcome([entry[0] for entry in answers])
        if outcome == 'ok':
            for problem in self._planned(run, value):
                run.fail(problem_path(problem), 'validate', None, message=str(problem))
        elif outcome == 'missing' and run.new and not run.settle_read and not run.licences_read:
            self._missing([run], first=False)  # its user showed only now (replication): look at its licences once
        elif outcome == 'missing' and run.new and not run.settle_read:
            self._wait(run)
        else:
            run.fail(run.spec.path, 'read', None, error=value)
            run.state = 'failed'

    def _record_writes(self, run, answers):
        reread = settle = False
        for answer, kind, target in answers:
            if answer.ok or (kind == 'remove' and answer.status == 404):
                self._done(run, kind, target, answer)
            elif kind == 'grant' and answer.status == 409 and not run.settled:
                # Shared with that address already: a grant re-sent after its answer was lost, or someone else's just now.
                run.settling.add(target.key)
                settle = True
            elif run.new and mailbox_missing(answer) and not run.poll.expired(self.client.clock()):
                reread = True  # the mailbox answered reads but not yet writes: read it again and plan what is left
            else:
                self._failed(run, kind, target, answer.error())
        if reread:
            run.poll.restart()
            self._wait(run)
        elif settle:
            run.settled = run.settle_read = True
            run.state, run.next_poll = 'wait', self.client.clock()
        else:
            run.state = 'done'

    @staticmethod
    def _done(run, kind, target, answer):
        if kind == 'create_event':
            run.created[target.transaction_id] = (target, (answer.body or {}).get('id') if isinstance(answer.body, dict) else None)
        elif kind == 'grant':
            run.granted.append(target)
        elif kind == 'update':
            run.updated.append((target[0], target[1].get('role')))
        elif kind == 'auto_reply':
            run.auto_reply_set = True
        else:
            run.removed.append(target)

    @staticmethod
    def _failed(run, kind, target, error):
        if kind == 'create_event':
            run.fail(target.path, kind, target.subject, error=error)
        elif kind == 'grant':
            run.fail(target.path, kind, target.address, error=error, address=target.address, role=target.role)
        elif kind == 'update':
            run.fail(target[0].path, kind, target[0].address, error=error, address=target[0].address, role=target[0].role)
        elif kind == 'auto_reply':
            run.fail(target.path, kind, run.spec.mailbox, error=error)
        else:
            run.fail(run.spec.path + '.permissions', kind, entry_label(target), error=error, address=entry_label(target), role=target.get('role'))

    # ----- outcome ---------------------------------------------------------------------------------

    def skipped(self):
        """``[{'mailbox', 'reason'}]``: the new mailboxes not waited for, because their licences give them none."""
        return [{'mailbox': run.spec.mailbox, 'reason': run.skipped} for run in self.runs if run.skipped]

    def outcome(self):
        """``(calendars, pending mailboxes, failed items, changed, before, after)`` for the task result."""
        calendars, pending, failures, before, after = [], [], [], {}, {}
        changed = False
        for run in self.runs:
            entry = self._entry(run)
            calendars.append(entry)
            failures.extend(run.failures)
            if run.state in ('pending', 'wait'):
                pending.append(run.spec.mailbox)
            if entry['changed']:
                changed = True
                before[run.spec.mailbox] = run.before
                after[run.spec.mailbox] = self._after(run, entry)
        return calendars, pending, failures, changed, before, after

    def _entry(self, run):
        planned = self.check_mode and run.plan is not None
        if planned:
            created = [(event, None) for event in run.plan.create]
            granted, updated = run.plan.grant, [(p, e.get('role')) for p, e in run.plan.update]
            removed = run.plan.remove
        else:
            created = list(run.created.values())
            granted, updated, removed = run.granted, run.updated, run.removed
        existing = run.plan.existing if run.plan else []
        touched = set(p.key for p in granted) | set(p.key for p, dummy in updated)
        unchanged = [p for p in (run.plan.unchanged if run.plan else []) if p.key not in touched]
        status = 'pending' if run.state in ('pending', 'wait') else 'skipped' if run.skipped else 'failed' if run.failures else 'ok'
        entry = {
            'mailbox': run.spec.mailbox, 'status': status, 'new_mailbox': run.new, 'found': run.found, 'reason': run.skipped,
            'events': {'created': [dict(event.view(), id=event_id) for event, event_id in created],
                       'existing': [dict(event.view(), id=event_id) for event, event_id in existing]},
            'permissions': {'granted': [p.view() for p in granted],
                            'updated': [p.view(previous_role=old) for p, old in updated],
                            'removed': [{'address': entry_label(e), 'role': e.get('role')} for e in removed],
                            'unchanged': [p.view() for p in unchanged]},
            'automatic_replies': self._auto_reply_entry(run, planned),
        }
        auto_reply_set = (entry['automatic_replies'] or {}).get('outcome') == 'set'
        entry['changed'] = bool(created or granted or updated or removed or auto_reply_set)
        return entry

    @staticmethod
    def _auto_reply_entry(run, planned):
        """What became (or, in check mode, would become) of the mailbox's automatic replies; None when not managed."""
        spec = run.spec.auto_replies
        if spec is None:
            return None
        if run.skipped:
            outcome = 'skipped'
        elif run.state in ('pending', 'wait'):
            outcome = 'pending'
        elif run.plan is None:
            outcome = 'failed'
        elif planned:
            outcome = 'set' if run.plan.auto_reply else 'unchanged'
        elif run.auto_reply_set:
            outcome = 'set'
        else:
            outcome = 'failed' if run.plan.auto_reply else 'unchanged'
        previous = (run.before or {}).get('automatic_replies') if run.found else None
        return dict(spec.view(), outcome=outcome, previous=previous)

    @staticmethod
    def _after(run, entry):
        view = {'events': sorted(run.before['events'] + [event['subject'] for event in entry['events']['created']])}
        replies = entry['automatic_replies']
        if replies is not None:
            view['automatic_replies'] = run.before.get('automatic_replies')
            if replies['outcome'] == 'set':
                spec = run.spec.auto_replies
                after = dict(view['automatic_replies'] or {}, status=spec.status)
                if spec.state == 'enabled':
                    after.update(external_audience=spec.audience, internal_message=reply_text(spec.internal),
                                 external_message=reply_text(spec.external))
                view['automatic_replies'] = after
        if 'permissions' in run.before:
            permissions = dict(run.before['permissions'])
            for change in entry['permissions']['removed']:
                permissions.pop(change['address'], None)
            lowered = dict((label.lower(), label) for label in permissions)
            for change in entry['permissions']['granted'] + entry['permissions']['updated']:
                permissions[lowered.get(change['address'].lower(), change['address'])] = change['role']
            view['permissions'] = permissions
            external = set(run.before.get('external', [])) | set(p.address for p in run.spec.permissions or [] if p.external)
            if external:
                view['external'] = sorted(a for a in external if a.lower() in set(label.lower() for label in permissions))
        return view
