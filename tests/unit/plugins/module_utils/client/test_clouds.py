# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import GraphSettings


@pytest.mark.parametrize('graph_url, root', [
    ('https://graph.microsoft.com', 'https://graph.microsoft.com'),
    ('https://graph.microsoft.com/', 'https://graph.microsoft.com'),
    ('https://127.0.0.1:8443', 'https://127.0.0.1:8443'),
])
def test_graph_url_is_scheme_and_host(graph_url, root):
    settings = GraphSettings(graph_url=graph_url, api_version='beta')
    assert settings.graph_root == root
    assert settings.graph_base == root + '/beta'
    assert settings.scope == root + '/.default'


@pytest.mark.parametrize('graph_url, message', [
    ('https://graph.microsoft.com/v1.0', 'graph_url https://graph.microsoft.com/v1.0 has /v1.0 after the host: give only the scheme and host '
                                         '(and port), e.g. https://graph.microsoft.com; the collection adds the API version itself '
                                         '(api_version: v1.0 or beta)'),
    ('https://graph.microsoft.com/beta/', 'has /beta/ after the host: give only the scheme and host (and port), e.g. https://graph.microsoft.com; '
                                          'the collection adds the API version itself (api_version: v1.0 or beta); for the beta API set '
                                          'api_version: beta'),
    ('https://graph.microsoft.com/v1.0/users', 'has /v1.0/users after the host'),
    ('https://graph.microsoft.com?x=1', 'has ?x=1 after the host'),
    ('https://me@graph.microsoft.com', 'holds a user name (me@)'),
    ('https://', 'graph_url https:// names no host'),
    ('http://graph.microsoft.com', 'graph_url must be an https:// URL'),
])
def test_graph_url_with_more_than_the_host_is_refused(graph_url, message):
    with pytest.raises(ValueError) as caught:
        GraphSettings(graph_url=graph_url)
    assert message in str(caught.value)
