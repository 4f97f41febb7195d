# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTPS server: TLS, HTTP parsing, and the per-request pipeline around the router.

Order for a Graph HTTP request: count it → latency → injected 503 → bearer check → `$batch` or a
single operation → maybe lose the answer (injected 504 or dropped connection, after every write).
Each operation (direct or inner) then goes: route → mailbox gate → throttle → handler.
"""

import json
import logging
import math
import os
import random
import secrets
import shlex
import shutil
import socket
import ssl
import tempfile
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import control, tls
from .batch import BatchRunner
from .config import EmulatorConfig
from .identity import Application, Identity
from .resources import load_all
from .resources._sync import run_cycle
from .odata import SCHEMAS
from .router import ROUTER
from .stats import Stats
from .store import Store
from .throttle import MailboxGate, Throttle
from .wire import GraphError, Request, Response, error_response

LOG = logging.getLogger("graph_emulator")
VERSIONS = ("v1.0", "beta")
DROP = object()  # handle_http's answer for "close the connection without a response"
GATEWAY_TIMEOUT = "The request timed out at the gateway before its answer arrived."  # our wording; Graph's 504 body is UNCONFIRMED

load_all()


class Emulator:
    """A Graph emulator on 127.0.0.1. Use `start()`/`stop()` or a `with` block.

    Knobs come from `config` (an EmulatorConfig) or as keyword arguments (`latency_ms=5`).
    """

    def __init__(self, config=None, *, host="127.0.0.1", port=0, state_dir=None, tenant_id=None, client_id=None,
                 client_secret=None, random_seed=None, verbose=False, **knobs):
        self.config = config or EmulatorConfig()
        self.config.update(knobs)
        self.host, self.port = host, port
        self.state_dir = state_dir
        self._own_state_dir = state_dir is None
        self.tenant_id = tenant_id or str(uuid.uuid4())
        self.client_id = client_id or str(uuid.uuid4())
        self.client_secret = client_secret or secrets.token_urlsafe(30)
        self.verbose = verbose
        self.rng = random.Random(random_seed)
        self.stats = Stats()
        self.store = Store(lambda: self.config.replication_delay_ms / 1000.0)
        for schema in list(SCHEMAS.values()):
            for prop in schema.indexed:
                self.store.add_index(schema.kind, prop)
        self.throttle = Throttle(self.config, self.tenant_id, self.rng)
        self.mailboxes = MailboxGate(self.config, self.stats)
        self._last_sync = time.monotonic()
        self.identity = self.tls = self.url = self.info = self._server = self._thread = None
        self.batches = BatchRunner(self.execute, self._prepare, self.config, self.rng, self.stats, self.mailbox_of)

    # --- lifecycle -------------------------------------------------------------------------

    def start(self):
        """Generate credentials, bind, serve in a background thread, write emulator.json/.env."""
        if self.state_dir is None:
            self.state_dir = tempfile.mkdtemp(prefix="graph-emulator-")
        os.makedirs(self.state_dir, exist_ok=True)
        hosts = ["127.0.0.1", "localhost"] + ([self.host] if self.host not in ("127.0.0.1", "localhost", "0.0.0.0") else [])
        self.tls = tls.generate(self.state_dir, hosts)
        self._server = _Server((self.host, self.port), self, tls.server_context(self.tls))
        self.port = self._server.server_address[1]
        url_host = "127.0.0.1" if self.host == "0.0.0.0" else self.host
        self.url = f"https://{url_host}:{self.port}"
        app = Application(self.client_id, self.client_secret, [self.tls.client_certificate])
        self.identity = Identity(self.tenant_id, [app], self.url, roles=lambda client_id: self.config.app_roles,
                                 domains=lambda: self.config.verified_domains)
        self._thread = threading.Thread(target=self._server.serve_forever, name="graph-emulator", daemon=True)
        self._thread.start()
        self._write_files()
        return self

    def stop(self):
        """Stop serving, drop open connections, and remove a temporary state dir."""
        if self._server:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        if self._own_state_dir and self.state_dir and os.path.isdir(self.state_dir):
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def ca_path(self):
        """PEM file of the CA that signed the server certificate (pass as `verify=`)."""
        return self.tls.ca_path if self.tls else None

    @property
    def credentials(self):
        """Everything a client needs to sign in and call Graph here."""
        return {
            "tenant_id": self.tenant_id, "client_id": self.client_id, "client_secret": self.client_secret,
            "client_certificate_path": self.tls.client_cert_path, "client_certificate_pfx_path": self.tls.client_pfx_path,
            "client_certificate_thumbprint": self.tls.client_sha1, "client_certificate_thumbprint_sha256": self.tls.client_sha256,
            "url": self.url, "graph_url": self.url, "authority_url": self.url, "authority": f"{self.url}/{self.tenant_id}",
            "scope": f"{self.url}/.default", "ca_path": self.ca_path,
        }

    def _write_files(self):
        keys = ("url", "graph_url", "authority_url", "tenant_id", "client_id", "client_secret", "client_certificate_path",
                "client_certificate_pfx_path", "client_certificate_thumbprint", "scope", "ca_path")
        info = {key: self.credentials[key] for key in keys}
        info["pid"] = os.getpid()
        self.info = info
        with open(os.path.join(self.state_dir, "emulator.json"), "w", encoding="utf-8") as handle:
            json.dump(info, handle, indent=2)
        env = {"AZURE_TENANT_ID": self.tenant_id, "AZURE_CLIENT_ID": self.client_id, "AZURE_CLIENT_SECRET": self.client_secret,
               "MSGRAPH_URL": self.url, "MSGRAPH_AUTHORITY_URL": self.url, "MSGRAPH_CA_PATH": self.ca_path,
               "MSGRAPH_EMULATOR_PID": str(os.getpid())}
        fd = os.open(os.path.join(self.state_dir, "emulator.env"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())

    # --- state helpers (also behind the control endpoints) ---------------------------------

    def seed(self, data):
        """Create objects directly: {"users": [...], "groups": [...]} → the created objects' ids."""
        return control.seed(self, data)

    def reset(self):
        """Empty the directory, zero the stats and refill the throttle buckets."""
        self.store.clear()
        self.stats.reset()
        self.throttle.reset()
        self.mailboxes.reset()

    def sync(self):
        """One synchronisation cycle from on-premises AD (resources/_sync.py) → {"users": n, "groups": n} changed back."""
        self._last_sync = time.monotonic()
        return run_cycle(self.store)

    def _maybe_sync(self):
        """With `sync_interval_s` set, run the cycle before a Graph request once the interval has passed (as Entra Connect's
        scheduler does every 30 minutes by default); checked per request, so an idle emulator does no work."""
        interval = self.config.sync_interval_s
        if interval and time.monotonic() - self._last_sync >= interval:
            self.sync()

    def dump(self):
        """Full directory state."""
        return self.store.dump()

    def update_config(self, changes):
        """Change knobs at run time (ValueError for bad ones)."""
        self.config.update(changes)

    # --- request pipeline ------------------------------------------------------------------

    def handle_http(self, method, target, headers, body):
        """Dispatch one HTTP request to control, identity or Graph."""
        path = target.partition("?")[0]
        segments = [urllib.parse.unquote(s) for s in path.split("/") if s]
        if segments[:1] == ["_emulator"]:
            return control.handle(self, method, segments[1:], body)
        if segments and segments[0].lower() in VERSIONS:
            return self._graph(method, segments[0].lower(), target[len(segments[0]) + 1:], headers, body)
        if len(segments) >= 2 and self.identity.handles(segments):
            resp, is_token = self.identity.handle(method, segments, headers, body)
            if is_token:
                self.stats.add("token_requests")
            return resp
        req = Request(method, "/", headers)
        return error_response(req, GraphError(400, "BadRequest", f"Invalid version: {segments[0] if segments else ''}"))

    def _prepare(self, req, outer=None):
        req.store, req.config, req.base_url, req.tenant_id = self.store, self.config, self.url, self.tenant_id
        if outer is not None:
            req.app_id, req.roles = outer.app_id, outer.roles

    def _graph(self, method, version, target, headers, body):
        self.stats.add("http_requests")
        self.stats.enter()
        try:
            if self.config.latency_ms:
                time.sleep(self.config.latency_ms / 1000.0)
            req = Request(method, target or "/", headers, body, version)
            self._prepare(req)
            self._maybe_sync()
            if self.config.outer_503_rate and self.rng.random() < self.config.outer_503_rate:
                self.stats.fault("503")
                retry = {"Retry-After": str(math.ceil(self.config.retry_after_s))}
                return _with_ids(req, error_response(req, GraphError(
                    503, "serviceNotAvailable", "The service is temporarily unavailable. Retry after the time in Retry-After.", retry)))
            try:
                claims = self.identity.authenticate(req.header("authorization"))
            except GraphError as err:
                return _with_ids(req, error_response(req, err))
            req.app_id, req.roles = claims["appid"], frozenset(claims.get("roles") or ())
            if [s.lower() for s in req.segments] == ["$batch"]:
                resp = self._batch(req)
            else:
                resp = self.execute(req)
            return self._lose_answer(req) or _with_ids(req, resp)
        finally:
            self.stats.leave()

    def _lose_answer(self, req):
        """After processing (every write done): maybe a 504 instead of the answer, or no answer at all (DROP)."""
        if self.config.outer_504_rate and self.rng.random() < self.config.outer_504_rate:
            self.stats.fault("504")
            return _with_ids(req, error_response(req, GraphError(504, "GatewayTimeout", GATEWAY_TIMEOUT)))
        if self.config.outer_drop_rate and self.rng.random() < self.config.outer_drop_rate:
            self.stats.fault("dropped")
            return DROP
        return None

    def _batch(self, req):
        if req.method != "POST":
            return error_response(req, GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target."))
        self.stats.add("batches")
        resp, count = self.batches.run(req, self.config.shuffle)
        self.stats.add("inner_requests", count)
        return resp

    def mailbox_of(self, req, resolved=None):
        """The mailbox (its owner's id, or the key as given when no such user is visible) an Outlook request addresses
        while Outlook's limits are on; None otherwise."""
        if not self.config.outlook_throttling:
            return None
        try:
            route, params = resolved or ROUTER.resolve(req)
        except GraphError:
            return None
        if not route.mailbox:
            return None
        key = params["key"]
        found = self.store.find("user", "userPrincipalName", key) if "@" in key else [self.store.get("user", key.lower())]
        return found[0]["id"] if found and found[0] else key.lower()

    def execute(self, req):
        """One Graph operation, direct or inner: route → mailbox gate → throttle → handler. Always returns a Response."""
        try:
            route, params = ROUTER.resolve(req)
        except GraphError as err:
            resp = error_response(req, err)
        else:
            mailbox = self.mailbox_of(req, (route, params))
            try:
                if mailbox is not None:
                    self.mailboxes.enter(req.app_id, mailbox)
            except GraphError as err:
                self.stats.throttled(err.kind)
                resp = error_response(req, err)
            else:
                try:
                    resp = self._admitted(req, route, params, mailbox)
                finally:
                    if mailbox is not None:
                        self.mailboxes.leave(req.app_id, mailbox)
        self.stats.operation(req.method, resp.status)
        return resp

    def _admitted(self, req, route, params, mailbox):
        """Throttle, then the handler; a mailbox request takes `outlook_latency_ms` of its mailbox's time."""
        if mailbox is not None and self.config.outlook_latency_ms:
            time.sleep(self.config.outlook_latency_ms / 1000.0)
        try:
            headers = self.throttle.admit(req, route)
        except GraphError as err:
            self.stats.throttled(err.kind)
            return error_response(req, err)
        resp = ROUTER.dispatch(req, (route, params))
        resp.headers.update(headers)
        if route.write:
            self.stats.add("writes")
        return resp


def _with_ids(req, resp):
    """Outer responses carry request-id and echo client-request-id (§6.2)."""
    resp.headers["request-id"] = req.request_id
    resp.headers["client-request-id"] = req.client_request_id or req.request_id
    return resp


class _Server(ThreadingHTTPServer):
    """Threaded HTTP server doing the TLS handshake in the connection's own thread."""

    daemon_threads = True
    allow_reuse_address = True
    handshake_timeout_s = 30

    def __init__(self, address, emulator, context):
        self.emulator = emulator
        self.context = context
        self._connections = set()
        self._lock = threading.Lock()
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address):
        # Handshaking here rather than in accept() keeps one slow client from stalling the others.
        request.settimeout(self.handshake_timeout_s)
        # Headers and body go out as separate writes; without NODELAY, Nagle + delayed ACK add ~40 ms.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            conn = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with self._lock:
            self._connections.add(conn)
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except (ConnectionError, TimeoutError, ssl.SSLError):
            pass
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

    def close_connections(self):
        """Unblock threads waiting on idle keep-alive connections."""
        with self._lock:
            for conn in list(self._connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP/1.1 requests into `Emulator.handle_http` calls."""

    protocol_version = "HTTP/1.1"  # keep-alive, as Graph clients pool connections
    timeout = 300  # idle keep-alive connections are closed after this many seconds

    def version_string(self):
        return "graph-emulator"

    def do_GET(self):  # pylint: disable=invalid-name
        """Any method: read, dispatch, answer."""
        self._serve()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.emulator.verbose:
            LOG.info("%s %s", self.address_string(), format % args)

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self):
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        resp = self.server.emulator.handle_http(self.command, self.path, headers, body)
        if resp is DROP:
            self.close_connection = True  # finish_request closes the socket; the client gets no status line
            return
        payload = resp.payload() if isinstance(resp, Response) else b""
        self.send_response(resp.status)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
