# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How the bad-input cases run: every case of some ``cases_*.py`` files is refused, with a message naming what is
wrong, and writes nothing.

The cases of one test file run in one ``ansible-playbook`` per mode (real, check) against one seeded emulator, each
task with ``ignore_errors``; role cases run inside a block whose rescue records the failure. Afterwards the directory
must be exactly as seeded and the emulator must have counted no write at all. The cases are spread over several
test files (``tests/integration/test_bad_input_*.py``) so that parallel test workers share them.
"""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest

from . import tenant

REFUSED_MARK = 'NOT REFUSED'


# The test files and the case files each runs: one emulator and two playbooks per test file, and the test files
# run in parallel. tests/integration/test_bad_input_cases.py checks that every case file is in one of them.
# 'cases_roles/1:3' is the first of three parts of a file: a role case runs a whole role (about 8 s), so the role
# cases are spread over three test files to keep each playbook short and the workers evenly busy.
SHARDS = {
    'roles-1': ['cases_roles/1:3'],
    'roles-2': ['cases_roles/2:3'],
    'roles-3': ['cases_roles/3:3'],
    'users': ['cases_users', 'cases_user_info'],
    'groups': ['cases_membership', 'cases_group_info'],
    'calendar': ['cases_calendar'],
    'batch': ['cases_batch', 'cases_connection'],
}


def case_files():
    """The names of the ``cases_*`` modules."""
    package = importlib.import_module(__package__)
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__) if info.name.startswith('cases_'))


def load_cases(names):
    """The cases of the named ``cases_*`` modules, in order; ``cases_roles/2:3`` is every third case from the second."""
    cases = []
    for name in names:
        module, dummy, part = name.partition('/')
        found = importlib.import_module('%s.%s' % (__package__, module)).CASES
        if part:
            number, parts = (int(n) for n in part.split(':'))
            found = found[number - 1::parts]
        cases.extend(found)
    return cases


def params(cases):
    return [pytest.param(case, mode, id=test_id) for case in cases for test_id, mode in case.ids()]


def _task(case, mode):
    name = 'case %s %s' % (case.name, mode)
    check = 'true' if mode == 'check' else 'false'
    env = '      environment: %s\n' % json.dumps(case.env) if case.env else ''
    if not case.target.startswith('role:'):
        return ('    - name: "%s"\n      mynster.msgraph.%s: %s\n      check_mode: %s\n      ignore_errors: true\n%s'
                % (name, case.target, json.dumps(case.args), check, env))
    role = case.target.split(':', 1)[1]
    return ('    - block:\n'
            '        - ansible.builtin.import_role:\n            name: mynster.msgraph.%s\n          vars: %s\n'
            '        - name: "%s"\n          ansible.builtin.debug:\n            msg: %s\n'
            '      rescue:\n'
            '        - name: "%s"\n          ansible.builtin.debug:\n'
            '            msg: "{{ ansible_failed_result.msg | default(ansible_failed_result | string) }}"\n'
            '      check_mode: %s\n%s'
            % (role, json.dumps(case.args), name, REFUSED_MARK, name, check, env.replace('      environment', '      environment')))


def _playbook(cases, mode):
    tasks = ''.join(_task(case, mode) for case in cases if mode in case.modes)
    return '- hosts: localhost\n  gather_facts: false\n  tasks:\n%s' % tasks


def _comparable(dump):
    """The directory as seeded: objects and relationships, without counters or timestamps that reads may touch."""
    return json.dumps({'objects': dump.get('objects'), 'deleted': dump.get('deleted'), 'links': dump.get('links')}, sort_keys=True)


def _recorded(run, task_name):
    try:
        entry = run.entry(task_name)
    except KeyError:
        return {'status': 'missing', 'msg': 'the task did not run: %s' % run.stdout[-2000:]}
    result = entry['result']
    return {'status': entry['status'], 'msg': str(result.get('msg', result)), 'result': result}


def run_cases(cases, emulator_process, ansible_collections_dir, tmp_path_factory):
    """Run ``cases`` in each mode; what each printed, the writes counted, and whether the directory is as seeded."""
    from ..harness import PlaybookRunner
    emulator_process.reset()
    tenant.seed(emulator_process)
    emulator_process.reset_stats()
    before = _comparable(emulator_process.dump())
    runner = PlaybookRunner(emulator_process, ansible_collections_dir, tmp_path_factory.mktemp('bad-input'))
    results = {}
    for mode in ('real', 'check'):
        run = runner(_playbook(cases, mode))
        assert 'ERROR!' not in run.stderr, run
        for case in cases:
            if mode in case.modes:
                results[(case.name, mode)] = _recorded(run, 'case %s %s' % (case.name, mode))
    stats = emulator_process.stats()
    after = _comparable(emulator_process.dump())
    return {'results': results, 'writes': stats['writes'], 'unchanged': before == after, 'stats': stats}


def suite(shard):
    """The ``outcomes`` fixture and the two tests for the cases of one of ``SHARDS``, for a test file to export."""
    cases = load_cases(SHARDS[shard])

    @pytest.fixture(scope='module')
    def outcomes(emulator_process, ansible_collections_dir, tmp_path_factory):
        return run_cases(cases, emulator_process, ansible_collections_dir, tmp_path_factory)

    @pytest.mark.parametrize('case, mode', params(cases))
    def test_refused_with_a_clear_message(outcomes, case, mode):
        outcome = outcomes['results'][(case.name, mode)]
        text = outcome['msg']
        assert REFUSED_MARK not in text and outcome['status'] != 'missing', '%s was accepted: %s' % (case.name, text)
        if not case.target.startswith('role:'):
            assert outcome['status'] == 'failed', '%s did not fail: %s' % (case.name, text)
        for expected in case.expect:
            assert expected in text, '%s: %r not in %r' % (case.name, expected, text)

    def test_refused_runs_wrote_nothing(outcomes):
        assert outcomes['writes'] == 0, outcomes['stats']
        assert outcomes['unchanged']

    return outcomes, test_refused_with_a_clear_message, test_refused_runs_wrote_nothing
