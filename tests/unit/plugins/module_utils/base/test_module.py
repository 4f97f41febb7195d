# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""GraphModule through a real AnsibleModule: the one ansible-core hook it uses, secrets, and how tasks end."""

from __future__ import annotations

import inspect
import json

import pytest

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import MAX_NO_LOG_VALUES, GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem

SPEC = dict(members=dict(type='list', elements='str'), users=dict(type='list', elements='dict'))


@pytest.fixture(autouse=True)
def module_environment():
    """exit_json and fail_json, called after the module is built, need the patched module environment too."""
    with patch_module_args({}):
        yield


def outcome(capsys, args, **options):
    """Build a GraphModule with ``args`` (without connection options) and return ``(module or None, result or None)``."""
    with patch_module_args(dict(args, _ansible_module_name='mynster.msgraph.test')):
        try:
            return GraphModule(argument_spec=SPEC, connection=False, **options), None
        except SystemExit:
            return None, json.loads(capsys.readouterr().out)


def test_ansible_core_reads_the_parameters_through_load_params_before_converting_them():
    """The hook GraphModule relies on: AnsibleModule.__init__ calls self._load_params() before validating the parameters."""
    source = inspect.getsource(AnsibleModule.__init__)
    assert source.index('self._load_params()') < source.index('self.validator.validate(')


def test_a_list_given_as_text_is_refused_not_split(capsys):
    module, result = outcome(capsys, {'members': 'Engineering, All staff'})
    assert module is None and result['failed']
    assert "members must be a list, got the text 'Engineering, All staff'" in result['msg']
    assert result['problems'] == [{'item': None, 'field': 'members', 'subject': None, 'message': result['problems'][0]['message'],
                                   'reason': result['problems'][0]['reason']}]
    assert result['problems'][0]['reason'].startswith('must be a list, got the text')


def test_unknown_options_are_named_with_the_closest_one(capsys):
    module, result = outcome(capsys, {'member': ['a']})
    assert module is None
    assert "unsupported option 'member' (did you mean 'members'?); mynster.msgraph.test takes: members, users" in result['msg']


def test_raw_input_sees_the_parameters_as_given(capsys):
    seen = []

    def read(raw):
        seen.append(raw['users'])
        return 'parsed', []

    module, result = outcome(capsys, {'users': [{'userPrincipalName': 'a@x', 'count': 3}]}, raw_input=read)
    assert result is None and module.parsed == 'parsed' and seen == [[{'userPrincipalName': 'a@x', 'count': 3}]]


def test_problems_from_raw_input_end_the_task_with_them(capsys):
    def read(raw):
        return None, [Problem('must be a dict', 'users[0]', subject='x')]

    module, result = outcome(capsys, {'users': [{'a': 1}]}, raw_input=read, items='users', empty_result={'created': []})
    assert result['msg'] == 'Nothing was changed: 1 problem(s) in users: users[0]: must be a dict'
    assert result['created'] == [] and result['problems'][0]['subject'] == 'x'


def test_secrets_of_the_input_are_masked_and_only_the_first_stay_no_log_values(capsys):
    users = [{'userPrincipalName': 'u%d@x' % n, 'password': 'Secret-%04d!' % n} for n in range(MAX_NO_LOG_VALUES + 20)]
    module, result = outcome(capsys, {'users': users})
    assert result is None
    assert 'Secret-0000!' in module.no_log_values and 'Secret-%04d!' % (MAX_NO_LOG_VALUES + 19) not in module.no_log_values
    masked = module.masked_params()['users']
    assert all(user['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' for user in masked)
    with pytest.raises(SystemExit):
        module.exit_json(changed=False)
    out = capsys.readouterr().out
    assert 'Secret-' not in out


def test_the_invocation_view_shapes_the_returned_invocation_and_secrets_are_still_masked(capsys):
    def view(params):
        return dict(params, users=[dict(user, city='(not shown)') for user in params['users']])

    args = {'users': [{'city': 'Oslo', 'password': 'Hidden-1!'}]}
    if 'inject_invocation' in PASS_VARS:
        # ansible-core 2.21 returns the invocation only when the controller asks for it (INJECT_INVOCATION); 2.19 always does.
        args['_ansible_inject_invocation'] = True
    module, result = outcome(capsys, args, invocation_view=view)
    assert result is None and module.params['users'][0]['city'] == 'Oslo', 'the module itself sees the parameters as given'
    with pytest.raises(SystemExit):
        module.exit_json(changed=False)
    out = json.loads(capsys.readouterr().out)
    assert out['invocation']['module_args']['users'] == [{'city': '(not shown)', 'password': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}]


def test_refuse_lists_every_problem_and_says_how_many_more(capsys):
    module, dummy = outcome(capsys, {}, items='users')
    problems = [Problem('bad %d' % n, 'users[%d]' % n, 'city', 'u%d@x' % n, named=True) for n in range(25)]
    with pytest.raises(SystemExit):
        module.refuse(problems)
    result = json.loads(capsys.readouterr().out)
    assert result['msg'].startswith('Nothing was changed: 25 problem(s) in users: users[0] (u0@x): city: bad 0; ')
    assert result['msg'].endswith('and 5 more (see problems)') and len(result['problems']) == 25


def test_a_module_that_only_reads_says_so(capsys):
    module, dummy = outcome(capsys, {}, reads_only=True)
    with pytest.raises(SystemExit):
        module.refuse([Problem('is empty', field='filter')])
    assert json.loads(capsys.readouterr().out)['msg'] == 'Nothing was read: 1 problem(s): filter: is empty'
