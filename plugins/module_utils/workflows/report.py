# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""What the roles' reports share: module problems mapped to the role's items and keys, by their structured fields.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

import re

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem

_ITEM = re.compile(r'^(\w+)\[(\d+)\]$')


def item_index(item, option):
    """The index in ``option`` that a problem's ``item`` (``memberships[3]``) names, or None."""
    match = _ITEM.match(str(item or ''))
    if not match or match.group(1) != option:
        return None
    return int(match.group(2))


def module_problems(result):
    """The structured problems a module's result carries (none for a result that did not fail that way)."""
    return [problem for problem in (result or {}).get('problems') or [] if isinstance(problem, dict)]


def failed_without_problems(result):
    """True for a result that failed for another reason than problems with its items (a connection error, say).

    The roles register their checks with ``failed_when: false``, so a failure shows as the ``msg`` our modules give
    only when they fail.
    """
    result = result or {}
    return bool(result.get('failed') or 'msg' in result) and not module_problems(result)


def role_problem(subject, field, reason, hint=None):
    """A problem in the role's terms: ``adele@contoso.com: groups[1]: ...``."""
    return Problem(reason, field=field, subject=subject, named=True, hint=hint)


def option_problem(problem, role_variables):
    """A problem with a module option that the role sets from a variable (``replication_timeout``), named by that
    variable (``onboarding_replication_timeout``), or None for any other problem."""
    if problem.get('item') or problem.get('field') not in role_variables:
        return None
    return Problem(problem.get('reason'), field=role_variables[problem['field']])


def count(entries, test):
    return sum(1 for entry in entries if test(entry))


class Mapper:
    """Maps the problems of one step (a module run for the role's items) to the role's items and keys.

    ``option`` is the module's option the items are in, ``indexes`` the role item behind each module item,
    ``subject_of(role index)`` names a role item, ``field_of(module field)`` renames a field into the role's key.
    ``hints`` replace the module's hint (how to fix it) for a field where the role's user fixes it another way;
    ``role_variables`` name the role variable behind a module option (see option_problem).
    """

    def __init__(self, option, indexes, subject_of, field_of, hints=None, role_variables=None):
        self.option = option
        self.indexes = indexes
        self.subject_of = subject_of
        self.field_of = field_of
        self.hints = hints or {}
        self.role_variables = role_variables or {}

    def role_problem(self, problem):
        # A problem inside a suboption names its place in the item: ``calendars[1].events[0]`` with ``attendees``.
        item, dot, inner = str(problem.get('item') or '').partition('.')
        index = item_index(item, self.option)
        if index is None or index >= len(self.indexes):
            return option_problem(problem, self.role_variables) or Problem(problem.get('message') or problem.get('reason'))
        field = '.'.join(part for part in (inner, problem.get('field')) if part) or None
        field = self.field_of(field)
        hint = problem.get('hint')
        if hint and field in self.hints:
            hint = self.hints[field]
        return role_problem(self.subject_of(self.indexes[index]), field, problem.get('reason'), hint)
