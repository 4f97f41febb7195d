# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Command line: `python -m graph_emulator [options]`; serves until SIGTERM/SIGINT."""

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading

from .config import EmulatorConfig
from .server import Emulator


def _parser():
    parser = argparse.ArgumentParser(prog="graph_emulator", description="Microsoft Graph emulator on HTTPS.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--state-dir", help="where certificates and emulator.json go (default: a temporary dir)")
    parser.add_argument("--tenant-id")
    parser.add_argument("--client-id")
    parser.add_argument("--client-secret")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--throttle-rate", type=float, default=0.0)
    parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds for random 429s and 503s")
    parser.add_argument("--fractional-retry-after", action="store_true")
    parser.add_argument("--outer-503-rate", type=float, default=0.0, help="fraction of Graph HTTP requests answered 503 before processing")
    parser.add_argument("--outer-504-rate", type=float, default=0.0, help="fraction processed, then answered 504")
    parser.add_argument("--outer-drop-rate", type=float, default=0.0, help="fraction processed, then the connection closed without an answer")
    parser.add_argument("--replication-delay-ms", type=float, default=0.0)
    parser.add_argument("--write-quota", type=int, default=0)
    parser.add_argument("--write-window", type=float, default=150.0)
    parser.add_argument("--resource-units", type=int, default=0)
    parser.add_argument("--resource-window", type=float, default=10.0)
    parser.add_argument("--entra-quotas", choices=("S", "M", "L"), help="Entra's write and resource-unit quotas for a tenant of this size")
    parser.add_argument("--outlook-throttling", action="store_true", help="Outlook's per-mailbox concurrency and rate limits")
    parser.add_argument("--outlook-latency-ms", type=float, default=20.0, help="time a mailbox request takes with --outlook-throttling")
    parser.add_argument("--mailbox-provisioning-delay-ms", type=float, default=0.0,
                        help="a new mailbox exists this long after the user's first Exchange licence")
    parser.add_argument("--verified-domain", action="append", default=[], help="a verified domain of the tenant (repeatable; replaces the default set)")
    app_roles_help = ("comma-separated application permissions put in tokens' roles claim "
                      "(default: the collection's set, without RoleManagement.ReadWrite.Directory)")
    parser.add_argument("--app-roles", help=app_roles_help)
    parser.add_argument("--seed", help="JSON file {\"users\": [...], \"groups\": [...]} loaded at start")
    parser.add_argument("--no-shuffle", action="store_true", help="keep $batch responses in request order")
    parser.add_argument("--random-seed", type=int, help="make random faults reproducible")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--background", action="store_true",
                        help="serve from a background process and return once it is ready (seeded, emulator.env written), "
                             "after printing the JSON line; needs --state-dir, logs to emulator.log there; "
                             "stop it with kill \"$MSGRAPH_EMULATOR_PID\"")
    return parser


def _background(argv, state_dir):
    """Start the emulator in its own session, wait for its announcement, print it and return (the emulator keeps serving)."""
    os.makedirs(state_dir, exist_ok=True)
    log_path = os.path.join(state_dir, "emulator.log")
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([package_root] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    child_argv = [arg for arg in argv if arg != "--background"]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "graph_emulator"] + child_argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=log, env=env, start_new_session=True)
    line = proc.stdout.readline()
    proc.stdout.close()
    if not line.strip():
        code = proc.wait()
        with open(log_path, encoding="utf-8", errors="replace") as log:
            sys.stderr.write(log.read()[-4000:])
        sys.stderr.write(f"graph_emulator: the background emulator ended (exit code {code}) before it was ready; log: {log_path}\n")
        return code or 1
    sys.stdout.write(line.decode("utf-8"))
    sys.stdout.flush()
    return 0


def main(argv=None):
    """Start, announce the connection details on stdout as one JSON line, wait for a signal, stop."""
    args = _parser().parse_args(argv)
    if args.background:
        if not args.state_dir:
            _parser().error("--background needs --state-dir (where emulator.env, emulator.json and emulator.log go)")
        return _background(sys.argv[1:] if argv is None else list(argv), args.state_dir)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(message)s")
    try:
        config = EmulatorConfig(latency_ms=args.latency_ms, throttle_rate=args.throttle_rate, retry_after_s=args.retry_after,
                                fractional_retry_after=args.fractional_retry_after, outer_503_rate=args.outer_503_rate,
                                replication_delay_ms=args.replication_delay_ms, shuffle=not args.no_shuffle,
                                write_quota=args.write_quota, write_window_s=args.write_window, resource_units=args.resource_units,
                                resource_window_s=args.resource_window, outer_504_rate=args.outer_504_rate,
                                outer_drop_rate=args.outer_drop_rate, outlook_throttling=args.outlook_throttling,
                                outlook_latency_ms=args.outlook_latency_ms,
                                mailbox_provisioning_delay_ms=args.mailbox_provisioning_delay_ms)
        if args.entra_quotas:
            config.update({"entra_quotas": args.entra_quotas})
        if args.verified_domain:
            config.verified_domains = list(args.verified_domain)
        if args.app_roles is not None:
            config.app_roles = [role.strip() for role in args.app_roles.split(",") if role.strip()]
        config.update(config.as_dict())  # validates every value
    except ValueError as err:
        _parser().error(str(err))
    emulator = Emulator(config, host=args.host, port=args.port, state_dir=args.state_dir, tenant_id=args.tenant_id,
                        client_id=args.client_id, client_secret=args.client_secret, random_seed=args.random_seed, verbose=args.verbose)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    emulator.start()
    try:
        if args.seed:
            with open(args.seed, encoding="utf-8") as handle:
                emulator.seed(json.load(handle))
        sys.stdout.write(json.dumps(emulator.info) + "\n")
        sys.stdout.flush()
        stop.wait()
    except (OSError, ValueError) as err:
        sys.stderr.write(f"graph_emulator: {err}\n")
        return 1
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
