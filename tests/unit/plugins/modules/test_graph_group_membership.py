# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_membership's run(): options → plan → client → result (the planning itself is tested in module_utils)."""

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import MEMBER_TYPES
from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import GraphModule
from ansible_collections.mynster.msgraph.plugins.modules.graph_group_membership import ARGUMENT_SPEC, run
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeDirectory, guid, obj


class Done(Exception):
    pass


class Tokens:
    @staticmethod
    def claims():
        return {'roles': ['GroupMember.ReadWrite.All']}


class FakeModule:
    """The parts of GraphModule run() uses; exit and fail raise ``Done`` with the result."""

    def __init__(self, client, check_mode=False, **options):
        self.params = dict((name, spec.get('default')) for name, spec in ARGUMENT_SPEC.items())
        self.params.update(options)
        self.client = client
        client.tokens = Tokens()
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def stats(self):
        return {}

    def exit_result(self, changed, before=None, after=None, **result):
        raise Done(dict(result, changed=changed, before=before, after=after))

    def fail_json(self, msg, **result):
        raise Done(dict(result, msg=msg, failed=True))

    finish = GraphModule.finish  # the real ending: fail or warn for refused changes, else exit_result


def directory():
    return FakeDirectory(
        obj('user', guid(1), userPrincipalName='u1@x'), obj('user', guid(2), userPrincipalName='u2@x'),
        obj('group', guid(20), displayName='Mixed', groupTypes=[]), obj('device', guid(30), displayName='PC-1'),
        members={guid(20): [guid(1), guid(30)]},
    )


def outcome(module):
    with pytest.raises(Done) as done:
        run(module)
    return done.value.args[0]


def test_member_types_default_to_every_type():
    assert ARGUMENT_SPEC['member_types']['default'] == list(MEMBER_TYPES) == ARGUMENT_SPEC['member_types']['choices']


def test_check_mode_plans_and_sends_no_write():
    client = directory()
    result = outcome(FakeModule(client, check_mode=True, group='Mixed', members=['u2@x'], state='exact'))
    assert result['changed'] is True
    assert [(e['member'], e['member_type']) for e in result['added']] == [('u2@x', 'user')]
    assert sorted((e['member'], e['member_type']) for e in result['removed']) == [('PC-1', 'device'), ('u1@x', 'user')]
    assert all('_pair' not in e for e in result['added'] + result['removed'])
    assert result['before'] == {'group Mixed': ['device:PC-1', 'user:u1@x']} and result['after'] == {'group Mixed': ['user:u2@x']}
    assert client.requests('PATCH') == client.requests('DELETE') == []


def test_a_real_run_writes_and_reports_failures():
    client = directory()
    result = outcome(FakeModule(client, group='Mixed', members=['u2@x'], state='exact', member_types=['user']))
    assert result['changed'] is True and result['failed_memberships'] == []
    assert [e['member'] for e in result['removed']] == ['u1@x'] and [e['member'] for e in result['added']] == ['u2@x']
    assert [r['method'] for r in client.requests() if r.get('method') in ('POST', 'DELETE') and 'getByIds' not in r['url']] == ['POST', 'DELETE']


def test_nothing_to_do_is_no_change():
    result = outcome(FakeModule(directory(), group='Mixed', members=['u1@x', 'device:PC-1'], state='exact'))
    assert result['changed'] is False and result['unchanged'] == 2 and result['before'] is None
