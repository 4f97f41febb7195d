# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input the collection must refuse before writing anything: one file of cases per area.

Each ``cases_*.py`` defines ``CASES``, a list of ``Case``. ``tests/integration/test_bad_input_*.py`` run the
cases (``suite.py`` says which file runs which) through ``ansible-playbook``, each test file against its own
seeded emulator, and check that each was refused with a message naming what is wrong, and that the directory
did not change.
"""

from __future__ import annotations


class Case:
    """One bad input.

    ``target`` is a module name (``graph_batch``) or ``role:onboarding``; ``args`` are the module's options or the
    role's variables; every string in ``expect`` must appear in the failure message. ``modes`` says whether the
    case runs for real, in check mode, or both (roles must refuse the same input the same way in both).
    """

    def __init__(self, name, target, args, expect, modes=('real',), env=None, why=''):
        self.name = name
        self.target = target
        self.args = args
        self.expect = [expect] if isinstance(expect, str) else list(expect)
        self.modes = tuple(modes)
        self.env = env or {}
        self.why = why

    def ids(self):
        """One test id per mode: ``name`` or ``name[check]``."""
        return [(self.name if mode == 'real' else '%s[%s]' % (self.name, mode), mode) for mode in self.modes]
