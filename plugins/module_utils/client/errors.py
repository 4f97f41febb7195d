# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Exception types raised by the Graph client.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

The client never calls ``fail_json``; it raises these and the module layer reports them.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import header_value
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem


class GraphError(Exception):
    """A request Graph (or the transport) answered with an error.

    Carries what an admin needs to look the failure up: HTTP status, Graph error code and message,
    and the request-id Graph logged it under.
    """

    def __init__(self, message, status=None, code=None, request_id=None, body=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.body = body

    def __str__(self):
        parts = []
        if self.status is not None:
            parts.append(str(self.status))
        if self.code:
            parts.append(self.code)
        prefix = ' '.join(parts)
        text = '%s: %s' % (prefix, self.message) if prefix else self.message
        if self.request_id:
            text += ' (request-id %s)' % self.request_id
        return text

    def to_dict(self):
        """Plain-type view for module results."""
        return {'status': self.status, 'code': self.code, 'message': self.message, 'request_id': self.request_id}

    @classmethod
    def from_response(cls, status, body, headers=None, context=None):
        """Build the error from a Graph error body (``{"error": {...}}``), tolerating odd shapes."""
        code, message, request_id = parse_error_body(body)
        if not request_id and headers:
            request_id = header_value(headers, 'request-id')
        if not message:
            message = 'HTTP %s' % status
        if context:
            message = '%s: %s' % (context, message)
        return cls(message, status=status, code=code, request_id=request_id, body=body)


class GraphAuthError(GraphError):
    """No token could be acquired (bad credentials, unreachable authority, missing settings)."""


class GraphRequestError(ValueError):
    """A caller's request is invalid; raised before anything is sent."""

    def __init__(self, message, request_id=None, field=None):
        super().__init__(message)
        self.request_id = request_id
        self.field = field

    @property
    def problem(self):
        """The ``Problem`` this stands for: about the request ``request_id``, its ``field``."""
        return Problem(str(self), field=self.field, subject=self.request_id, where='')


def parse_error_body(body):
    """Return ``(code, message, request_id)`` from a Graph error body.

    Directory APIs sometimes send ``message`` as ``{"lang": .., "value": ..}`` and older ones use
    ``requestId``; both are accepted.
    """
    if not isinstance(body, dict):
        return None, (body.strip() if isinstance(body, str) else None) or None, None
    error = body.get('error')
    if not isinstance(error, dict):
        return None, None, None
    message = error.get('message')
    if isinstance(message, dict):
        message = message.get('value')
    inner = error.get('innerError') or error.get('innererror') or {}
    request_id = None
    if isinstance(inner, dict):
        request_id = inner.get('request-id') or inner.get('requestId')
    return error.get('code') or None, message, request_id
