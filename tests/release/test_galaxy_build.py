# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``ansible-galaxy collection build``: what the Galaxy artifact holds and what it leaves out."""

from __future__ import annotations

import json
import os
import shutil
import tarfile

import yaml

from .support import REPO_ROOT, artifact_members, build_artifact, galaxy_metadata, run, tool

# Local clutter a developer's checkout (or a CI workspace after `make test`) really has.
CLUTTER = (
    '.venv/bin/python',
    '.venv-2.21-py3.12/bin/python',
    'venv/pyvenv.cfg',
    'build/ansible_collections/mynster/msgraph/galaxy.yml',
    'build/bench/results.json',
    'dist/mynster-msgraph-0.0.1.tar.gz',
    'tests/output/junit/python3.11-units.xml',
    'tests/integration/integration_config.yml',
    '.pytest_cache/v/cache/nodeids',
    'tests/unit/.pytest_cache/v/cache/lastfailed',
    'plugins/modules/__pycache__/graph_batch.cpython-311.pyc',
    'emulator/graph_emulator/__pycache__/server.cpython-311.pyc',
    'plugins/module_utils/client/client.pyc',
    'plugins/module_utils/client/client.pyo',
    '.mypy_cache/3.11/cache.db',
    'emulator/.mypy_cache/3.11/cache.db',
    '.ruff_cache/0.9.0/cache',
    'plugins/.ruff_cache/0.9.0/cache',
    '.tox/py311/pyvenv.cfg',
    '.ansible/collections/ansible_collections/x',
    'roles/onboarding/.ansible/tmp',
    '.cache/ansible-compat/x',
    'changelogs/.plugin-cache.yaml',
    'mynster-msgraph-0.0.1.tar.gz',
    'playbooks/onboarding_demo.retry',
    'playbooks/onboarding_demo.yml.results.jsonl',
    'roles/onboarding/tests/test.yml.results.jsonl',
    '.idea/workspace.xml',
    '.vscode/settings.json',
    'docs/quickstart.md.swp',
    'README.md~',
)

# Repository-only development tooling; see build_ignore in galaxy.yml for why it stays out.
DEVELOPMENT_ONLY = ('tests', 'scripts', 'benchmarks', '.ci', 'Makefile', 'requirements-dev.txt', '.ansible-lint', '.gitignore')

# What ships: every file of these, except clutter.
SHIPPED = ('plugins', 'roles', 'playbooks', 'meta', 'emulator', 'extensions', 'docs', 'changelogs', 'LICENSES')
SHIPPED_FILES = ('README.md', 'COPYING')


def _is_clutter(path):
    parts = path.split('/')
    caches = {'__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.ansible', '.cache', '.idea', '.vscode'}
    return (bool(caches & set(parts)) or path.endswith(('.pyc', '.pyo', '.retry', '.swp', '~', '.tar.gz', '.results.jsonl'))
            or path == 'changelogs/.plugin-cache.yaml')


def _cluttered_copy(tmp_path):
    """A copy of the tree (as the tests see it) with every kind of local clutter added."""
    source = tmp_path / 'source'
    shutil.copytree(REPO_ROOT, source, symlinks=True, ignore=shutil.ignore_patterns('.git', '.venv', 'build', '__pycache__', '.pytest_cache'))
    for relative in CLUTTER:
        path = source / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('local clutter\n')
    return source


def test_artifact_leaves_out_clutter_and_development_tooling(tmp_path):
    source = _cluttered_copy(tmp_path)
    members = artifact_members(build_artifact(source, tmp_path / 'dist'))
    assert 'MANIFEST.json' in members and 'FILES.json' in members

    leaked = sorted(set(CLUTTER) & set(members))
    leaked += [m for m in members if m.split('/')[0] in ('.venv', 'venv', 'build', 'dist') or m.startswith('.venv-') or _is_clutter(m)]
    assert not leaked, 'local clutter in the artifact: %s' % leaked
    tooling = [m for m in members if m.split('/')[0] in DEVELOPMENT_ONLY]
    assert not tooling, 'development tooling in the artifact: %s' % tooling

    # Nothing that should ship was caught by an ignore pattern.
    expected = set(SHIPPED_FILES)
    for top in SHIPPED:
        for directory, dirnames, filenames in os.walk(source / top):
            dirnames[:] = [d for d in dirnames if not _is_clutter(d)]
            for name in filenames:
                relative = os.path.relpath(os.path.join(directory, name), source).replace(os.sep, '/')
                if not _is_clutter(relative):
                    expected.add(relative)
    missing = sorted(expected - set(members))
    assert not missing, 'files missing from the artifact: %s' % missing


def test_artifact_has_the_product(artifact):
    members = set(artifact_members(artifact))
    for path in ('README.md', 'COPYING', 'LICENSES/BSD-2-Clause.txt', 'meta/runtime.yml', 'meta/execution-environment.yml',
                 'meta/ee-requirements.txt', 'meta/ee-bindep.txt', 'plugins/modules/graph_batch.py',
                 'plugins/module_utils/client/client.py', 'plugins/doc_fragments/connection.py',
                 'emulator/README.md', 'emulator/graph_emulator/__main__.py', 'extensions/awx/credential_type.yml',
                 'extensions/ee/execution-environment.yml', 'extensions/ee/requirements.yml', 'changelogs/changelog.yaml',
                 'docs/reference/index.rst', 'docs/authentication.md', 'playbooks/drift_report.yml'):
        assert path in members, path
    # Test output must never ship, whichever test or benchmark left it in the tree (it once sat in playbooks/).
    test_output = sorted(m for m in members if m.endswith('.results.jsonl') or m.startswith(('tests/output/', '.venv')))
    assert not test_output, 'test output in the artifact: %s' % test_output
    with tarfile.open(artifact) as archive:
        manifest = json.load(archive.extractfile('MANIFEST.json'))
    metadata = galaxy_metadata()
    info = manifest['collection_info']
    assert (info['namespace'], info['name'], info['version']) == (metadata['namespace'], metadata['name'], metadata['version'])
    assert info['dependencies'] == {}


def test_installed_artifact_declares_exactly_requests_and_msal(installed_collections):
    """What ansible-builder finds when it introspects the installed collection inside an EE build."""
    output = run([tool('ansible-builder'), 'introspect', '--sanitize', installed_collections]).stdout
    data = yaml.safe_load(output[output.index('---'):])
    python = [line.split('#')[0].strip() for line in data['python']]
    assert python == ['requests', 'msal>=1.29.0'], data
    assert all('mynster.msgraph' in line for line in data['python']), data
    assert not data.get('system'), data
