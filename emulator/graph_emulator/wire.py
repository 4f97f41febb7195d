# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Graph wire types: one operation's request, its response, and the Graph error body (§6.1)."""

import datetime
import json
import re
import urllib.parse
import uuid

JSON_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
WRITE_METHODS = frozenset(("POST", "PATCH", "PUT", "DELETE"))
BAD_JSON = "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."


class GraphError(Exception):
    """An error a handler raises; the router turns it into a Graph error response."""

    def __init__(self, status, code, message, headers=None, inner=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.inner = dict(inner or {})


class Key(str):
    """A key written in OData's parenthesised form: `users('x')` gives Key('x'), `servicePrincipals(appId='x')` Key('x', 'appId').

    Unlike a plain path segment, such a key may begin with `$` (user-get.md: `/users('$x@y.com')`).
    """

    def __new__(cls, value, prop=None):
        key = super().__new__(cls, value)
        key.prop = prop
        return key


_KEYED = re.compile(r"([A-Za-z_][\w.]*)\((.*)\)", re.DOTALL)
_KEY = re.compile(r"(?:([A-Za-z_]\w*)\s*=\s*)?'((?:[^']|'')*)'", re.DOTALL)


def parse_segments(path):
    """Percent-decoded path segments; `name('key')` becomes two segments, the second a Key (quotes undoubled)."""
    segments = []
    for raw in path.split("/"):
        if not raw:
            continue
        text = urllib.parse.unquote(raw)
        keyed = _KEYED.fullmatch(text)
        key = _KEY.fullmatch(keyed.group(2).strip()) if keyed else None
        if key:
            segments += [keyed.group(1), Key(key.group(2).replace("''", "'"), key.group(1))]
        else:
            segments.append(text)
    return segments


def bad_request(message, code="BadRequest"):
    """Shorthand for the commonest error."""
    return GraphError(400, code, message)


def utc_now():
    """ISO-8601 timestamp as Graph stores it (seconds, `Z`)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_json_type(content_type):
    """True for application/json with any parameters."""
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


class Request:
    """One Graph operation (a direct HTTP request or one inner `$batch` request).

    `target` is relative to the version root (`/users?$top=5`). The server fills `store`,
    `config`, `base_url`, `tenant_id`, `app_id` and `roles` before dispatch.
    """

    def __init__(self, method, target, headers=None, body=None, version="v1.0"):
        self.method = method.upper()
        # A raw '#' starts a URL fragment, which never reaches the server: a guest UPN's `#EXT#` must arrive as %23.
        target = target.partition("#")[0]
        self.target = target if target.startswith("/") else "/" + target
        self.path, dummy, self.query_string = self.target.partition("?")
        # Graph matches URL segments after percent-decoding; `users('x')` is the parenthesised key form.
        self.segments = parse_segments(self.path)
        self.headers = {k.lower(): str(v) for k, v in (headers or {}).items()}
        self.body = body
        self.version = version
        self.request_id = str(uuid.uuid4())
        self.client_request_id = self.headers.get("client-request-id")
        self.store = None
        self.config = None
        self.base_url = ""
        self.tenant_id = None
        self.app_id = None
        self.roles = frozenset()  # the application permissions in the caller's token
        self.inner = False  # True inside a $batch
        self._json = None

    def header(self, name, default=None):
        """Case-insensitive header lookup."""
        return self.headers.get(name.lower(), default)

    @property
    def eventual(self):
        """True when the caller opted into advanced queries with `ConsistencyLevel: eventual`."""
        return (self.header("consistencylevel") or "").strip().lower() == "eventual"

    def query(self):
        """Query options as {lower-case name: value}; repeated options are a 400 as in OData."""
        options = {}
        for name, value in urllib.parse.parse_qsl(self.query_string, keep_blank_values=True):
            key = name.strip().lower()
            if key in options:
                raise bad_request(f"Query option '{name}' was specified more than once, but it must be specified at most once.")
            options[key] = value
        return options

    def set_json(self, value):
        """Give the request an already-decoded JSON body (inner batch requests)."""
        self._json = value
        self.body = json.dumps(value).encode()
        self.headers.setdefault("content-type", "application/json")

    def json(self):
        """The JSON object body; 400 when it is missing, not JSON, or not declared as JSON."""
        if self._json is None:
            if not self.body or not is_json_type(self.header("content-type")):
                raise bad_request(BAD_JSON)
            try:
                self._json = json.loads(self.body)
            except ValueError:
                raise bad_request(BAD_JSON) from None
        if not isinstance(self._json, dict):
            raise bad_request(BAD_JSON)
        return self._json


class Response:
    """Status, headers and a body: dict/list (JSON), bytes (raw, typed by Content-Type) or None."""

    def __init__(self, status, body=None, headers=None, content_type=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        if content_type:
            self.headers["Content-Type"] = content_type
        elif isinstance(body, (dict, list)):
            self.headers["Content-Type"] = JSON_TYPE

    @property
    def ok(self):
        """2xx."""
        return 200 <= self.status < 300

    def payload(self):
        """The body as bytes for the wire."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


def error_response(req, err):
    """Build the §6.1 error body for `err`, echoing the request ids in innerError."""
    inner = {"date": utc_now()[:-1], "request-id": req.request_id, "client-request-id": req.client_request_id or req.request_id}
    inner.update(err.inner)
    body = {"error": {"code": err.code, "message": err.message, "innerError": inner}}
    return Response(err.status, body, err.headers)
