# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one problem type and the one failure record every module reports with."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import (
    InputError,
    Problem,
    failure,
    failure_from,
    failure_line,
    summarise,
)


def test_a_problem_reads_as_its_place_and_reason_and_keeps_the_parts():
    problem = Problem('is not a date', 'calendars[2]', 'events[0].start', 'adele@x')
    assert problem == 'calendars[2].events[0].start: is not a date' and problem.where == 'calendars[2].events[0].start'
    assert problem.to_dict() == {'item': 'calendars[2]', 'field': 'events[0].start', 'subject': 'adele@x', 'reason': 'is not a date',
                                 'message': 'calendars[2].events[0].start: is not a date'}
    named = Problem('is required', 'users[3]', 'displayName', 'adele@x', named=True)
    assert named == 'users[3] (adele@x): displayName: is required'
    assert Problem('is required', 'users[1]', 'userPrincipalName', named=True) == 'users[1]: userPrincipalName: is required'
    assert Problem('no access') == 'no access' and Problem('x', field='filter') == 'filter: x'
    joined = Problem('must be a list', 'memberships[0]', 'groups', joiner=' ')
    assert joined == 'memberships[0].groups must be a list' and joined.reason == 'must be a list' and joined.field == 'groups'
    assert Problem('goes with group', 'memberships[0]', 'groups', where="group 'G'") == "group 'G': goes with group"
    assert Problem('unknown option', where='') == 'unknown option'


def test_one_reason_at_several_places_is_told_once():
    problems = [Problem("group 'X' was not found", 'memberships[%d]' % n, 'groups[0]') for n in range(7)]
    problems.insert(1, Problem('is required', 'users[0]', 'displayName', 'a@x', named=True))
    assert summarise(problems) == ("memberships[0].groups[0], memberships[1].groups[0], memberships[2].groups[0], memberships[3].groups[0], "
                                   "memberships[4].groups[0] and 2 more: group 'X' was not found; users[0] (a@x): displayName: is required")
    assert summarise([Problem('bad %d' % n, 'x[%d]' % n) for n in range(3)], limit=2) == 'x[0]: bad 0; x[1]: bad 1; and 1 more (see problems)'


def test_input_error_carries_problems():
    error = InputError([Problem('a', 'x'), 'plain sentence'])
    assert str(error) == 'x: a; plain sentence' and isinstance(error.problems[1], Problem)


def test_failure_records_from_errors_and_answers():
    record = failure('licenses', 'a@x', error=GraphError('invalid usage location', status=400, code='Request_BadRequest'), userPrincipalName='a@x')
    assert record == {'userPrincipalName': 'a@x', 'item': None, 'subject': 'a@x', 'action': 'licenses', 'status': 400,
                      'code': 'Request_BadRequest', 'message': 'invalid usage location'}
    assert failure_line(record) == 'a@x: licenses: 400 Request_BadRequest: invalid usage location'
    answer = GraphResponse('r', 404, body={'error': {'code': 'Request_ResourceNotFound', 'message': 'gone'}})
    record = failure_from(answer, 'create_event', 'Welcome', 'calendars[0].events[1]', mailbox='a@x')
    assert failure_line(record) == 'calendars[0].events[1] Welcome: create_event: 404 Request_ResourceNotFound: gone'
    assert failure_line(failure('manager', 'a@x', message='not attempted: the manager was not created')) == (
        'a@x: manager: not attempted: the manager was not created')
    assert failure_line(failure('validate', 'a@x', message='users[0] (a@x): city: bad')) == 'users[0] (a@x): city: bad'
