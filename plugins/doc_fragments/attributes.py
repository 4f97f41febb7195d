# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Attributes shared by every module."""

    DOCUMENTATION = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/mynster.msgraph.graph) in C(module_defaults) to set connection options once for all modules.
    support: full
    membership:
      - mynster.msgraph.graph
'''
