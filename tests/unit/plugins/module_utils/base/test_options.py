# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.mynster.msgraph.plugins.module_utils.base.options import env_fallback


def test_env_fallback_takes_the_first_non_empty_variable(monkeypatch):
    monkeypatch.setenv('MSGRAPH_CLOUD', '')
    monkeypatch.setenv('AZURE_CLOUD_TEST', 'usgov')
    assert env_fallback('MSGRAPH_CLOUD', 'AZURE_CLOUD_TEST') == 'usgov'


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv('MSGRAPH_CLOUD', '')
    with pytest.raises(AnsibleFallbackNotFound):
        env_fallback('MSGRAPH_CLOUD')
