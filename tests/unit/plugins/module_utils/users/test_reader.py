# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading users in bulk: the queries, and what Graph says of property names it does not know."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.users.reader import filter_url, unknown_property


def test_reader_helpers():
    assert filter_url("startswith(displayName,'A')", ['id', 'displayName'], with_manager=True) == (
        "/users?$select=id,displayName&$top=999&$filter=startswith(displayName,'A')&$expand=manager($select=id,userPrincipalName)")
    refused = GraphResponse('x', 400, body={'error': {'message': "Could not find a property named 'zz' on type 'microsoft.graph.group'."}})
    assert unknown_property(refused) is None and unknown_property(refused, 'microsoft.graph.group') == 'zz'
