# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared pieces of the benchmark scenarios: the emulator, playbook runs, and the comparison table."""

from __future__ import annotations

import json
import os
import sys
import time

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'integration'))

# security_group is for the scenarios, which reach the harness through this module.
from harness import EmulatorProcess, PlaybookRunner, collections_path, security_group  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

PLAY_HEADER = """
- hosts: localhost
  gather_facts: false
  tasks:
"""

# The baseline every scenario compares against: what admins write today, one request per item.
TOKEN_TASK = """
    - name: Get a token
      ansible.builtin.uri:
        url: "{{ lookup('env', 'MSGRAPH_AUTHORITY_URL') }}/{{ lookup('env', 'AZURE_TENANT_ID') }}/oauth2/v2.0/token"
        method: POST
        body_format: form-urlencoded
        body:
          client_id: "{{ lookup('env', 'AZURE_CLIENT_ID') }}"
          client_secret: "{{ lookup('env', 'AZURE_CLIENT_SECRET') }}"
          grant_type: client_credentials
          scope: "{{ lookup('env', 'MSGRAPH_URL') }}/.default"
        ca_path: "{{ lookup('env', 'MSGRAPH_CA_PATH') }}"
      register: token
      no_log: true
"""


def uri_task(name, method, url, body=None, status_code=(200,), loop='{{ items }}'):
    """A looped ansible.builtin.uri task, one HTTP request per loop item; ``body`` is YAML text or data."""
    text = """
    - name: %s
      ansible.builtin.uri:
        url: "{{ lookup('env', 'MSGRAPH_URL') }}/v1.0%s"
        method: %s
        headers:
          Authorization: "Bearer {{ token.json.access_token }}"
        ca_path: "{{ lookup('env', 'MSGRAPH_CA_PATH') }}"
        status_code: %s
""" % (name, url, method, json.dumps(list(status_code)))
    if body is not None:
        text += "        body_format: json\n        body: %s\n" % (body if isinstance(body, str) else json.dumps(body))
    return text + '      loop: "%s"\n' % loop


class Bench:
    """One emulator and one playbook runner shared by the scenarios."""

    def __init__(self, latency_ms, workdir):
        self.workdir = workdir
        self.emulator = EmulatorProcess(REPO_ROOT, os.path.join(workdir, 'emulator'), ['--latency-ms', str(latency_ms)])
        os.makedirs(self.emulator.state_dir)
        self.emulator.start()
        self.latency_ms = latency_ms
        self.runner = PlaybookRunner(self.emulator, collections_path(REPO_ROOT), workdir)
        self.rows = []

    def close(self):
        self.emulator.stop()

    def empty_directory(self):
        """Forget every object and knob change, but keep the benchmark's latency."""
        self.emulator.reset()
        self.emulator.configure(latency_ms=self.latency_ms)

    def measure(self, scenario, label, playbook_text, extra_vars=None, check=False):
        """Run one playbook from clean counters; record HTTP requests and wall time."""
        self.emulator.reset_stats()
        vars_file = None
        if extra_vars is not None:
            vars_file = os.path.join(self.workdir, 'vars-%d.json' % len(self.rows))
            with open(vars_file, 'w') as handle:
                json.dump(extra_vars, handle)
        path = os.path.join(self.workdir, 'play-%d.yml' % len(self.rows))
        with open(path, 'w') as handle:
            handle.write(playbook_text)
        run = self.runner.run_file(path, check=check, extra_vars_file=vars_file)
        if run.rc != 0:
            raise SystemExit('%s / %s failed:\n%r' % (scenario, label, run))
        stats = self.emulator.stats()
        row = {'scenario': scenario, 'label': label, 'http_requests': stats['http_requests'], 'token_requests': stats['token_requests'],
               'inner_requests': stats['inner_requests'], 'writes': stats['writes'], 'throttled': stats['throttled'],
               'seconds': run.elapsed, 'run': run}
        self.rows.append(row)
        return row

    def compare(self, scenario, ours, baseline):
        print('\n%s (emulator latency %d ms per HTTP request)' % (scenario, self.latency_ms))
        print('  %-34s %14s %10s %10s' % ('', 'HTTP requests', 'writes', 'wall s'))
        for row in (ours, baseline):
            print('  %-34s %14d %10d %10.1f' % (row['label'], row['http_requests'], row['writes'], row['seconds']))
        request_ratio = baseline['http_requests'] / max(1, ours['http_requests'])
        time_ratio = baseline['seconds'] / max(0.001, ours['seconds'])
        print('  %-34s %13.1fx %10s %9.1fx' % ('ratio (baseline / collection)', request_ratio, '', time_ratio))
        sys.stdout.flush()


class TimedSession:
    """Wraps the client's HTTP session and notes when each answer arrived and what it carried."""

    def __init__(self, session):
        self.session = session
        self.answers = []  # (monotonic time, method, url, payload)

    def request(self, method, url, json=None, **kwargs):  # pylint: disable=redefined-outer-name
        response = self.session.request(method, url, json=json, **kwargs)
        self.answers.append((time.monotonic(), method, url, json))
        return response

    def __getattr__(self, name):
        return getattr(self.session, name)


def direct_client(bench, **options):
    """The collection's ``GraphClient`` against the benchmark's emulator, driven without Ansible.

    Returns ``(client, timed_session)``: the session notes when each answer arrived.
    """
    if bench.runner.collections_dir not in sys.path:
        sys.path.insert(0, bench.runner.collections_dir)
    from ansible_collections.mynster.msgraph.plugins.module_utils.client.client import GraphClient  # pylint: disable=import-error
    from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import GraphSettings  # pylint: disable=import-error
    env = bench.emulator.environment()
    settings = GraphSettings(tenant_id=env['AZURE_TENANT_ID'], client_id=env['AZURE_CLIENT_ID'], client_secret=env['AZURE_CLIENT_SECRET'],
                             graph_url=env['MSGRAPH_URL'], authority_url=env['MSGRAPH_AUTHORITY_URL'], ca_path=env['MSGRAPH_CA_PATH'],
                             **options)
    client = GraphClient(settings)
    timed = TimedSession(client.session)
    client.session = timed
    return client, timed
