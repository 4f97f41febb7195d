# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration fixtures: a real Graph emulator process and real ansible-playbook runs against it.

The emulator is started once per session on a free loopback port through its own command line (the
same command users run); each test starts from an empty directory and default knobs.
"""

from __future__ import annotations

import os
import sys
import tempfile

import pytest

from .harness import EmulatorProcess, PlaybookRunner, collections_path

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


@pytest.fixture(scope='session')
def emulator_process():
    state_dir = tempfile.mkdtemp(prefix='msgraph-emulator-')
    process = EmulatorProcess(REPO_ROOT, state_dir)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def emulator(emulator_process):
    """The running emulator, emptied and with default knobs, stats at zero."""
    emulator_process.reset()
    return emulator_process


@pytest.fixture(scope='session')
def ansible_collections_dir():
    return collections_path(REPO_ROOT)


@pytest.fixture
def playbook(emulator, ansible_collections_dir, tmp_path):
    """Run a playbook (YAML text) against the emulator; credentials come from environment variables."""
    return PlaybookRunner(emulator, ansible_collections_dir, tmp_path)


def pytest_report_header(config):
    return 'python %s, ansible-playbook from %s' % (sys.version.split()[0], os.path.dirname(sys.executable))
