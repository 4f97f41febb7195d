# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""The offboarding role's ``offboarding_auto_reply``: checked, and graph_calendar's answers read per leaver.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

The variable is ``null`` (no automatic replies), the message as text (for senders inside and outside the
organisation), or a dict with ``message``, optional ``external_message`` and ``external_audience``. The role's
template ``auto_reply.json.j2`` turns it into graph_calendar's ``automatic_replies`` (``message`` becomes
``internal_message``); its problems are named here by the variable's own keys.
"""

from __future__ import annotations

import difflib

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import EXTERNAL_AUDIENCES
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.times import kind_of
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import key_of

VARIABLE = 'offboarding_auto_reply'
KEYS = ('message', 'external_message', 'external_audience')
# graph_calendar's automatic_replies fields, as the role's variable names them.
MODULE_FIELDS = {'automatic_replies': VARIABLE, 'automatic_replies.internal_message': VARIABLE + '.message',
                 'automatic_replies.external_message': VARIABLE + '.external_message',
                 'automatic_replies.external_audience': VARIABLE + '.external_audience'}
# What graph_calendar's per-mailbox outcome means for a leaver, in the plan.
OUTCOMES = {'set': 'set', 'unchanged': 'already set', 'skipped': 'no mailbox', 'failed': 'failed', 'pending': 'no mailbox'}


def _problem(field, reason):
    return Problem(reason, field=field)


def _message(value, field, problems):
    if isinstance(value, str) and value.strip():
        return
    if value is None or isinstance(value, str):
        problems.append(_problem(field, 'is empty; give the message (text or HTML)'))
    else:
        problems.append(_problem(field, 'must be the message as text, got %s' % kind_of(value)))


def check_auto_reply(value):
    """The problems of ``offboarding_auto_reply`` as the role was given it, each named by the variable and its key."""
    if value is None:
        return []
    problems = []
    if isinstance(value, str):
        _message(value, VARIABLE, problems)
        return problems
    if not isinstance(value, dict):
        return [_problem(VARIABLE, 'must be the message (text) or a dict with message, external_message and external_audience, got %s'
                         % kind_of(value))]
    for key in value:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1, cutoff=0.6)
            hint = " (did you mean '%s'?)" % close[0] if close else ''
            problems.append(_problem(VARIABLE, "unsupported key '%s'%s; allowed: %s" % (key, hint, ', '.join(KEYS))))
    _message(value.get('message'), VARIABLE + '.message', problems)
    if value.get('external_message') is not None:
        _message(value['external_message'], VARIABLE + '.external_message', problems)
    audience = value.get('external_audience')
    if audience is not None and audience not in EXTERNAL_AUDIENCES:
        close = [name for name in EXTERNAL_AUDIENCES if isinstance(audience, str) and name.lower() == audience.strip().lower()]
        hint = " (did you mean '%s'? values are case-sensitive)" % close[0] if close else ''
        problems.append(_problem(VARIABLE + '.external_audience', '%r is not one of %s%s' % (audience, ', '.join(EXTERNAL_AUDIENCES), hint)))
    return problems


def calendar_problem(problem, leavers):
    """A problem of graph_calendar's run for the leavers (``calendars[i]`` is ``leavers[i]``) in the role's terms."""
    item, dot, inner = str(problem.get('item') or '').partition('.')
    field = '.'.join(part for part in (inner, problem.get('field')) if part) or None
    index = None
    if item.startswith('calendars[') and item.endswith(']') and item[len('calendars['):-1].isdigit():
        index = int(item[len('calendars['):-1])
    if field in MODULE_FIELDS:
        return Problem(problem.get('reason'), field=MODULE_FIELDS[field])
    if index is not None and index < len(leavers):
        return Problem(problem.get('reason'), field='automatic replies', subject=leavers[index], named=True)
    return Problem(problem.get('message') or problem.get('reason'))


def outcomes(result):
    """``{lower-case mailbox: (plan outcome, reason)}`` from graph_calendar's result (empty when the step did not run)."""
    found = {}
    for entry in (result or {}).get('calendars') or []:
        replies = entry.get('automatic_replies') if isinstance(entry, dict) else None
        if not replies:
            continue
        outcome = OUTCOMES.get(replies.get('outcome'), replies.get('outcome'))
        found[key_of(entry.get('mailbox') or '')] = (outcome, entry.get('reason'))
    return found
