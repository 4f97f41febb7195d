# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for integration tests and the benchmark: the emulator as a process, and ansible-playbook runs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import requests


def collections_path(repo_root):
    """A directory with ``ansible_collections/mynster/msgraph`` pointing at this checkout.

    When the checkout already sits in such a tree (the test scripts copy it there for ansible-test),
    that tree is used; otherwise a symlink in a temporary directory is enough for ansible-playbook.
    """
    parent = os.path.dirname(os.path.dirname(os.path.dirname(repo_root)))
    if os.path.basename(os.path.dirname(os.path.dirname(repo_root))) == 'ansible_collections':
        return parent
    base = tempfile.mkdtemp(prefix='msgraph-collections-')
    os.makedirs(os.path.join(base, 'ansible_collections', 'mynster'))
    os.symlink(repo_root, os.path.join(base, 'ansible_collections', 'mynster', 'msgraph'))
    return base


def security_group(name, **extra):
    """A security group's body for ``EmulatorProcess.seed``: ``name`` with a mailNickname made from it, plus ``extra``."""
    body = {'displayName': name, 'mailNickname': name.lower().replace(' ', '-'), 'mailEnabled': False, 'securityEnabled': True}
    body.update(extra)
    return body


def guide_block(guide, first_line):
    """The fenced code block of the Markdown file ``guide`` whose first line is ``first_line`` (without that line).

    Guides' examples are run as they are written, so the tests fail when a guide's code stops working.
    """
    with open(guide, encoding='utf-8') as handle:
        text = handle.read()
    for block in re.findall(r'^```[a-z]*\n(.*?)^```', text, re.MULTILINE | re.DOTALL):
        lines = block.splitlines()
        if lines and lines[0].strip() == first_line:
            return '\n'.join(lines[1:]) + '\n'
    raise AssertionError('%s has no code block starting with %r' % (os.path.relpath(guide), first_line))


class EmulatorProcess:
    """The Graph emulator started through its command line, on a free loopback port."""

    def __init__(self, repo_root, state_dir, extra_args=()):
        self.repo_root = repo_root
        self.state_dir = state_dir
        self.extra_args = list(extra_args)
        self.process = None
        self.info = None
        self.session = requests.Session()

    def start(self):
        env = dict(os.environ, PYTHONPATH=os.path.join(self.repo_root, 'emulator'))
        command = [sys.executable, '-m', 'graph_emulator', '--port', '0', '--state-dir', self.state_dir] + self.extra_args
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError('emulator did not start: %s' % self.process.stderr.read())
        self.info = json.loads(line)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @property
    def url(self):
        return self.info['url']

    def control(self, method, path, payload=None):
        # verify passed per call: REQUESTS_CA_BUNDLE in the environment would override session.verify
        response = self.session.request(method, self.url + '/_emulator/' + path, json=payload, timeout=30, verify=self.info['ca_path'])
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.control('POST', 'reset')
        self.control('PATCH', 'config', self.default_config())

    @staticmethod
    def default_config():
        """Every knob at the emulator's default (emulator/README.md), so a test never inherits another test's faults."""
        return {'latency_ms': 0, 'throttle_rate': 0.0, 'retry_after_s': 1.0, 'fractional_retry_after': False,
                'outer_503_rate': 0.0, 'outer_504_rate': 0.0, 'outer_drop_rate': 0.0,
                'replication_delay_ms': 0, 'membership_delay_ms': 0, 'remove_nonmember_400': False, 'shuffle': True,
                'entra_quotas': '', 'write_quota': 0, 'write_window_s': 150.0, 'resource_units': 0, 'resource_window_s': 10.0,
                'batch_workers': 4, 'outlook_throttling': False, 'mailbox_concurrency': 4, 'mailbox_requests': 10000,
                'mailbox_window_s': 600.0, 'outlook_latency_ms': 20.0, 'mailbox_provisioning_delay_ms': 0,
                'sync_interval_s': 0.0,
                'verified_domains': ['contoso.onmicrosoft.com', 'contoso.example', 'contoso.com'],
                'app_roles': ['Application.Read.All', 'Calendars.ReadWrite', 'Device.Read.All', 'Directory.Read.All',
                              'Domain.Read.All', 'Group.ReadWrite.All', 'GroupMember.ReadWrite.All', 'MailboxSettings.ReadWrite',
                              'Organization.Read.All', 'OrgContact.Read.All', 'User.ReadWrite.All', 'User.RevokeSessions.All']}

    def configure(self, **knobs):
        return self.control('PATCH', 'config', knobs)

    def seed(self, **objects):
        return self.control('POST', 'seed', objects)

    def stats(self):
        return self.control('GET', 'stats')

    def reset_stats(self):
        self.control('POST', 'stats/reset')

    def dump(self):
        return self.control('GET', 'dump')

    def objects(self, kind):
        """Live objects of one kind (``user``, ``group``, ...) in the emulator's directory."""
        return self.dump()['objects'].get(kind, [])

    def environment(self):
        """Environment variables a user would export to point the collection at this emulator."""
        return {
            'AZURE_TENANT_ID': self.info['tenant_id'],
            'AZURE_CLIENT_ID': self.info['client_id'],
            'AZURE_CLIENT_SECRET': self.info['client_secret'],
            'MSGRAPH_URL': self.info['graph_url'],
            'MSGRAPH_AUTHORITY_URL': self.info['authority_url'],
            'MSGRAPH_CA_PATH': self.info['ca_path'],
        }


class PlaybookResult:
    """Outcome of one ansible-playbook run: exit code, output, and every task's result."""

    def __init__(self, completed, elapsed, results_file):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.elapsed = elapsed
        self.tasks = []
        if os.path.exists(results_file):
            with open(results_file) as handle:
                self.tasks = [json.loads(line) for line in handle if line.strip()]

    def entry(self, task_name, host=None):
        """The (last) recorded entry of the task called ``task_name`` (on ``host``): ``{'task', 'host', 'status', 'result'}``."""
        for entry in reversed(self.tasks):
            if entry['task'] == task_name and host in (None, entry.get('host')):
                return entry
        raise KeyError('no task named %r ran%s; tasks: %s' % (task_name, ' on %s' % host if host else '', [e['task'] for e in self.tasks]))

    def result(self, task_name, host=None):
        """The module result of the task called ``task_name`` (on ``host``)."""
        return self.entry(task_name, host)['result']

    def failed(self, task_name, host=None):
        return self.entry(task_name, host)['status'] == 'failed'

    @property
    def recap(self):
        """``{'ok': n, 'changed': n, 'failed': n, ...}`` for localhost from the PLAY RECAP line."""
        return self.recaps.get('localhost', {})

    @property
    def recaps(self):
        """``{host: {'ok': n, 'changed': n, ...}}`` for every host in the PLAY RECAP."""
        recap = self.stdout[self.stdout.rfind('PLAY RECAP'):] if 'PLAY RECAP' in self.stdout else ''
        return dict((host, dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', counts)))
                    for host, counts in re.findall(r'^(\S+)\s*:\s*(ok=.+)$', recap, re.MULTILINE))

    def __repr__(self):
        return 'PlaybookResult(rc=%s)\n--- stdout ---\n%s\n--- stderr ---\n%s' % (self.rc, self.stdout[-6000:], self.stderr[-3000:])


class PlaybookRunner:
    """Writes a playbook to a temp dir and runs the real ``ansible-playbook`` on it."""

    def __init__(self, emulator, collections_dir, workdir):
        self.emulator = emulator
        self.collections_dir = collections_dir
        self.workdir = str(workdir)
        self.runs = 0

    def __call__(self, text, check=False, diff=False, verbosity=0, env=None, extra_vars=None, credentials=True):
        path = os.path.join(self.workdir, 'playbook-%d.yml' % int(time.time() * 1000000))
        with open(path, 'w') as handle:
            handle.write(text)
        return self.run_file(path, check=check, diff=diff, verbosity=verbosity, env=env, extra_vars=extra_vars, credentials=credentials)

    def run_file(self, path, check=False, diff=False, verbosity=0, env=None, extra_vars=None, credentials=True, extra_vars_file=None,
                 inventory=None, extra_args=()):
        """Run the playbook at ``path``; by default on ``localhost`` alone, or on the hosts of an ``inventory`` file."""
        if inventory is None:
            command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', path]
        else:
            command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, path]
        command += list(extra_args)
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        if verbosity:
            command.append('-' + 'v' * verbosity)
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        if extra_vars_file:
            command += ['-e', '@' + extra_vars_file]
        environment = dict(os.environ)
        for name in list(environment):
            if name.startswith(('AZURE_', 'MSGRAPH_')):
                del environment[name]
        environment.update({
            'ANSIBLE_COLLECTIONS_PATH': self.collections_dir,
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCAL_TEMP': os.path.join(self.workdir, 'ansible-tmp'),
            'ANSIBLE_HOME': os.path.join(self.workdir, 'ansible-home'),
        })
        if credentials:
            environment.update(self.emulator.environment())
        # Test output goes into the runner's own (temporary) directory, never next to the playbook: the
        # example playbooks live in playbooks/, which ships in the artifact. One file per run, because the
        # callback appends and the same playbook may run several times.
        self.runs += 1
        results_file = os.path.join(self.workdir, '%s-%d.results.jsonl' % (os.path.basename(path), self.runs))
        environment.update({
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(os.path.dirname(os.path.abspath(__file__)), 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'record_results',
            'RECORD_RESULTS_FILE': results_file,
        })
        environment.update(env or {})
        started = time.monotonic()
        completed = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=900, cwd=self.workdir, check=False)
        return PlaybookResult(completed, time.monotonic() - started, results_file)
