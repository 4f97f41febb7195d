# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One router for every Graph resource, shared by direct requests and inner `$batch` requests.

Resource modules register handlers with `@route(method, template)`; a template is a version-less
path such as `/users/{id}/photo/$value`. Literal segments match case-insensitively, as Graph's do.
"""

import logging
import traceback

from .wire import GraphError, Key, error_response

LOG = logging.getLogger("graph_emulator")
NOT_ALLOWED = "Specified HTTP method is not allowed for the request target."
# What Graph answers for `/users/$x@y.com` (msgraph-sdk-dotnet#2635); a key beginning with `$` needs `/users('$x@y.com')`.
DOLLAR_KEY = ("The request URI is not valid. Since the segment '{}' refers to a collection, this must be the last segment in the request "
              "URI or it must be followed by an function or action that can be bound to it otherwise all intermediate segments must refer "
              "to a single resource.")


class Route:
    """A handler plus the facts the throttles need: base resource-unit cost, whether it writes, whether it is an Outlook
    (mailbox) request of the user in its `{key}`."""

    def __init__(self, method, template, handler, cost=None, write=None, mailbox=False):
        self.method = method
        self.template = template
        self.parts = [p for p in template.split("/") if p]
        self.handler = handler
        self.cost = cost if cost is not None else 1  # §2.4: unlisted requests cost 1 resource unit
        self.write = write if write is not None else method != "GET"
        self.mailbox = mailbox

    def match(self, segments, dollar_keys=False):
        """(params, literal count) when the path fits, else (None, length of the matching prefix).

        A plain segment beginning with `$` is an OData system segment, never a key (unless `dollar_keys`);
        a parenthesised Key is never a literal.
        """
        params = {}
        literals = 0
        for i, part in enumerate(self.parts):
            if i >= len(segments):
                return None, i
            keyed = isinstance(segments[i], Key)
            if part.startswith("{"):
                if segments[i].startswith("$") and not keyed and not dollar_keys:
                    return None, i
                params[part[1:-1]] = segments[i]
            elif not keyed and part.lower() == segments[i].lower():
                literals += 1
            else:
                return None, i
        if len(segments) != len(self.parts):
            return None, len(self.parts)
        return params, literals


class Router:
    """Route table, plus the seed functions resources offer to the control endpoints."""

    def __init__(self):
        self.routes = []
        self.seeders = {}

    def route(self, method, template, cost=None, write=None, mailbox=False):
        """Decorator registering `handler(req, **params) -> Response`."""
        def register(handler):
            self.routes.append(Route(method, template, handler, cost, write, mailbox))
            return handler
        return register

    def seeder(self, collection):
        """Decorator registering `seed(store, items) -> [created objects]` for POST /_emulator/seed."""
        def register(func):
            self.seeders[collection] = func
            return func
        return register

    def resolve(self, req):
        """(route, params) for a request; raises the GraphError Graph gives for an unknown path."""
        best, best_literals, longest, path_known = None, -1, 0, False
        for candidate in self.routes:
            params, score = candidate.match(req.segments)
            if params is None:
                longest = max(longest, score)
                continue
            path_known = True
            if candidate.method == req.method and score > best_literals:
                best, best_literals = (candidate, params), score
        if best:
            return best
        if path_known:
            raise GraphError(405, "Request_BadRequest", NOT_ALLOWED)
        if any(candidate.match(req.segments, dollar_keys=True)[0] is not None for candidate in self.routes):
            at = next(i for i, s in enumerate(req.segments) if s.startswith("$") and not isinstance(s, Key))
            raise GraphError(400, "BadRequest", DOLLAR_KEY.format(req.segments[at - 1] if at else ""))
        segment = req.segments[min(longest, len(req.segments) - 1)] if req.segments else ""
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")

    def dispatch(self, req, resolved=None):
        """Run the request's handler and always return a Response (errors become Graph error bodies)."""
        try:
            found, params = resolved or self.resolve(req)
            return found.handler(req, **params)
        except GraphError as err:
            return error_response(req, err)
        except Exception:  # pylint: disable=broad-except
            # A bug in a resource must not kill the connection; surface it as Graph would a 500.
            LOG.error("handler failed for %s %s\n%s", req.method, req.target, traceback.format_exc())
            return error_response(req, GraphError(500, "generalException", "An internal server error occurred."))


ROUTER = Router()
route = ROUTER.route
seeder = ROUTER.seeder
