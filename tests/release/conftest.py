# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Release fixtures: the Galaxy artifact built from this tree, installed the way users install it,
and a Graph emulator started from that installed copy (it ships with the collection)."""

from __future__ import annotations

import json
import os

import pytest

from .support import DEMO_SEED_FILE, REPO_ROOT, build_artifact, load_harness, run, tool


@pytest.fixture(scope='session')
def artifact(tmp_path_factory):
    """The Galaxy artifact of this tree."""
    return build_artifact(REPO_ROOT, tmp_path_factory.mktemp('dist'))


@pytest.fixture(scope='session')
def installed_collections(artifact, tmp_path_factory):
    """A collections directory with the artifact installed by ``ansible-galaxy collection install`` (offline)."""
    path = tmp_path_factory.mktemp('collections')
    run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '--force', '-p', str(path), artifact],
        env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(path)))
    return str(path)


@pytest.fixture(scope='session')
def installed_collection(installed_collections):
    """Where the installed collection itself sits."""
    return os.path.join(installed_collections, 'ansible_collections', 'mynster', 'msgraph')


@pytest.fixture(scope='session')
def emulator_process(installed_collection, tmp_path_factory):
    """The Graph emulator, started from the installed collection as a user would."""
    harness = load_harness()
    process = harness.EmulatorProcess(installed_collection, str(tmp_path_factory.mktemp('emulator')))
    process.start()
    yield process
    process.stop()


@pytest.fixture
def demo_tenant(emulator_process):
    """The emulator emptied, default knobs, seeded with what the example playbooks expect."""
    emulator_process.reset()
    with open(DEMO_SEED_FILE, encoding='utf-8') as handle:
        emulator_process.seed(**json.load(handle))
    emulator_process.reset_stats()
    return emulator_process
