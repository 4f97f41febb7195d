# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the release tests: paths, running tools, building the artifact, the demo tenant."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile

import yaml

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BIN_DIR = os.path.dirname(sys.executable)

# The tenant the example playbooks expect (the managers, groups and licences playbooks/vars/cohort.yml
# names): the seed file `make demo` uses.
DEMO_SEED_FILE = os.path.join(REPO_ROOT, 'scripts', 'demo_seed.json')


def load_harness():
    """tests/integration/harness.py (EmulatorProcess), loaded by path: tests/ is not a package."""
    spec = importlib.util.spec_from_file_location('msgraph_integration_harness', os.path.join(REPO_ROOT, 'tests', 'integration', 'harness.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool(name):
    """A command from the virtual environment running the tests."""
    return os.path.join(BIN_DIR, name)


def run(command, **kwargs):
    """Run a command; fail the test with its output when it fails."""
    kwargs.setdefault('cwd', REPO_ROOT)
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, **kwargs)
    assert completed.returncode == 0, '%s failed (exit %s)\n--- stdout ---\n%s\n--- stderr ---\n%s' % (
        ' '.join(command), completed.returncode, completed.stdout[-5000:], completed.stderr[-5000:])
    return completed


def galaxy_metadata():
    with open(os.path.join(REPO_ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def build_artifact(source, output_dir):
    """``ansible-galaxy collection build`` of ``source``; returns the tarball's path."""
    os.makedirs(output_dir, exist_ok=True)
    run([tool('ansible-galaxy'), 'collection', 'build', '--force', '--output-path', str(output_dir), str(source)])
    metadata = galaxy_metadata()
    path = os.path.join(str(output_dir), '%s-%s-%s.tar.gz' % (metadata['namespace'], metadata['name'], metadata['version']))
    assert os.path.isfile(path), os.listdir(str(output_dir))
    return path


def artifact_members(path):
    with tarfile.open(path) as archive:
        return [member.name for member in archive.getmembers()]
