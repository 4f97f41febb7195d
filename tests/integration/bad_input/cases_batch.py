# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_batch: requests that cannot be sent, refused before the first one goes out (so none of the writes happen)."""

from __future__ import annotations

from . import Case
from .tenant import upn

GOOD_WRITE = {'id': 'ok', 'method': 'PATCH', 'url': '/users/%s' % upn('adele'), 'body': {'jobTitle': 'Changed'}}


def _with_good_write(*bad):
    """A valid write first, then the bad request: the valid one must not be sent either."""
    return {'requests': [GOOD_WRITE] + list(bad)}


CASES = [
    Case('batch-requests-as-text', 'graph_batch', {'requests': '/users'}, 'requests must be a list'),
    Case('batch-absolute-url', 'graph_batch', _with_good_write({'id': 'x', 'url': 'https://graph.microsoft.com/v1.0/users'}),
         "request 'x': url https://graph.microsoft.com/v1.0/users must be relative"),
    Case('batch-version-in-url', 'graph_batch', _with_good_write({'id': 'x', 'url': '/v1.0/users'}), 'must not repeat the API version'),
    Case('batch-nested-batch', 'graph_batch', _with_good_write({'id': 'x', 'method': 'POST', 'url': '/$batch', 'body': {}}),
         'a batch cannot contain another $batch'),
    Case('batch-unknown-method', 'graph_batch', _with_good_write({'id': 'x', 'method': 'FETCH', 'url': '/users'}), 'method'),
    Case('batch-missing-url', 'graph_batch', _with_good_write({'id': 'x', 'method': 'GET'}), 'url'),
    Case('batch-duplicate-ids-case', 'graph_batch', _with_good_write({'id': 'OK', 'url': '/users'}),
         "id is used twice (Graph compares batch ids case-insensitively, 'ok' clashes)"),
    Case('batch-unknown-dependency', 'graph_batch', _with_good_write({'id': 'x', 'url': '/users', 'depends_on': ['nope']}),
         "depends_on names 'nope', which is not in this task's requests"),
    Case('batch-two-dependencies', 'graph_batch',
         _with_good_write({'id': 'a', 'url': '/users'}, {'id': 'x', 'url': '/users', 'depends_on': ['ok', 'a']}),
         'Graph allows only one dependency per request'),
    Case('batch-dependency-cycle', 'graph_batch', {'requests': [dict(GOOD_WRITE, depends_on=['b']),
                                                                {'id': 'b', 'url': '/users', 'depends_on': ['ok']}]}, 'forms a cycle'),
    Case('batch-dependency-tree', 'graph_batch', {'requests': [GOOD_WRITE, {'id': 'b', 'url': '/users', 'depends_on': ['ok']},
                                                               {'id': 'c', 'url': '/users', 'depends_on': ['b']},
                                                               {'id': 'd', 'url': '/users', 'depends_on': ['ok']}]}, 'form a tree'),
    Case('batch-json-body-not-json', 'graph_batch', _with_good_write({'id': 'x', 'method': 'POST', 'url': '/users', 'body': '{not json'}),
         'body is not valid JSON'),
    Case('batch-dict-body-as-text-type', 'graph_batch',
         _with_good_write({'id': 'x', 'method': 'PUT', 'url': '/users/%s/photo/$value' % upn('adele'), 'headers': {'Content-Type': 'image/jpeg'},
                           'body': {'a': 1}}), 'body is structured data but Content-Type is image/jpeg'),
    Case('batch-headers-as-list', 'graph_batch', _with_good_write({'id': 'x', 'url': '/users', 'headers': ['ConsistencyLevel: eventual']}),
         'headers'),
    Case('batch-depends-on-as-text-list', 'graph_batch', _with_good_write({'id': 'x', 'url': '/users', 'depends_on': 'ok, a'}),
         "request 'x': depends_on names 'ok, a', which is not in this task's requests"),
    Case('batch-depends-on-a-dict', 'graph_batch', _with_good_write({'id': 'x', 'url': '/users', 'depends_on': {'id': 'ok'}}),
         "request 'x': depends_on must be a request id, or a list holding one id"),
    Case('batch-negative-replication-timeout', 'graph_batch', dict(_with_good_write(), replication_timeout=-1),
         'replication_timeout must be at least 0'),
    Case('batch-url-with-line-break', 'graph_batch', _with_good_write({'id': 'x', 'url': '/users?$select=id\n&$top=5'}),
         "request 'x': url /users?$select=id\\n&$top=5 holds the control character '\\n' at position 18; write the url on one line",
         why="a url Graph cannot read; '#', '+' and '://' in a url are encoded instead (issue 21)"),
    Case('batch-url-scheme-after-hash', 'graph_batch', _with_good_write({'id': 'x', 'url': '/users/a#https://evil.example/x'}),
         "request 'x': url /users/a#https://evil.example/x must be relative to the API version"),
    Case('batch-unknown-request-key', 'graph_batch', _with_good_write({'id': 'x', 'url': '/users', 'dependson': ['ok']}),
         "requests[1]: unsupported option 'dependson' (did you mean 'depends_on'?)"),
]
