# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""One answer from Graph (``GraphResponse``) and what the client does with answers' bodies and links.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError


class GraphResponse:
    """One answer: from a direct request or one inner request of a batch.

    ``outcome_unknown``: the answer was lost (a gateway timeout or a dropped connection after sending) and
    the request was not sent again because repeating it could act twice; ``status`` is the gateway's
    (None for a dropped connection). ``settled``: the answer was lost and a read showed the request had
    taken effect; ``body`` is what that read returned.
    """

    __slots__ = ('id', 'status', 'headers', 'body', 'attempts', 'planned', 'outcome_unknown', 'settled')

    def __init__(self, id, status, headers=None, body=None, attempts=1, planned=False, outcome_unknown=False, settled=False):
        self.id = id
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.attempts = attempts
        self.planned = planned
        self.outcome_unknown = outcome_unknown
        self.settled = settled

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300

    def error(self, context=None):
        """The ``GraphError`` this answer stands for, or None when it succeeded (or was only planned)."""
        if self.ok or self.planned:
            return None
        return GraphError.from_response(self.status, self.body, self.headers, context=context)

    def to_dict(self):
        result = {'id': self.id, 'status': self.status, 'headers': self.headers, 'body': self.body}
        if self.planned:
            result['planned'] = True
        if self.attempts > 1:
            result['attempts'] = self.attempts
        if self.outcome_unknown:
            result['outcome_unknown'] = True
        if self.settled:
            result['settled_by_reading'] = True
        return result


def found_by_default(read):
    """A settle read's default verdict: a 2xx answer is the object (a collection: its first item), else not found."""
    if not read.ok:
        return None
    body = read.body
    if isinstance(body, dict) and isinstance(body.get('value'), list):
        return GraphResponse(read.id, read.status, read.headers, body['value'][0]) if body['value'] else None
    return read


def settled_response(item, verdict, read):
    if isinstance(verdict, GraphResponse):
        response = verdict
    elif read is not None:
        response = GraphResponse(None, read.status, read.headers, read.body)
    else:
        response = GraphResponse(None, 200, {}, verdict if isinstance(verdict, (dict, list)) else None)
    response.id = item.id
    response.attempts = item.attempts
    response.settled = True
    return response


def lost_body(reason):
    return {'error': {'code': 'outcomeUnknown', 'message': reason}}


def relative_link(link):
    """An absolute ``@odata.nextLink`` made relative to the API version, for reuse inside a batch."""
    parts = urlsplit(link)
    path = parts.path
    for prefix in ('/v1.0/', '/beta/'):
        if path.startswith(prefix):
            path = path[len(prefix) - 1:]
            break
    return path + ('?' + parts.query if parts.query else '')


def decode_body(response):
    if not response.content:
        return None
    content_type = response.headers.get('Content-Type', '')
    if 'json' in content_type:
        try:
            return response.json()
        except ValueError:
            pass
    return response.text
