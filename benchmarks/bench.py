# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmarks: the collection against a naive one-call-per-item ``ansible.builtin.uri`` playbook.

Both run through real ansible-playbook against the same emulator with the same latency; the emulator's
own counters give the HTTP round trips. Usage: ``python benchmarks/bench.py [scenario ...]``.
Prints a table; never asserts on timing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import Bench  # noqa: E402  pylint: disable=wrong-import-position


def load_scenarios():
    """Every ``scenario_*.py`` beside this file; each defines ``NAME``, ``DESCRIPTION`` and ``run(bench)``."""
    scenarios = {}
    for filename in sorted(os.listdir(os.path.dirname(os.path.abspath(__file__)))):
        if filename.startswith('scenario_') and filename.endswith('.py'):
            module = importlib.import_module(filename[:-3])
            scenarios[module.NAME] = module
    return scenarios


def main():
    scenarios = load_scenarios()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('scenarios', nargs='*', default=list(scenarios),
                        help='which scenarios (default: all): %s' % '; '.join('%s (%s)' % (n, m.DESCRIPTION) for n, m in scenarios.items()))
    parser.add_argument('--latency-ms', type=int, default=50)
    args = parser.parse_args()
    unknown = [name for name in args.scenarios if name not in scenarios]
    if unknown:
        parser.error('unknown scenario(s): %s' % ', '.join(unknown))
    bench = Bench(args.latency_ms, tempfile.mkdtemp(prefix='msgraph-bench-'))
    try:
        for name in args.scenarios:
            scenarios[name].run(bench)
            bench.empty_directory()
    finally:
        bench.close()


if __name__ == '__main__':
    main()
