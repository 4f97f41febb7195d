# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a newcomer reads first agrees with itself: the version in galaxy.yml, the version_added of every
module, option and role, the changelog's releases, and the relative links of the Markdown documents."""

from __future__ import annotations

import ast
import glob
import os
import re

import yaml
from packaging.version import Version

from .support import REPO_ROOT, galaxy_metadata


def _version_added(node, where):
    """(where, version) for every version_added in a documentation tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'version_added':
                yield where, str(value)
            else:
                yield from _version_added(value, '%s.%s' % (where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _version_added(value, '%s[%d]' % (where, index))


def _documented_versions():
    for path in sorted(glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))):
        with open(path, encoding='utf-8') as handle:
            tree = ast.parse(handle.read())
        for node in tree.body:
            if isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] in (['DOCUMENTATION'], ['RETURN']):
                yield from _version_added(yaml.safe_load(node.value.value), os.path.basename(path))
    for path in sorted(glob.glob(os.path.join(REPO_ROOT, 'roles', '*', 'meta', 'argument_specs.yml'))):
        with open(path, encoding='utf-8') as handle:
            yield from _version_added(yaml.safe_load(handle), os.path.relpath(path, REPO_ROOT))


def test_version_added_is_never_newer_than_the_collection():
    version = Version(galaxy_metadata()['version'])
    found = list(_documented_versions())
    assert len(found) > 10
    newer = ['%s: %s' % item for item in found if Version(item[1]) > version]
    assert not newer, 'version_added newer than galaxy.yml version %s: %s' % (version, newer)
    # The version being developed is the newest one the documentation speaks of.
    assert max(Version(v) for name, v in found) == version


def test_the_collection_version_is_the_next_release():
    version = Version(galaxy_metadata()['version'])
    with open(os.path.join(REPO_ROOT, 'changelogs', 'changelog.yaml'), encoding='utf-8') as handle:
        changelog = yaml.safe_load(handle)
    released = [Version(str(v)) for v in (changelog.get('releases') or {})]
    if changelog.get('ancestor'):
        released.append(Version(str(changelog['ancestor'])))
    assert all(v < version for v in released), (version, released)


LINK = re.compile(r'\]\(([^)\s]+)\)')


def test_relative_links_in_the_markdown_documents_resolve():
    documents = [os.path.join(REPO_ROOT, 'README.md')] + glob.glob(os.path.join(REPO_ROOT, 'docs', '*.md')) \
        + glob.glob(os.path.join(REPO_ROOT, 'roles', '*', 'README.md')) + glob.glob(os.path.join(REPO_ROOT, 'emulator', '*.md'))
    broken = []
    for path in documents:
        with open(path, encoding='utf-8') as handle:
            text = re.sub(r'```.*?```', '', handle.read(), flags=re.S)
        for target in LINK.findall(text):
            if re.match(r'[a-z][a-z0-9+.-]*:', target) or target.startswith('#'):
                continue
            if not os.path.exists(os.path.normpath(os.path.join(os.path.dirname(path), target.split('#')[0]))):
                broken.append('%s: %s' % (os.path.relpath(path, REPO_ROOT), target))
    assert not broken, broken
