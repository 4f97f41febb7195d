# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import relative_link


def test_next_links_become_relative_to_the_version():
    link = 'https://graph.microsoft.com/v1.0/groups/1/members?$select=id&$skiptoken=abc'
    assert relative_link(link) == '/groups/1/members?$select=id&$skiptoken=abc'
    assert relative_link('https://host:8443/beta/users') == '/users'
