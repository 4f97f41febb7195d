# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
import requests

from ansible_collections.mynster.msgraph.plugins.module_utils.client import auth
from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import GraphSettings
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphAuthError, GraphError

UNKNOWN_RESOURCE = {'error': 'invalid_resource',
                    'error_description': 'AADSTS500011: The resource principal named https://127.0.0.1:9 was not found in the tenant.'}


class Session:
    """Answers the probe of graph_url: with ``error`` raised, else an HTTP answer (any status)."""

    def __init__(self, error=None):
        self.error = error
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append((method, url))
        if self.error is not None:
            raise self.error
        return object()


def provider(result, session, graph_url='https://127.0.0.1:9'):
    settings = GraphSettings(tenant_id='t', client_id='c', client_secret='s', graph_url=graph_url, authority_url='https://login.test')
    tokens = auth.TokenProvider(settings, session)
    tokens._acquire = lambda: result
    return tokens


def test_unknown_resource_at_an_address_nothing_answers_is_a_connection_failure():
    session = Session(requests.exceptions.ConnectionError('[Errno 111] Connection refused'))
    with pytest.raises(GraphError) as caught:
        provider(UNKNOWN_RESOURCE, session).token()
    text = str(caught.value)
    assert not isinstance(caught.value, GraphAuthError)
    assert text.startswith('Cannot connect to graph_url https://127.0.0.1:9 (127.0.0.1:9): could not connect: [Errno 111] Connection refused.')
    assert 'Check graph_url (or MSGRAPH_URL): Graph is https://graph.microsoft.com for cloud global' in text
    assert 'AADSTS500011' not in text
    assert session.calls == [('GET', 'https://127.0.0.1:9/')]


def test_unknown_resource_at_an_address_that_answers_says_graph_url_is_not_graph():
    with pytest.raises(GraphAuthError) as caught:
        provider(UNKNOWN_RESOURCE, Session(), graph_url='https://example.test').token()
    text = str(caught.value)
    assert 'the sign-in service at https://login.test knows no resource https://example.test, so graph_url https://example.test is not Graph' in text
    assert text.endswith(UNKNOWN_RESOURCE['error_description'])


def test_other_token_failures_are_not_probed():
    session = Session()
    with pytest.raises(GraphAuthError, match='invalid_client: AADSTS7000215'):
        provider({'error': 'invalid_client', 'error_description': 'AADSTS7000215: Invalid client secret provided.'}, session).token()
    assert session.calls == []
