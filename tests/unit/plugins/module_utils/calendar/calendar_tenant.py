# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by the calendar tests: the calendar items they build."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import parse_calendars

EVENT = {'subject': 'Welcome', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00'}
DEFAULT = {'id': 'RGVmYXVsdA==', 'emailAddress': {'name': 'My Organization'}, 'isRemovable': False, 'role': 'freeBusyRead',
           'allowedRoles': ['none', 'freeBusyRead', 'limitedRead', 'read', 'write']}


def spec(events=None, permissions=None, mailbox='adele@contoso.com'):
    item = {'mailbox': mailbox}
    if events is not None:
        item['events'] = events
    if permissions is not None:
        item['permissions'] = permissions
    (parsed,), problems = parse_calendars([item])
    assert problems == []
    return parsed


def entry(address, role, removable=True, allowed=None):
    result = {'id': 'id-' + address, 'emailAddress': {'address': address, 'name': address}, 'isRemovable': removable, 'role': role}
    if allowed:
        result['allowedRoles'] = allowed
    return result
