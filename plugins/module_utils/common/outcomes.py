# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""What a task reports about its items: problems found before any write, and writes Graph refused.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

One type for each, used by every module and planner (none of this knows Ansible):

- ``Problem``: something in the input that stops the task before its first write. It reads as one sentence
  (``users[3] (adele@contoso.com): usageLocation: ...``, ``memberships[1].groups[0]: ...``) and carries the parts
  a role or a caller maps without parsing the sentence: ``item``, ``field``, ``subject`` and ``reason``.
- ``InputError``: raised by parsers and planners that must stop; carries the problems.
- ``failure()``: the record of one write (or read) Graph refused: ``item``, ``subject``, ``action``, ``status``,
  ``code``, ``message``, and whatever else names the object (ids, names).
"""

from __future__ import annotations


class Problem(str):
    """A problem with the input, named by where it is.

    ``item`` is the list entry (``users[3]``), ``field`` the key inside it (``usageLocation``, ``events[0].start``),
    ``subject`` what the item is about as people name it (a userPrincipalName, a mailbox), ``reason`` what is wrong.
    The sentence is ``item.field: reason``; with ``named`` it is ``item (subject): field: reason``, for items a
    person knows by their subject rather than by their place. ``where`` names the place another way (``''``: none),
    and ``joiner`` is what goes between place and reason (``' '`` for "groups must be a list ..."). ``hint``, when
    given, says how to fix it (after the reason); a caller with other means (a role) may give its own instead.
    """

    __slots__ = ('reason', 'item', 'field', 'subject', 'named', 'where', 'joiner', 'placed', 'hint')

    def __new__(cls, reason, item=None, field=None, subject=None, named=False, where=None, joiner=': ', hint=None):
        placed = where is None
        if placed:
            where = _where(item, field, subject, named)
        said = '%s; %s' % (reason, hint) if hint else reason
        obj = str.__new__(cls, '%s%s%s' % (where, joiner, said) if where else said)
        obj.reason = reason
        obj.hint = hint
        obj.item = item
        obj.field = field
        obj.subject = subject
        obj.named = named
        obj.where = where
        obj.joiner = joiner
        obj.placed = placed and not named
        return obj

    @property
    def said(self):
        """The reason with its hint, without the place."""
        return '%s; %s' % (self.reason, self.hint) if self.hint else self.reason

    @property
    def message(self):
        return str(self)

    def to_dict(self):
        """Plain-type view for module results (``hint`` only when there is one)."""
        record = {'item': self.item, 'field': self.field, 'subject': self.subject, 'reason': self.reason, 'message': str(self)}
        if self.hint:
            record['hint'] = self.hint
        return record


def _sentence(where, reason):
    return '%s: %s' % (where, reason) if where else reason


def summarise(problems, limit=20, places_shown=5):
    """The problems as one line: each in turn, and a reason found at several places (a misspelt group in many items)
    once, after its places. At most ``limit`` entries, then how many more there are."""
    entries, places = [], {}
    for problem in problems:
        if not problem.placed or not problem.where or problem.joiner != ': ':
            entries.append((str(problem), None))
        elif problem.said in places:
            places[problem.said].append(problem.where)
        else:
            places[problem.said] = [problem.where]
            entries.append((problem.said, places[problem.said]))
    lines = []
    for text, where in entries[:limit]:
        if where is None:
            lines.append(text)
            continue
        shown = ', '.join(where[:places_shown]) + (' and %d more' % (len(where) - places_shown) if len(where) > places_shown else '')
        lines.append(_sentence(shown, text))
    if len(entries) > limit:
        lines.append('and %d more (see problems)' % (len(entries) - limit))
    return '; '.join(lines)


def _where(item, field, subject, named):
    if named:
        place = '%s (%s)' % (item, subject) if item and subject else item or subject
        return '%s: %s' % (place, field) if place and field else place or field
    return '.'.join(part for part in (item, field) if part)


class InputError(ValueError):
    """The input has problems; nothing was written. ``problems`` are ``Problem`` objects (or plain sentences)."""

    def __init__(self, problems):
        self.problems = [problem if isinstance(problem, Problem) else Problem(str(problem)) for problem in problems]
        super().__init__('; '.join(self.problems))


def failure(action, subject, item=None, status=None, code=None, message=None, error=None, **detail):
    """The record of one request Graph refused (or that was not attempted), as a plain dict for results.

    ``error`` (a ``GraphError``) fills ``status``, ``code`` and ``message``; ``detail`` adds keys that name the
    object (``userPrincipalName``, ``group_id``, ...).
    """
    if error is not None:
        status, code, message = error.status, error.code, error.message
    record = dict(detail)
    record.update({'item': item, 'subject': subject, 'action': action, 'status': status, 'code': code, 'message': message})
    return record


def failure_from(answer, action, subject, item=None, **detail):
    """``failure`` for a ``GraphResponse`` that did not succeed."""
    return failure(action, subject, item, error=answer.error(), **detail)


def failure_line(record):
    """``subject: action: status code: message`` for one failure record; a problem's record reads as its message."""
    if record.get('action') == 'validate':
        return record['message']
    label = ('%s %s' % (record['item'], record['subject'] or '')).strip() if record.get('item') else str(record.get('subject'))
    status = '%s %s: ' % (record['status'], record.get('code') or '') if record.get('status') else ''
    return '%s: %s: %s%s' % (label, record['action'], status, record['message'])
