# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Checks on a task's raw input that Ansible's own validation reports badly or not at all.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Pure functions on the argument spec and the parameters as the task gave them (before Ansible converts
them): option names that do not exist, lists given as text, non-dict list items, numbers out of range.
"""

from __future__ import annotations

import difflib

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem


def list_as_text(value, why=''):
    """The reason for a list given as text (Ansible would split ``"Engineering, All staff"`` at commas), or None.

    ``why`` says what the list holds, as a phrase in parentheses (`` (Graph's otherMails holds several values)``).
    """
    if not isinstance(value, (str, bytes)):
        return None
    return "must be a list%s, got the text %r; write it as a YAML list ([a, b] or one '- item' per line)" % (why, value)


def range_problem(name, value, low=None, high=None, low_allowed=True):
    """A sentence saying why ``value`` is outside the allowed range of option ``name``, or None."""
    if value is None:
        return None
    too_low = low is not None and (value < low or (value == low and not low_allowed))
    too_high = high is not None and value > high
    if not (too_low or too_high):
        return None
    if low is not None and high is not None:
        wanted = '%s %s and at most %s' % ('at least' if low_allowed else 'greater than', low, high)
    elif low is not None:
        wanted = '%s %s' % ('at least' if low_allowed else 'greater than', low)
    else:
        wanted = 'at most %s' % high
    return Problem('must be %s, got %s' % (wanted, value), field=name, joiner=' ')


def check_raw_parameters(spec, params, module_name=None, path=''):
    """Problems found on the raw (unconverted) input, each naming its place.

    - an option name that does not exist, with the closest existing one suggested (reported before the
      "missing required" errors it would otherwise cause);
    - a list option given as text;
    - an element of a list of dicts that is not a dict;
    - the same checks inside ``options`` of list and dict options, naming the item (``memberships[2].groups``).
    """
    problems = []
    if not isinstance(params, dict):
        return problems
    known = {}
    for name, options in spec.items():
        known[name] = name
        for alias in options.get('aliases') or ():
            known[alias] = name
    unknown = [key for key in params if key not in known and not str(key).startswith('_ansible_')]
    for key in unknown:
        close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
        hint = " (did you mean '%s'?)" % known[close[0]] if close else ''
        reason = "unsupported option '%s'%s; %s takes: %s" % (key, hint, module_name or 'this module', ', '.join(sorted(spec)))
        problems.append(Problem(reason, path or None, str(key), where=path))
    for name, options in spec.items():
        value = _raw_value(params, name, options)
        if value is None:
            continue
        where = '%s.%s' % (path, name) if path else name
        if options.get('type') == 'list':
            reason = list_as_text(value)
            if reason:
                problems.append(Problem(reason, path or None, name, joiner=' '))
                continue
        if options.get('type') == 'list' and options.get('elements') == 'dict' and isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    reason = 'must be a dict, got %s %r' % (type(item).__name__, item)
                    problems.append(Problem(reason, '%s[%d]' % (where, index), joiner=' '))
        suboptions = options.get('options')
        if not suboptions:
            continue
        if options.get('type') == 'list' and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    problems.extend(check_raw_parameters(suboptions, item, name, '%s[%d]' % (where, index)))
        elif isinstance(value, dict):
            problems.extend(check_raw_parameters(suboptions, value, name, where))
    return problems


def _raw_value(params, name, options):
    if name in params:
        return params[name]
    for alias in options.get('aliases') or ():
        if alias in params:
            return params[alias]
    return None
