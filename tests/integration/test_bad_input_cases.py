# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bad-input cases: every case file runs in one of the test files, and there are enough of them."""

from __future__ import annotations

import os

from .bad_input.suite import SHARDS, case_files, load_cases, params


def test_every_case_file_runs_in_one_test_file():
    assigned = [name for names in SHARDS.values() for name in names]
    assert sorted(set(name.partition('/')[0] for name in assigned)) == case_files()
    # a file split in parts runs every part once: together they hold each of its cases once
    for name in case_files():
        parts = [shard for shard in assigned if shard.partition('/')[0] == name]
        assert sorted(case.name for case in load_cases(parts)) == sorted(case.name for case in load_cases([name])), name


def test_there_are_enough_cases():
    count = len(params(load_cases(case_files())))
    assert count >= 150 or os.environ.get('BAD_INPUT_ALLOW_FEW'), 'the issue asks for at least 150 bad-input cases, have %d' % count
