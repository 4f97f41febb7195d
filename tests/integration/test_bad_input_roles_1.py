# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input to the onboarding and offboarding roles is refused before anything is written, part 1 of 3 (see bad_input/suite.py)."""

from __future__ import annotations

from .bad_input.suite import suite

outcomes, test_refused_with_a_clear_message, test_refused_runs_wrote_nothing = suite('roles-1')
