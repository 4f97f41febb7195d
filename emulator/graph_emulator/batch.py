# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Strict JSON batching (§1): validate the envelope exactly as Graph does, then run the inner requests.

Every inner request goes through the same `execute` as a direct request, so throttling, quotas and
replication apply per inner request (§1.5, §2.2).
"""

import base64
import binascii
import json
import threading
from concurrent.futures import ThreadPoolExecutor

from .wire import BAD_JSON, JSON_TYPE, GraphError, Request, Response, error_response, is_json_type

MAX_REQUESTS = 20
METHODS = frozenset(("GET", "POST", "PATCH", "PUT", "DELETE"))
BODY_METHODS = frozenset(("POST", "PATCH", "PUT"))
INVALID = "Invalid batch payload format."
SHAPES = "Batch should be either fully sequential or fully parallel."
# Headers that belong to the outer HTTP response only.
OUTER_ONLY = frozenset(("request-id", "client-request-id"))


def _reject(message):
    return GraphError(400, "BadRequest", message)


def _well_formed(item):
    """id, method and url present as strings; headers an object; dependsOn a list of strings."""
    if not isinstance(item, dict):
        return False
    depends = item.get("dependsOn", [])
    return (isinstance(item.get("id"), str) and bool(item["id"]) and isinstance(item.get("url"), str)
            and isinstance(item.get("method"), str) and item["method"].upper() in METHODS
            and isinstance(item.get("headers", {}), dict) and isinstance(depends, list) and all(isinstance(d, str) for d in depends))


def _envelope(req):
    """The `requests` array, checked item by item; raises the batch-level 400s of §1.3."""
    if not is_json_type(req.header("content-type")):
        raise _reject(BAD_JSON)
    try:
        payload = json.loads(req.body or b"")
    except ValueError:
        raise _reject(INVALID) from None
    items = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        raise _reject(INVALID)
    if len(items) > MAX_REQUESTS:
        raise _reject("Number of requests inside batch exceeds the limit.")
    seen = set()
    for item in items:
        if not _well_formed(item):
            raise _reject(INVALID)
        key = item["id"].lower()  # ids are case-insensitive
        if key in seen:
            raise _reject(f"Request Id {item['id']} has to be unique in a batch.")
        seen.add(key)
        if "://" in item["url"]:
            raise _reject(INVALID)
        headers = {k.lower(): v for k, v in item.get("headers", {}).items()}
        has_body = item.get("body") is not None
        if (has_body or item["method"].upper() in BODY_METHODS) and not (has_body and headers.get("content-type")):
            raise _reject(f"Write request with id '{item['id']}' does not contain a Content-Type header.")
    return items


def _dependencies(items):
    """Index of each request's dependency (or None); raises for unknown/later ids and illegal shapes."""
    index = {item["id"].lower(): i for i, item in enumerate(items)}
    parents = []
    for i, item in enumerate(items):
        depends = item.get("dependsOn") or []
        if len(depends) > 1:
            raise _reject(SHAPES)
        parent = index.get(depends[0].lower()) if depends else None
        if depends and (parent is None or parent >= i):
            raise _reject(f"Invalid dependency for request Id {item['id']}: dependsOn must name a request that appears earlier in the batch.")
        parents.append(parent)
    if all(p is None for p in parents):
        return parents
    serial = parents[0] is None and all(p == i - 1 for i, p in enumerate(parents) if i)
    roots = {p for p in parents if p is not None}
    # "same": one request everybody else depends on.
    same = len(roots) == 1 and all(p is not None or i in roots for i, p in enumerate(parents)) and parents[next(iter(roots))] is None
    if not (serial or same):
        raise _reject(SHAPES)
    return parents


def _inner_request(item, outer):
    """Build the inner Request; bodies are JSON values, or base64 strings for other media types (§1.6)."""
    req = Request(item["method"], item["url"], item.get("headers"), version=outer.version)
    req.inner = True
    body = item.get("body")
    if body is None:
        return req
    if is_json_type(req.header("content-type")) and not isinstance(body, str):
        req.set_json(body)
        return req
    if not isinstance(body, str):
        req.body = json.dumps(body).encode()
        return req
    try:
        req.body = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_" if ("-" in body or "_" in body) else None, validate=True)
    except (binascii.Error, ValueError):
        req.body = body.encode()
    return req


def _item(item_id, resp):
    """One entry of `responses`: JSON bodies inline, other bodies base64 with their Content-Type."""
    headers = {k: v for k, v in resp.headers.items() if k.lower() not in OUTER_ONLY}
    entry = {"id": item_id, "status": resp.status, "headers": headers, "body": None}
    if isinstance(resp.body, (dict, list)):
        entry["body"] = resp.body
    elif resp.body:
        entry["body"] = base64.b64encode(resp.body).decode()
    return entry


def _failed_dependency(req, item, parent):
    err = GraphError(424, "FailedDependency", f"The request with id '{item['id']}' was not run because the request it depends on "
                                              f"('{parent['id']}') failed.")
    return error_response(req, err)


class BatchRunner:
    """Runs validated batches. The parallel requests of one batch run on `batch_workers` threads of their own (batches are
    served independently, as by Graph), and the requests for one mailbox at most `mailbox_concurrency` at a time: Graph
    dispatches a mailbox's requests within one batch so that the batch alone never exceeds Outlook's limit (§1.5)."""

    def __init__(self, execute, prepare, config, rng, stats, mailbox_of):
        self.execute = execute      # execute(Request) -> Response, the per-operation pipeline
        self.prepare = prepare      # prepare(inner Request, outer Request): attach store, app, base URL
        self.config = config
        self.rng = rng
        self.stats = stats
        self.mailbox_of = mailbox_of  # mailbox_of(Request) -> the mailbox an Outlook request addresses, or None

    def _parallel(self, requests):
        mailboxes = [self.mailbox_of(req) for req in requests]
        gates = {m: threading.BoundedSemaphore(self.config.mailbox_concurrency) for m in set(mailboxes) if m is not None}

        def run(pair):
            req, mailbox = pair
            if mailbox is None:
                return self.execute(req)
            with gates[mailbox]:
                return self.execute(req)
        workers = max(1, min(self.config.batch_workers, len(requests)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch") as pool:
            return list(pool.map(run, zip(requests, mailboxes)))

    def run(self, outer, shuffle):
        """Answer one POST $batch: 400 for a malformed envelope, else 200 with every inner response."""
        try:
            items = _envelope(outer)
            parents = _dependencies(items)
        except GraphError as err:
            return error_response(outer, err), 0
        requests = [_inner_request(item, outer) for item in items]
        for req in requests:
            self.prepare(req, outer)
        if all(p is None for p in parents):
            results = self._parallel(requests)
        else:
            results = []
            # Dependent shapes run in array order; a request whose dependency failed is not run.
            for req, item, parent in zip(requests, items, parents):
                if parent is not None and not results[parent].ok:
                    results.append(_failed_dependency(req, item, items[parent]))
                    self.stats.operation(req.method, 424)
                else:
                    results.append(self.execute(req))
        responses = [_item(item["id"], resp) for item, resp in zip(items, results)]
        if shuffle:
            self.rng.shuffle(responses)
        return Response(200, {"responses": responses}, content_type=JSON_TYPE), len(items)
