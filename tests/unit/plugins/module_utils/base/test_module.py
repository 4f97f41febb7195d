# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import env_fallback


def test_env_fallback_takes_the_first_non_empty_variable(monkeypatch):
    monkeypatch.setenv('MSGRAPH_CLOUD', '')
    monkeypatch.setenv('AZURE_CLOUD_TEST', 'usgov')
    assert env_fallback('MSGRAPH_CLOUD', 'AZURE_CLOUD_TEST') == 'usgov'


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv('MSGRAPH_CLOUD', '')
    with pytest.raises(AnsibleFallbackNotFound):
        env_fallback('MSGRAPH_CLOUD')


from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import check_raw_parameters, range_problem  # noqa: E402

SPEC = dict(
    group=dict(type='str'),
    members=dict(type='list', elements='str'),
    memberships=dict(type='list', elements='dict', options=dict(group=dict(type='str'), members=dict(type='list', elements='str'))),
    depends_on=dict(type='list', elements='str', aliases=['dependsOn']),
)


def test_unknown_options_get_a_suggestion_before_anything_else():
    problems = check_raw_parameters(SPEC, {'group': 'G', 'member': ['a'], '_ansible_check_mode': False}, 'mynster.msgraph.graph_group_membership')
    assert problems == ["unsupported option 'member' (did you mean 'members'?); mynster.msgraph.graph_group_membership takes: "
                        "depends_on, group, members, memberships"]


def test_lists_given_as_text_are_refused_with_the_item_named():
    problems = check_raw_parameters(SPEC, {'members': 'a, b', 'memberships': [{'group': 'G', 'members': 'Engineering, All staff'}],
                                           'dependsOn': 'x'})
    assert problems[0].startswith("members must be a list, got the text 'a, b'")
    assert problems[1].startswith("memberships[0].members must be a list, got the text 'Engineering, All staff'")
    assert problems[2].startswith("depends_on must be a list")
    assert check_raw_parameters(SPEC, {'memberships': [{'group': 'G', 'members': []}, 'G']}) == ["memberships[1] must be a dict, got str 'G'"]
    assert check_raw_parameters(SPEC, {'memberships': [{'group': 'G', 'memberz': []}]})[0].startswith(
        "memberships[0]: unsupported option 'memberz' (did you mean 'members'?)")


def test_ranges():
    assert range_problem('timeout', 0, 0, 3600, False) == 'timeout must be greater than 0 and at most 3600, got 0'
    assert range_problem('max_concurrency', 1000000, 1, 32) == 'max_concurrency must be at least 1 and at most 32, got 1000000'
    assert range_problem('max_removals', -1, 0) == 'max_removals must be at least 0, got -1'
    assert range_problem('max_retries', 3, 0, 20) is None
    assert range_problem('max_removals', None, 0) is None
