# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""The offboarding role's report: what stops the role before its first write, the plan per leaver, and what is left.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Built from the structured results of graph_user_info (the lookup), graph_calendar (the automatic replies, checked
and set), graph_group_membership (the check and the removals) and graph_user_bulk (disable, licences, delete).
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import key_of
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.rules import EXCHANGE, ON_PREMISES, ROLE_ASSIGNABLE
from ansible_collections.mynster.msgraph.plugins.module_utils.users.mailboxes import MAILBOX_OUTCOMES
from ansible_collections.mynster.msgraph.plugins.module_utils.workflows.auto_reply import calendar_problem, check_auto_reply, outcomes
from ansible_collections.mynster.msgraph.plugins.module_utils.workflows.report import (
    count,
    failed_without_problems,
    item_index,
    module_problems,
    option_problem,
)

STEPS = ('lookup', 'auto_reply', 'memberships', 'disable', 'licences', 'delete')
# The totals that are changes (the others count what was found or left).
CHANGES = ('auto_replies_set', 'disable', 'revoke_sessions', 'groups_removed', 'licenses_removed', 'delete')
DELETED_MAILBOX = ('deleted with the account: restoring the user within 30 days brings the mailbox back, after that Exchange '
                   'Online removes it for good')
# The module options a problem may name, and the role variable the user set instead.
ROLE_VARIABLES = {'max_removals': 'offboarding_max_group_removals', 'users': 'offboarding_users'}
# Groups whose members another system owns: an admin removes the leaver there (summary label per kind).
ELSEWHERE = {EXCHANGE: 'EXCHANGE ONLINE', ON_PREMISES: 'ON-PREMISES AD'}
KEPT_FOR_MAILBOX = ("kept: it grants the leaver's last licence with an Exchange Online mailbox plan, so leaving it would start the "
                    "mailbox's 30-day deletion (offboarding_mailbox=keep)")


class OffboardingReport:
    """The problems and the plan of one offboarding run, from the steps' results (the lookup names the leavers)."""

    def __init__(self, results, preview, delete=False, mailbox='keep', auto_reply=None):
        self.results = dict((step, (results or {}).get(step) or {}) for step in STEPS)
        self.preview = preview
        self.delete = delete
        self.mailbox = mailbox
        self.auto_reply = auto_reply  # offboarding_auto_reply as the role was given it

    # ----- what stops the role before its first write ----------------------------------------

    def problems(self):
        """The lookup's problems as offboarding_users items, offboarding_auto_reply's, leavers not found, and the problems
        of the automatic replies' and the membership checks."""
        lookup, memberships = self.results['lookup'], self.results['memberships']
        if failed_without_problems(lookup):
            return [Problem(lookup.get('msg'))]
        problems = [self._lookup_problem(problem) for problem in module_problems(lookup)] + check_auto_reply(self.auto_reply)
        if problems:
            return problems
        missing = lookup.get('missing') or []
        if missing and not self.delete:
            problems.append(Problem('These leavers were not found: %s. Correct the names, or set offboarding_delete=true if they were '
                                    'deleted already.' % ', '.join(missing), field='offboarding_users', where=''))
        problems.extend(self._auto_reply_problems())
        if failed_without_problems(memberships):
            problems.append(Problem(memberships.get('msg')))
        for problem in module_problems(memberships):
            field = ROLE_VARIABLES.get(problem.get('field'), problem.get('field'))
            problems.append(Problem(problem.get('reason'), field=field) if field else Problem(problem.get('message')))
        return problems

    def _auto_reply_problems(self):
        """The automatic replies check's problems (graph_calendar for the leavers, in the lookup's order), each once."""
        result = self.results['auto_reply']
        if failed_without_problems(result):
            return [Problem(result.get('msg'))]
        leavers = [user.get('userPrincipalName') for user in self.results['lookup'].get('users') or []]
        problems, seen = [], set()
        for problem in module_problems(result):
            mapped = calendar_problem(problem, leavers)
            if str(mapped) not in seen:
                seen.add(str(mapped))
                problems.append(mapped)
        return problems

    @staticmethod
    def refusal(problems):
        """The message the role stops with before its first write."""
        return 'Nothing was changed%s %s' % (':' if problems[0].where else '.', '; '.join(problems))

    @staticmethod
    def _lookup_problem(problem):
        index = item_index(problem.get('item'), 'users')
        if index is not None:
            return Problem(problem.get('reason'), 'offboarding_users[%d]' % index, problem.get('field'))
        return option_problem(problem, ROLE_VARIABLES) or Problem(problem.get('message') or problem.get('reason'))

    # ----- the leavers, as the modules take them --------------------------------------------------

    def leavers(self):
        """The leavers the lookup found, as each step's module takes them: ``users`` to disable or delete, ``memberships``
        (no group wanted; with offboarding_mailbox=keep, the groups a leaver's last mailbox licences come from kept) and
        ``licences`` (none wanted; graph_user_bulk's mailbox_licenses keeps direct mailbox licences)."""
        leavers = {'users': [], 'memberships': [], 'licences': []}
        for user in self.results['lookup'].get('users') or []:
            upn = user.get('userPrincipalName')
            leavers['users'].append({'userPrincipalName': upn})
            membership = {'user': upn, 'groups': []}
            kept = self.mailbox_groups(upn)
            if kept:
                membership['keep'] = kept
            leavers['memberships'].append(membership)
            leavers['licences'].append({'userPrincipalName': upn, 'licenses': []})
        return leavers

    def mailbox_groups(self, upn):
        """The ids of the groups a leaver stays in so that its mailbox stays: with offboarding_mailbox=keep (and no
        deletion), the groups granting its licences with a mailbox plan, when it holds no such licence directly (a direct
        one is kept by the licence step). Every such group is kept: which of them Graph can change is only known later."""
        if self.mailbox != 'keep' or self.delete:
            return []
        records = self._mailbox_licences().get(key_of(upn)) or []
        if any(record.get('group_id') is None for record in records):
            return []
        return list(dict.fromkeys(record['group_id'] for record in records if record.get('group_id')))

    def _mailbox_licences(self):
        lookup = self.results['lookup']
        return dict((key_of(upn), records) for upn, records in (lookup.get('mailbox_licenses') or {}).items())

    # ----- the plan ------------------------------------------------------------------------------

    def plan(self):
        """What the run did (or, in a preview, would do) per leaver, with totals, what was left, and the printable summary."""
        lookup, memberships = self.results['lookup'], self.results['memberships']
        done = dict((step, set(key_of(entry.get('userPrincipalName')) for entry in self.results[step].get(kind) or []))
                    for step, kind in (('disable', 'disabled'), ('delete', 'deleted')))
        revoked = set(key_of(entry.get('userPrincipalName')) for entry in self.results['disable'].get('revoked') or [])
        licences_of = {}
        for kind in ('created', 'updated', 'disabled'):
            for entry in self.results['licences'].get(kind) or []:
                if 'licenses' in entry:
                    licences_of[key_of(entry.get('userPrincipalName'))] = (entry['licenses'] or {}).get('removed') or []
        mailboxes = dict((key_of(entry.get('userPrincipalName')), entry) for entry in self.results['licences'].get('mailboxes') or [])
        removals = [entry for entry in memberships.get('removed') or [] if entry.get('member_type') == 'user']
        skipped = memberships.get('skipped_memberships') or []
        ids = lookup.get('ids') or {}
        synchronised = set(key_of(upn) for upn in lookup.get('synchronised') or [])
        inherited_of = dict((key_of(upn), records) for upn, records in (lookup.get('inherited_licenses') or {}).items())
        replies = outcomes(self.results['auto_reply'])
        mailbox_of = self._mailbox_licences()
        names_of = dict((record.get('group_id'), record.get('group')) for records in mailbox_of.values() for record in records)
        entries = []
        for user in lookup.get('users') or []:
            upn = user.get('userPrincipalName')
            key = key_of(upn)
            entry = {'userPrincipalName': upn, 'id': ids.get(upn), 'disable': key in done['disable'], 'revoke_sessions': key in revoked,
                     'groups_removed': [], 'groups_left': [], 'groups_elsewhere': [], 'groups_not_changed': [],
                     'licenses_removed': licences_of.get(key, []),
                     'delete': key in done['delete']}
            entry['groups_removed'] = [removed.get('group') or removed.get('group_id') for removed in removals
                                       if key_of(removed.get('member')) == key]
            for left in skipped:
                if key_of(left.get('member')) != key:
                    continue
                group = left.get('group') or left.get('group_id')
                if left.get('kind') == ROLE_ASSIGNABLE or left.get('permission'):
                    entry['groups_not_changed'].append({'group': group, 'reason': left.get('reason'), 'permission': left['permission']})
                elif left.get('kind') in ELSEWHERE:
                    entry['groups_elsewhere'].append({'group': group, 'group_id': left.get('group_id'), 'kind': left['kind'],
                                                      'reason': left.get('reason'), 'remedy': left.get('remedy'), 'command': left.get('command')})
                else:
                    entry['groups_left'].append('%s (%s)' % (group, left.get('reason')))
            removed_here = [r for r in removals if key_of(r.get('member')) == key]
            kept_here = self.mailbox_groups(upn)
            entry['groups_kept'] = [{'group': names_of.get(group_id) or group_id, 'group_id': group_id, 'reason': KEPT_FOR_MAILBOX}
                                    for group_id in kept_here]
            entry['licenses_inherited'] = inherited_fate(inherited_of.get(key) or [], removed_here,
                                                         [left for left in skipped if key_of(left.get('member')) == key] + entry['groups_kept'])
            entry['auto_reply'], entry['auto_reply_reason'] = replies.get(key, (None, None))
            entry['mailbox'] = self._mailbox(entry, mailboxes.get(key), mailbox_of.get(key), removed_here)
            entry['synchronised'] = key in synchronised
            entry['needs_on_premises'] = on_premises_actions(entry, self.delete) if entry['synchronised'] else []
            entries.append(entry)
        totals = {
            'users': len(entries),
            'not_found': len(lookup.get('missing') or []),
            'auto_replies_set': count(entries, lambda e: e['auto_reply'] == 'set'),
            'auto_replies_no_mailbox': count(entries, lambda e: e['auto_reply'] == 'no mailbox'),
            'disable': count(entries, lambda e: e['disable']),
            'revoke_sessions': count(entries, lambda e: e['revoke_sessions']),
            'groups_removed': sum(len(e['groups_removed']) for e in entries),
            'licenses_removed': sum(len(e['licenses_removed']) for e in entries),
            'delete': count(entries, lambda e: e['delete']),
            'groups_not_changed': sum(len(e['groups_not_changed']) for e in entries),
            'mailboxes_kept': count(entries, lambda e: e['mailbox']['outcome'] == 'kept'),
            'mailboxes_released': count(entries, lambda e: e['mailbox']['outcome'] == 'released'),
            'needs_on_premises': count(entries, lambda e: e['needs_on_premises']),
            'groups_elsewhere': sum(len(e['groups_elsewhere']) for e in entries),
        }
        not_changed = [dict(group, userPrincipalName=entry['userPrincipalName']) for entry in entries for group in entry['groups_not_changed']]
        elsewhere = [dict(group, userPrincipalName=entry['userPrincipalName']) for entry in entries for group in entry['groups_elsewhere']]
        changed = any(value for key, value in totals.items() if key in CHANGES)
        plan = {'check_mode': self.preview, 'changed': changed, 'totals': totals, 'users': entries,
                'not_found': list(lookup.get('missing') or []), 'groups_not_changed': not_changed, 'groups_elsewhere': elsewhere,
                'needs_on_premises': [{'userPrincipalName': e['userPrincipalName'], 'id': e['id'], 'actions': e['needs_on_premises']}
                                      for e in entries if e['needs_on_premises']]}
        plan['summary'] = self.summary(plan)
        plan['left_undone'] = left_undone(plan)
        plan['on_premises_left'] = on_premises_left(plan)
        return plan

    def _mailbox(self, entry, fate, records, removed):
        """What becomes of a leaver's mailbox: ``{'outcome', 'kept_licenses', 'message'}``.

        ``fate`` is the licence step's word on it (graph_user_bulk's ``mailboxes`` entry, or None), ``records`` the lookup's
        mailbox licences of the leaver (before the run), ``removed`` the memberships the run removes from it. The licence
        step reads the user after the memberships step, or in a preview before it, so a mailbox licence inherited from a
        group the leaver leaves is judged here, from the lookup.
        """
        if entry['delete']:
            return {'outcome': 'deleted', 'kept_licenses': [], 'message': DELETED_MAILBOX}
        inherited = [record for record in records or [] if record.get('group_id')]
        if inherited:
            return self._inherited_mailbox(entry, fate, records, inherited, removed)
        if fate is None:
            reason = ('licences were not removed (offboarding_remove_licenses=false)' if self.results['licences'].get('skipped')
                      else 'licences were not removed')
            return {'outcome': 'unchanged', 'kept_licenses': [], 'message': reason}
        kept = list(fate.get('kept_licenses') or [])
        message = fate.get('message')
        if kept:
            message = '%s (%s kept: %s an Exchange Online mailbox plan; offboarding_mailbox=keep)' % (
                message, ', '.join(kept), 'they carry' if len(kept) > 1 else 'it carries')
        return {'outcome': fate.get('mailbox'), 'kept_licenses': kept, 'message': message}

    def _inherited_mailbox(self, entry, fate, records, inherited, removed):
        """``_mailbox`` for a leaver holding a mailbox licence through a group."""
        left_ids = set(r.get('group_id') for r in removed if r.get('group_id'))
        if fate is None:
            direct = [r['sku'] for r in records if r.get('group_id') is None and r['sku'] not in entry['licenses_removed']]
        else:
            direct = list(fate.get('kept_licenses') or [])
        through = [r for r in inherited if r['group_id'] not in left_ids]
        if fate is None and not [r for r in inherited if r['group_id'] in left_ids]:
            reason = 'licences were not removed (offboarding_remove_licenses=false)' if self.results['licences'].get('skipped') else 'licences were not removed'
            return {'outcome': 'unchanged', 'kept_licenses': [], 'message': reason}
        if not direct and not through:
            going = ', '.join("%s through '%s'" % (r['sku'], r.get('group') or r['group_id']) for r in inherited)
            return {'outcome': 'released', 'kept_licenses': [], 'message': '%s (%s, whose group the leaver leaves)' % (MAILBOX_OUTCOMES['released'], going)}
        kept = [r['group_id'] for r in entry['groups_kept']]
        sources = ['%s kept: %s an Exchange Online mailbox plan; offboarding_mailbox=keep' % (
            ', '.join(direct), 'they carry' if len(direct) > 1 else 'it carries')] if direct else []
        sources += ["%s through '%s'%s" % (r['sku'], r.get('group') or r['group_id'], ', a membership kept for it' if r['group_id'] in kept else '')
                    for r in through]
        return {'outcome': 'kept', 'kept_licenses': direct, 'message': '%s (%s)' % (MAILBOX_OUTCOMES['kept'], '; '.join(sources))}

    def summary(self, plan):
        """The plan as lines to print."""
        preview, totals = plan['check_mode'], plan['totals']
        on_premises = len(plan['needs_on_premises'])
        if preview:
            lines = ['Offboarding preview (check mode): nothing has been changed.']
        elif on_premises:
            lines = ['Offboarding %s in the cloud; NOT DONE for %d synchronised leaver(s) until on-premises Active Directory is '
                     'changed (see ON-PREMISES below).' % ('done' if plan['changed'] else 'already done, nothing changed', on_premises)]
        elif plan['changed']:
            lines = ['Offboarding done.']
        else:
            lines = ['Offboarding: everything was already done, nothing changed.']
        counts = [('disable', 'account(s) to disable', 'account(s) disabled'),
                  ('revoke_sessions', 'session revocation(s)', 'session revocation(s)'),
                  ('groups_removed', 'group membership(s) to remove', 'group membership(s) removed'),
                  ('licenses_removed', 'licence(s) to remove', 'licence(s) removed')]
        if self.delete:
            counts.append(('delete', 'account(s) to delete', 'account(s) deleted'))
        if any(user['auto_reply'] for user in plan['users']):
            counts.insert(0, ('auto_replies_set', 'automatic reply(ies) to set', 'automatic reply(ies) set'))
        lines.append('%d leaver(s): %s' % (totals['users'], ', '.join('%d %s' % (totals[key], to_do if preview else done)
                                                                      for key, to_do, done in counts)))
        for user in plan['users']:
            steps = [to_do if preview else done for key, to_do, done in (('disable', 'disable', 'disabled'),
                                                                         ('revoke_sessions', 'revoke sign-in sessions', 'sign-in sessions revoked'),
                                                                         ('delete', 'delete', 'deleted')) if user[key]]
            if user['synchronised'] and user['disable'] and not preview:
                steps[0] = 'disabled in the cloud only (until the next synchronisation)'
            if (steps or user['groups_removed'] or user['licenses_removed'] or user['groups_not_changed'] or user['groups_elsewhere']
                    or user['needs_on_premises'] or user['auto_reply'] in ('set', 'no mailbox', 'failed')):
                lines.append(user['userPrincipalName'])
            else:
                lines.append('%s - nothing left to do' % user['userPrincipalName'])
            if user['auto_reply']:
                lines.append('    auto-reply: ' + auto_reply_line(user, preview))
            if steps:
                lines.append('    account:  ' + ', '.join(steps))
            if user['groups_removed']:
                lines.append('    groups:   ' + ', '.join('- ' + group for group in user['groups_removed']))
            if user['groups_left']:
                lines.append('    kept:     %s (Graph cannot change these)' % ', '.join(user['groups_left']))
            if user['groups_kept']:
                lines.append('    kept:     %s (for the mailbox: the leaver\'s last mailbox licence comes through them; offboarding_mailbox=keep)'
                             % ', '.join("'%s'" % group['group'] for group in user['groups_kept']))
            for group in user['groups_not_changed']:
                lines.append("    NOT CHANGED: '%s' - %s" % (group['group'], group['reason']))
            for group in user['groups_elsewhere']:
                advice = group['command'] or group['remedy']
                lines.append("    %s: '%s' (%s) - %s" % (ELSEWHERE[group['kind']], group['group'], group['reason'], advice))
            if user['licenses_removed']:
                lines.append('    licences: ' + ', '.join('- ' + name for name in user['licenses_removed']))
            inherited = user['licenses_inherited']
            if inherited['going']:
                lines.append('    inherited licences going with their groups: ' + ', '.join(
                    "%s ('%s')" % (item['sku'], item['group']) for item in inherited['going']))
            for item in inherited['staying']:
                lines.append("    inherited licence staying: %s through '%s' (%s)" % (item['sku'], item['group'], item['reason']))
            if user['mailbox']['outcome'] not in ('unchanged', 'none'):
                lines.append('    mailbox:  ' + user['mailbox']['message'])
            for action in user['needs_on_premises']:
                lines.append('    ON-PREMISES: ' + action)
        for key in plan['not_found']:
            lines.append('%s - not found (deleted already)' % key)
        if plan['groups_elsewhere']:
            lines.append('%d group membership(s) Graph cannot change are left for an admin: see %s above (the role does not fail for them).'
                         % (len(plan['groups_elsewhere']), ' and '.join(sorted(set(ELSEWHERE[g['kind']] for g in plan['groups_elsewhere'])))))
        return lines


def auto_reply_line(user, preview):
    """What became (or would become) of a leaver's automatic replies, for the summary."""
    outcome = user['auto_reply']
    if outcome == 'set':
        return 'to set' if preview else 'set'
    if outcome == 'no mailbox':
        return 'not set: %s' % (user['auto_reply_reason'] or 'no mailbox')
    if outcome == 'failed':
        return 'NOT SET: Graph refused it (see the step before)'
    return outcome


def inherited_fate(records, removed, left):
    """A leaver's inherited licences (graph_user_info's ``inherited_licenses`` records) split into those that go with the
    group memberships this run removes and those that stay, each staying one with why its group keeps the leaver."""
    removed_ids = set(entry.get('group_id') for entry in removed if entry.get('group_id'))
    reasons = dict((entry.get('group_id'), entry.get('reason')) for entry in left)
    going, staying = [], []
    for record in records:
        item = {'sku': record.get('sku'), 'group': record.get('group') or record.get('group_id')}
        if record.get('group_id') in removed_ids:
            going.append(item)
        else:
            item['reason'] = reasons.get(record.get('group_id')) or 'the membership is not removed by this run'
            staying.append(item)
    return {'going': going, 'staying': staying}


def on_premises_actions(entry, delete):
    """What on-premises AD must still do for a synchronised leaver (the cloud cannot make it last)."""
    actions = ['disable the account in on-premises Active Directory: the next synchronisation (about every 30 minutes) '
               'enables it again otherwise']
    if delete:
        actions.append('delete the account in Active Directory, or move it out of the synchronisation scope: Graph cannot delete it')
    return actions


def on_premises_left(plan):
    """The synchronised leavers on-premises AD must still disable, as one sentence (the warning), or None."""
    left = plan['needs_on_premises']
    if not left:
        return None
    return ('%d synchronised leaver(s) %s in the cloud only and are not offboarded until on-premises Active Directory disables '
            'them (the next synchronisation enables them again otherwise): %s' % (
                len(left), 'would be disabled' if plan['check_mode'] else 'are disabled',
                ', '.join(entry['userPrincipalName'] for entry in left)))


def left_undone(plan):
    """Why the role fails after doing everything else (memberships the token could not change), or None."""
    left = plan['groups_not_changed']
    if not left:
        return None
    return ('%s %d group membership(s) as they are: %s. Grant the app that permission and run the role again to complete the job.'
            % ('Offboarding would do everything else, but leave' if plan['check_mode'] else 'Offboarding did everything else, but left',
               len(left), '; '.join("%s in '%s' (%s)" % (entry['userPrincipalName'], entry['group'], entry['reason']) for entry in left)))
