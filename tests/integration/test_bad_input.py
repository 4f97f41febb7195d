# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every bad input in ``bad_input/cases_*.py`` is refused, with a message naming what is wrong, and writes nothing.

All cases run in one ``ansible-playbook`` per mode (real, check) against one seeded emulator, each task with
``ignore_errors``; role cases run inside a block whose rescue records the failure. Afterwards the directory must
be exactly as seeded and the emulator must have counted no write at all.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil

import pytest

from . import bad_input
from .bad_input import tenant

CASES = []
for _info in sorted(pkgutil.iter_modules(bad_input.__path__), key=lambda m: m.name):
    if _info.name.startswith('cases_'):
        CASES.extend(importlib.import_module('%s.%s' % (bad_input.__name__, _info.name)).CASES)
PARAMS = [pytest.param(case, mode, id=test_id) for case in CASES for test_id, mode in case.ids()]
REFUSED_MARK = 'NOT REFUSED'


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


@pytest.fixture(scope='module')
def outcomes(emulator_process, ansible_collections_dir, tmp_path_factory):
    from .harness import PlaybookRunner
    emulator_process.reset()
    tenant.seed(emulator_process)
    emulator_process.reset_stats()
    before = _comparable(emulator_process.dump())
    runner = PlaybookRunner(emulator_process, ansible_collections_dir, tmp_path_factory.mktemp('bad-input'))
    results = {}
    for mode in ('real', 'check'):
        run = runner(_playbook(CASES, mode))
        assert 'ERROR!' not in run.stderr, run
        for case in CASES:
            if mode in case.modes:
                results[(case.name, mode)] = _recorded(run, 'case %s %s' % (case.name, mode))
    stats = emulator_process.stats()
    after = _comparable(emulator_process.dump())
    return {'results': results, 'writes': stats['writes'], 'unchanged': before == after, 'stats': stats}


def _recorded(run, task_name):
    try:
        entry = run.entry(task_name)
    except KeyError:
        return {'status': 'missing', 'msg': 'the task did not run: %s' % run.stdout[-2000:]}
    result = entry['result']
    return {'status': entry['status'], 'msg': str(result.get('msg', result)), 'result': result}


@pytest.mark.parametrize('case, mode', PARAMS)
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


def test_there_are_enough_cases():
    assert len(PARAMS) >= 150 or os.environ.get('BAD_INPUT_ALLOW_FEW'), 'the issue asks for at least 150 bad-input cases, have %d' % len(PARAMS)
