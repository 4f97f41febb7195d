# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_info: what it refuses (it never writes, but bad input must fail clearly, not return something else)."""

from __future__ import annotations

from . import Case
from .tenant import DEVICE_ID

MODULE = 'graph_group_info'

CASES = [
    Case('group-info-groups-as-text', MODULE, {'groups': 'Engineering, Sales'}, "groups must be a list, got the text 'Engineering, Sales'"),
    Case('group-info-typo-option', MODULE, {'group': ['Engineering']}, "unsupported option 'group' (did you mean 'groups'?)"),
    Case('group-info-empty-name', MODULE, {'groups': ['Engineering', '']}, 'groups[1]: empty reference'),
    Case('group-info-device-reference', MODULE, {'groups': ['Engineering', 'device:LAPTOP-0042']},
         "groups[1]: 'device:LAPTOP-0042' is a device reference; groups lists groups"),
    Case('group-info-name-that-reads-as-a-type', MODULE, {'groups': ['Device: fleet']}, 'is written group:Device: fleet'),
    Case('group-info-ambiguous-name', MODULE, {'groups': ['Engineering', 'Twin']},
         ["groups[1]: group 'Twin' is ambiguous: 2 objects have that name (ids ", 'use the id instead'], modes=('real', 'check')),
    Case('group-info-id-of-a-device', MODULE, {'groups': [DEVICE_ID]}, "groups[0]: group id '%s' is a device, not a group" % DEVICE_ID),
    Case('group-info-type-without-name', MODULE, {'groups': ['group:']}, "groups[0]: 'group:' names no group"),
]
