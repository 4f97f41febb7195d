# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError, parse_error_body


def test_graph_error_body_is_read_with_request_id():
    body = {'error': {'code': 'Request_ResourceNotFound', 'message': "Resource 'x' does not exist",
                      'innerError': {'date': '2026-01-01T00:00:00', 'request-id': 'abc'}}}
    error = GraphError.from_response(404, body, context='GET /users/x')
    assert (error.status, error.code, error.request_id) == (404, 'Request_ResourceNotFound', 'abc')
    assert str(error) == "404 Request_ResourceNotFound: GET /users/x: Resource 'x' does not exist (request-id abc)"


def test_old_and_odd_error_shapes_are_tolerated():
    assert parse_error_body({'error': {'code': 'X', 'message': {'lang': 'en', 'value': 'text'}, 'innerError': {'requestId': 'r'}}}) == ('X', 'text', 'r')
    assert parse_error_body('plain text ') == (None, 'plain text', None)
    assert parse_error_body(None) == (None, None, None)
    assert GraphError.from_response(502, None, {'Request-Id': 'h'}).request_id == 'h'
