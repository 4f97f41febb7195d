# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Jobs run the way AWX / automation controller runs them: through ansible-runner.

Each job gets a private data directory like the controller prepares: ``project/`` (the example
playbooks of the installed collection), ``inventory/``, ``env/extravars`` (the job template's
variables), ``env/settings`` and ``env/envvars`` with the environment variables our credential type
(extensions/awx/credential_type.yml) injects, rendered as the controller renders them; the
certificate and CA files its file injectors write sit next to them in ``env/``. Nothing secret is
on the command line. The jobs run against the Graph emulator, and no secret may show up in the
job's events or output.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from . import awx_credential
from .support import REPO_ROOT

CREDENTIAL_TYPE = os.path.join(REPO_ROOT, 'extensions', 'awx', 'credential_type.yml')
COHORT = ('adele.vance', 'alex.wilber', 'diego.siciliani', 'isaiah.langer', 'lidia.holloway')


def load_credential_type():
    with open(CREDENTIAL_TYPE, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


class Job:
    """One controller job: a private data directory and an ``ansible-runner run`` on it."""

    def __init__(self, workdir, collections_dir, collection_dir, credential_inputs, playbook, extra_vars=None, ident='job', check=False):
        self.private_data_dir = os.path.join(str(workdir), ident)
        self.ident = ident
        project = os.path.join(self.private_data_dir, 'project')
        # The controller checks out the project; here the project is the installed collection's playbooks.
        shutil.copytree(os.path.join(collection_dir, 'playbooks'), project)
        os.makedirs(os.path.join(self.private_data_dir, 'inventory'))
        with open(os.path.join(self.private_data_dir, 'inventory', 'hosts'), 'w', encoding='utf-8') as handle:
            # The controller's default localhost: local connection, the execution environment's own Python.
            handle.write('localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
        self.env, self.safe_env, injected_vars = awx_credential.inject(load_credential_type(), credential_inputs, self.private_data_dir)
        assert not injected_vars
        envvars = dict(self.env)
        # Set by the controller for every job: where the execution environment keeps collections.
        envvars['ANSIBLE_COLLECTIONS_PATH'] = collections_dir
        envvars['ANSIBLE_NOCOLOR'] = '1'
        self._write('envvars', envvars)
        self._write('extravars', extra_vars or {})
        self._write('settings', {'job_timeout': 600})
        if check:
            # Job Type "Check": the controller adds --check to ansible-playbook's arguments.
            with open(os.path.join(self.private_data_dir, 'env', 'cmdline'), 'w', encoding='utf-8') as handle:
                handle.write('--check')
        self.playbook = playbook
        self.completed = None

    def _write(self, name, data):
        path = os.path.join(self.private_data_dir, 'env', name)
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(data, handle)
        os.chmod(path, 0o600)

    @property
    def command(self):
        return [sys.executable, '-m', 'ansible_runner', 'run', self.private_data_dir, '--ident', self.ident, '-p', self.playbook]

    def run(self):
        # The job's environment is what env/ says, not the test runner's: drop anything that could
        # configure the collection or TLS from outside.
        environment = dict((name, value) for name, value in os.environ.items()
                           if not name.startswith(('AZURE_', 'MSGRAPH_', 'ANSIBLE_')) and name not in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'))
        # ansible-playbook from the environment running the tests, as an execution environment has it on PATH.
        environment['PATH'] = os.path.dirname(sys.executable) + os.pathsep + environment.get('PATH', '')
        environment['ANSIBLE_HOME'] = os.path.join(self.private_data_dir, 'ansible-home')
        environment['ANSIBLE_LOCAL_TEMP'] = os.path.join(self.private_data_dir, 'ansible-tmp')
        self.completed = subprocess.run(self.command, env=environment, capture_output=True, text=True, timeout=900, check=False)
        return self

    @property
    def artifact_dir(self):
        return os.path.join(self.private_data_dir, 'artifacts', self.ident)

    def read(self, name):
        with open(os.path.join(self.artifact_dir, name), encoding='utf-8') as handle:
            return handle.read()

    @property
    def status(self):
        return self.read('status').strip()

    @property
    def rc(self):
        return int(self.read('rc').strip())

    @property
    def stdout(self):
        return self.read('stdout')

    def events(self):
        events = []
        for path in sorted(glob.glob(os.path.join(self.artifact_dir, 'job_events', '*.json'))):
            with open(path, encoding='utf-8') as handle:
                events.append((os.path.basename(path), handle.read()))
        return events

    def event_data(self, event_name):
        return [json.loads(text)['event_data'] for _name, text in self.events() if json.loads(text).get('event') == event_name]

    def artifact_stats(self):
        """What the playbook recorded with set_stats (the controller's job artifacts)."""
        stats = self.event_data('playbook_on_stats')
        assert len(stats) == 1, stats
        return stats[0].get('artifact_data') or {}

    def recap(self, counter):
        """``changed``, ``failures``, ... for localhost from the final stats event."""
        return self.event_data('playbook_on_stats')[0].get(counter, {}).get('localhost', 0)

    def assert_no_leak(self, *secrets):
        """No secret in the job's events, its output, or the command that started it."""
        assert all(secrets)
        texts = [('stdout', self.stdout), ('runner stdout', self.completed.stdout), ('runner stderr', self.completed.stderr),
                 ('command line', ' '.join(self.command)),
                 ('artifacts command', json.dumps(json.loads(self.read('command'))['command']))]
        texts += [('job_events/' + name, text) for name, text in self.events()]
        for secret in secrets:
            assert secret not in json.dumps(self.safe_env), 'the job environment the controller stores holds a secret'
            leaks = [label for label, text in texts if secret in text]
            assert not leaks, 'a secret appears in: %s' % leaks

    def __repr__(self):
        stdout = self.stdout if os.path.exists(os.path.join(self.artifact_dir, 'stdout')) else ''
        return 'Job(%s, exit %s)\n--- stdout ---\n%s\n--- runner stderr ---\n%s' % (
            self.playbook, self.completed.returncode if self.completed else None, stdout[-8000:],
            (self.completed.stderr if self.completed else '')[-3000:])


@pytest.fixture
def job(tmp_path, installed_collections, installed_collection):
    def make(credential_inputs, playbook, extra_vars=None, ident='job', check=False):
        return Job(tmp_path, installed_collections, installed_collection, credential_inputs, playbook, extra_vars, ident, check)
    return make


def secret_inputs(emulator):
    """The credential as an admin fills it in for the emulator: client secret, the emulator's URLs and CA."""
    with open(emulator.info['ca_path'], encoding='utf-8') as handle:
        ca = handle.read()
    return {'tenant_id': emulator.info['tenant_id'], 'client_id': emulator.info['client_id'], 'client_secret': emulator.info['client_secret'],
            'graph_url': emulator.info['graph_url'], 'authority_url': emulator.info['authority_url'], 'ca_certificate': ca}


def certificate_inputs(emulator):
    """The same app with its certificate (PEM: certificate and private key) instead of the secret."""
    inputs = secret_inputs(emulator)
    del inputs['client_secret']
    with open(emulator.info['client_certificate_path'], encoding='utf-8') as handle:
        inputs['client_certificate'] = handle.read()
    return inputs


def private_key_line(pem):
    """One line of the private key in a PEM text, to look for in job output."""
    lines = pem.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('-----BEGIN') and 'PRIVATE KEY' in line)
    return lines[start + 1]


def test_credential_type_is_valid_and_injects_what_the_modules_read():
    credential_type = load_credential_type()
    assert awx_credential.validate(credential_type) == []
    from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import CONNECTION_ARGUMENT_SPEC
    read = set()
    for spec in CONNECTION_ARGUMENT_SPEC.values():
        if spec.get('fallback'):
            read.update(spec['fallback'][1])
    injected = set(credential_type['injectors']['env'])
    # Everything but a ready-made access token (not a stored credential) and TLS switch-off.
    assert injected == read - {'MSGRAPH_ACCESS_TOKEN', 'MSGRAPH_VALIDATE_CERTS'}
    secret = [f['id'] for f in credential_type['inputs']['fields'] if f.get('secret')]
    assert sorted(secret) == ['client_certificate', 'client_certificate_password', 'client_secret']
    cloud = [f for f in credential_type['inputs']['fields'] if f['id'] == 'cloud'][0]
    assert cloud['choices'] == CONNECTION_ARGUMENT_SPEC['cloud']['choices']


def test_empty_fields_are_injected_as_unset(tmp_path):
    """A secret-only credential: the certificate and CA variables are empty, the cloud defaults to global."""
    env, safe_env, _extra = awx_credential.inject(load_credential_type(), {'tenant_id': 't', 'client_id': 'c', 'client_secret': 's3cr3t'}, str(tmp_path))
    assert env['AZURE_CLIENT_SECRET'] == 's3cr3t' and safe_env['AZURE_CLIENT_SECRET'] == '**********'
    assert env['AZURE_CLIENT_CERTIFICATE_PATH'] == '' and env['MSGRAPH_CA_PATH'] == '' and env['MSGRAPH_URL'] == ''
    assert env['MSGRAPH_CLOUD'] == 'global'
    inputs = {'tenant_id': 't', 'client_id': 'c', 'client_certificate': 'PEM', 'cloud': 'usgov'}
    env, _safe, _extra = awx_credential.inject(load_credential_type(), inputs, str(tmp_path))
    assert env['MSGRAPH_CLOUD'] == 'usgov' and env['AZURE_CLIENT_SECRET'] == ''
    with open(env['AZURE_CLIENT_CERTIFICATE_PATH'], encoding='utf-8') as handle:
        assert handle.read() == 'PEM'


def test_onboarding_job_and_scheduled_drift_reports(demo_tenant, job):
    """The jobs of docs/awx.md: a drift report (Job Type "Check") on a schedule, the onboarding job to fix drift.

    The drift reports use the app's certificate, the onboarding job its client secret, so both ways
    of injecting a credential are exercised.
    """
    with_certificate = certificate_inputs(demo_tenant)
    with_secret = secret_inputs(demo_tenant)
    key_line = private_key_line(with_certificate['client_certificate'])

    # A job template left on Job Type "Run" still only reads: the play runs in check mode whatever the job says.
    on_run = job(with_certificate, 'drift_report.yml', ident='drift-job-type-run').run()
    assert on_run.status == 'failed' and 'Drift found' in on_run.stdout, on_run
    assert demo_tenant.stats()['writes'] == 0, 'a drift report run as Job Type "Run" wrote to the tenant'

    # Nobody is onboarded yet: everything is drift, and the job fails.
    drift = job(with_certificate, 'drift_report.yml', ident='drift-before', check=True).run()
    assert drift.status == 'failed' and drift.rc != 0, drift
    assert 'Drift found' in drift.stdout, drift
    assert drift.artifact_stats()['drift_report']['drift'] is True
    assert demo_tenant.stats()['writes'] == 0, 'a drift report wrote to the tenant'

    # Report only: the job succeeds and its artifacts say what drifted.
    report = job(with_certificate, 'drift_report.yml', extra_vars={'drift_report_fail_on_drift': False}, ident='drift-report-only',
                 check=True).run()
    assert report.status == 'successful', report
    assert report.artifact_stats()['drift_report']['totals']['create'] == len(COHORT)
    assert demo_tenant.stats()['writes'] == 0

    # The onboarding job puts the cohort in place ...
    onboarding = job(with_secret, 'onboarding_demo.yml', extra_vars={'onboarding_show_summary': True}, ident='onboarding').run()
    assert onboarding.status == 'successful' and onboarding.rc == 0, onboarding
    assert onboarding.recap('failures') == 0 and onboarding.recap('changed') > 0, onboarding
    users = set(u['userPrincipalName'].split('@')[0] for u in demo_tenant.objects('user'))
    assert set(COHORT) <= users, sorted(users)

    # ... and the next scheduled report finds no drift.
    clean = job(with_certificate, 'drift_report.yml', ident='drift-after', check=True).run()
    assert clean.status == 'successful', clean
    assert clean.artifact_stats()['drift_report']['drift'] is False
    assert clean.recap('changed') == 0, clean

    onboarding.assert_no_leak(with_secret['client_secret'])
    for finished in (on_run, drift, report, onboarding, clean):
        finished.assert_no_leak(key_line)
