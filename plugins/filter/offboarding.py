# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters behind the mynster.msgraph.offboarding role: look the leavers up, build each step's input, and
put together the plan the role prints and returns.

Documentation of each filter is in the ``<filter name>.yml`` file beside this one.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.mynster.msgraph.plugins.filter.onboarding import answers_by_id, result_list, user_path

USER_FIELDS = 'id,userPrincipalName,displayName,accountEnabled'


def _keys(users):
    if not isinstance(users, list) or not all(isinstance(user, str) and user.strip() for user in users):
        raise AnsibleFilterError('offboarding_users must be a list of userPrincipalNames or object ids')
    return [user.strip() for user in users]


def offboarding_lookups(users):
    """One GET per leaver (by UPN or object id) for mynster.msgraph.graph_batch, to find the accounts and their UPNs."""
    return [{'id': 'leaver:%d' % index, 'url': '%s?$select=%s' % (user_path(key), USER_FIELDS)} for index, key in enumerate(_keys(users))]


def offboarding_leavers(users, responses):
    """The leavers that exist, the ones that do not (404), lookup errors, and the inputs of the later steps."""
    answers = answers_by_id(responses)
    found, missing, errors, seen = [], [], [], set()
    for index, key in enumerate(_keys(users)):
        answer = answers.get('leaver:%d' % index) or {}
        status = answer.get('status')
        body = answer.get('body') if isinstance(answer.get('body'), dict) else {}
        if status == 200 and body.get('id'):
            if body['id'] in seen:
                continue  # the same account named twice (by id and by UPN)
            seen.add(body['id'])
            found.append({'key': key, 'id': body['id'], 'userPrincipalName': body.get('userPrincipalName'),
                          'displayName': body.get('displayName'), 'accountEnabled': body.get('accountEnabled')})
        elif status == 404:
            missing.append(key)
        else:
            error = body.get('error') or {}
            errors.append('%s: %s %s' % (key, status, error.get('message') or error.get('code') or 'no answer'))
    upns = [user['userPrincipalName'] for user in found]
    return {
        'found': found,
        'missing': missing,
        'errors': errors,
        'upns': upns,
        'users': [{'userPrincipalName': upn} for upn in upns],
        'memberships': [{'user': upn, 'groups': []} for upn in upns],
        'license_users': [{'userPrincipalName': upn, 'licenses': []} for upn in upns],
    }


def offboarding_revocations(upns):
    """POST revokeSignInSessions requests for mynster.msgraph.graph_batch, one per account."""
    return [{'id': 'revoke:%s' % str(upn).lower(), 'method': 'POST', 'url': '%s/revokeSignInSessions' % user_path(upn)}
            for upn in upns or []]


def _names(entries, field='userPrincipalName'):
    return set(str(entry if isinstance(entry, str) else (entry or {}).get(field)).lower() for entry in entries)


def _licences_removed(result):
    """{upn: [skuPartNumber]} of the direct licences graph_user_bulk removed (or would remove)."""
    removed = {}
    for name in ('created', 'updated', 'disabled'):
        for entry in result_list(result, name):
            names = ((entry or {}).get('licenses') or {}).get('removed') or []
            if names:
                removed.setdefault(str(entry.get('userPrincipalName')).lower(), []).extend(str(n) for n in names)
    return removed


def offboarding_plan(leavers, disable_result=None, revoked=None, membership_result=None, license_result=None, delete_result=None,
                     check_mode=False, delete=False):
    """What the run does (or, in check mode, would do) per leaver, with totals and readable summary lines."""
    disabled = _names(result_list(disable_result, 'disabled'))
    revoked = set(str(upn).lower() for upn in revoked or [])
    deleted = _names(result_list(delete_result, 'deleted'))
    removed_groups, skipped_groups = {}, {}
    for entry in result_list(membership_result, 'removed'):
        removed_groups.setdefault(str(entry.get('member')).lower(), []).append(entry.get('group') or entry.get('group_id'))
    for entry in result_list(membership_result, 'skipped_memberships'):
        label = '%s (%s)' % (entry.get('group') or entry.get('group_id'), entry.get('reason') or 'not changeable')
        skipped_groups.setdefault(str(entry.get('member')).lower(), []).append(label)
    licences = _licences_removed(license_result)
    plan_users = []
    for user in leavers.get('found') or []:
        key = str(user['userPrincipalName']).lower()
        plan_users.append({
            'userPrincipalName': user['userPrincipalName'], 'id': user['id'],
            'disable': key in disabled, 'revoke_sessions': key in revoked, 'groups_removed': removed_groups.get(key, []),
            'groups_left': skipped_groups.get(key, []), 'licenses_removed': licences.get(key, []), 'delete': key in deleted,
        })
    totals = {
        'users': len(plan_users),
        'not_found': len(leavers.get('missing') or []),
        'disable': sum(1 for u in plan_users if u['disable']),
        'revoke_sessions': sum(1 for u in plan_users if u['revoke_sessions']),
        'groups_removed': sum(len(u['groups_removed']) for u in plan_users),
        'licenses_removed': sum(len(u['licenses_removed']) for u in plan_users),
        'delete': sum(1 for u in plan_users if u['delete']),
    }
    plan = {'check_mode': bool(check_mode), 'users': plan_users, 'not_found': list(leavers.get('missing') or []), 'totals': totals}
    plan['changed'] = any(totals[name] for name in totals if name not in ('users', 'not_found'))
    plan['summary'] = _summary(plan, delete)
    return plan


def _summary(plan, delete):
    check_mode = plan['check_mode']
    totals = plan['totals']
    if check_mode:
        lines = ['Offboarding preview (check mode): nothing has been changed.']
    else:
        lines = ['Offboarding done.' if plan['changed'] else 'Offboarding: everything was already done, nothing changed.']
    counts = [('disable', 'account(s) to disable', 'account(s) disabled'),
              ('revoke_sessions', 'session revocation(s)', 'session revocation(s)'),
              ('groups_removed', 'group membership(s) to remove', 'group membership(s) removed'),
              ('licenses_removed', 'licence(s) to remove', 'licence(s) removed')]
    if delete:
        counts.append(('delete', 'account(s) to delete', 'account(s) deleted'))
    lines.append('%d leaver(s): %s' % (totals['users'], ', '.join('%d %s' % (totals[key], preview if check_mode else done)
                                                                  for key, preview, done in counts)))
    for user in plan['users']:
        steps = [preview if check_mode else done for key, preview, done in (
            ('disable', 'disable', 'disabled'), ('revoke_sessions', 'revoke sign-in sessions', 'sign-in sessions revoked'),
            ('delete', 'delete', 'deleted')) if user[key]]
        if steps or user['groups_removed'] or user['licenses_removed']:
            lines.append(user['userPrincipalName'])
        else:
            lines.append('%s - nothing left to do' % user['userPrincipalName'])
        if steps:
            lines.append('    account:  %s' % ', '.join(steps))
        if user['groups_removed']:
            lines.append('    groups:   %s' % ', '.join('- %s' % group for group in user['groups_removed']))
        if user['groups_left']:
            lines.append('    kept:     %s (Graph cannot change these)' % ', '.join(user['groups_left']))
        if user['licenses_removed']:
            lines.append('    licences: %s' % ', '.join('- %s' % name for name in user['licenses_removed']))
    for key in plan['not_found']:
        lines.append('%s - not found (deleted already)' % key)
    return lines


class FilterModule:
    """Offboarding role filters."""

    def filters(self):
        return {
            'offboarding_lookups': offboarding_lookups,
            'offboarding_leavers': offboarding_leavers,
            'offboarding_revocations': offboarding_revocations,
            'offboarding_plan': offboarding_plan,
        }
