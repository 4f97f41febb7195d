# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Execution environments: the collection's dependency metadata and ``ansible-builder create`` build contexts.

No container is built: ``ansible-builder create`` writes the Containerfile and the ``_build/``
directory a container engine would use, and these tests read them.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from .support import REPO_ROOT, galaxy_metadata, run, tool

RUNTIME_REQUIREMENTS = ['requests', 'msal>=1.29.0']
DEFINITION = os.path.join(REPO_ROOT, 'extensions', 'ee', 'execution-environment.yml')


def requirement_lines(path):
    """Requirement lines of a pip or bindep file, without comments and blank lines."""
    with open(path, encoding='utf-8') as handle:
        return [line.split('#')[0].strip() for line in handle if line.split('#')[0].strip()]


def third_party_imports(directory):
    """Top-level names of every module imported under ``directory`` that is neither stdlib nor Ansible."""
    names = set()
    for root, _dirs, files in os.walk(directory):
        for name in files:
            if not name.endswith('.py'):
                continue
            with open(os.path.join(root, name), encoding='utf-8') as handle:
                tree = ast.parse(handle.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split('.')[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split('.')[0])
    return set(n for n in names if n not in sys.stdlib_module_names and n not in ('ansible', 'ansible_collections', '__future__'))


def test_meta_lists_exactly_the_runtime_dependencies():
    with open(os.path.join(REPO_ROOT, 'meta', 'execution-environment.yml'), encoding='utf-8') as handle:
        meta = yaml.safe_load(handle)
    assert meta['version'] == 1
    assert meta['dependencies'] == {'python': 'meta/ee-requirements.txt', 'system': 'meta/ee-bindep.txt'}
    assert requirement_lines(os.path.join(REPO_ROOT, 'meta', 'ee-requirements.txt')) == RUNTIME_REQUIREMENTS
    # requests and msal are pure Python: no system packages.
    assert requirement_lines(os.path.join(REPO_ROOT, 'meta', 'ee-bindep.txt')) == []


def test_plugins_import_nothing_beyond_requests_and_msal():
    """The metadata is complete: every third-party import in plugins/ is requests, msal or one of msal's own dependencies."""
    imported = third_party_imports(os.path.join(REPO_ROOT, 'plugins'))
    # Certificate credentials read the PEM with cryptography, which msal itself requires.
    msal_dependencies = set(Requirement(requirement).name.lower() for requirement in importlib.metadata.requires('msal') or [])
    assert 'cryptography' in msal_dependencies
    allowed = {'requests', 'msal', 'cryptography'}
    assert imported <= allowed, 'plugins import %s, which meta/ee-requirements.txt does not provide' % sorted(imported - allowed)
    assert {'requests', 'msal'} <= imported


def test_builder_context_from_the_definition(tmp_path):
    context = tmp_path / 'context'
    run([tool('ansible-builder'), 'create', '-f', DEFINITION, '-c', str(context), '--output-filename', 'Containerfile', '-v', '1'])
    containerfile = (context / 'Containerfile').read_text()

    # The collection's Python and system dependencies are in the context ...
    assert requirement_lines(context / '_build' / 'requirements.txt') == RUNTIME_REQUIREMENTS
    assert requirement_lines(context / '_build' / 'bindep.txt') == []
    # ... and are what the image installs: introspection merges them with what the installed collections declare.
    assert 'COPY _build/requirements.txt requirements.txt' in containerfile
    assert 'introspect --user-pip=requirements.txt --user-bindep=bindep.txt' in containerfile
    assert '/output/scripts/assemble' in containerfile and '/output/scripts/install-from-bindep' in containerfile

    # The collection itself comes from Galaxy, in a version range that includes this one.
    with open(context / '_build' / 'requirements.yml', encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    entries = [c for c in galaxy['collections'] if c['name'] == 'mynster.msgraph']
    assert len(entries) == 1
    assert galaxy_metadata()['version'] in SpecifierSet(entries[0]['version'])
    assert 'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml' in containerfile

    # ansible-core and ansible-runner (AWX needs the runner in every EE), on a Python ansible-core supports.
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="(.+)"$', containerfile, re.MULTILINE).group(1).split()
    core = Requirement(next(ref for ref in refs if ref.startswith('ansible-core')))
    runner = Requirement(next(ref for ref in refs if ref.startswith('ansible-runner')))
    requires_ansible = _requires_ansible()
    assert '2.19.0' in core.specifier and requires_ansible.contains('2.19.0')
    assert runner.name == 'ansible-runner'
    assert re.search(r'^ARG PYCMD="/usr/bin/python3\.1[2-9]"$', containerfile, re.MULTILINE)
    assert re.search(r'^ARG EE_BASE_IMAGE="[^"]+"$', containerfile, re.MULTILINE)


def test_builder_context_for_a_checkout(tmp_path):
    """``make ee-context``: the artifact of this tree goes into the image instead of the Galaxy release."""
    context = tmp_path / 'context'
    environment = dict(os.environ, BUILD_DIR=str(tmp_path / 'build'), MSGRAPH_VENV=sys.prefix)
    completed = subprocess.run(['bash', os.path.join(REPO_ROOT, 'scripts', 'ee-context.sh'), str(context)], cwd=REPO_ROOT,
                               env=environment, capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    metadata = galaxy_metadata()
    artifact = '%s-%s-%s.tar.gz' % (metadata['namespace'], metadata['name'], metadata['version'])
    assert (context / '_build' / 'collections' / artifact).is_file()
    with open(context / '_build' / 'requirements.yml', encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    assert galaxy == {'collections': [{'name': '/build/collections/' + artifact, 'type': 'file'}]}
    assert requirement_lines(context / '_build' / 'requirements.txt') == RUNTIME_REQUIREMENTS
    containerfile = (context / 'Containerfile').read_text()
    assert 'COPY _build /build' in containerfile and 'WORKDIR /build' in containerfile


def _requires_ansible():
    with open(os.path.join(REPO_ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        return SpecifierSet(yaml.safe_load(handle)['requires_ansible'])
