# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.common.input_checks import check_raw_parameters, list_as_text, range_problem

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


def test_a_list_given_as_text_has_one_reason_everywhere():
    assert list_as_text(['a']) is None and list_as_text(None) is None
    assert list_as_text('a, b') == "must be a list, got the text 'a, b'; write it as a YAML list ([a, b] or one '- item' per line)"
    assert list_as_text('x', " (Graph's otherMails holds several values)").startswith("must be a list (Graph's otherMails holds several values), got")
