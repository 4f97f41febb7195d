# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Dates, times and time zone names as Outlook takes them."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.times import parse_date_time, time_zone_name


# ----- date and time ------------------------------------------------------------------------------


@pytest.mark.parametrize('value, text, offset', [
    ('2026-03-02T09:00:00', '2026-03-02T09:00:00', None),
    ('2026-03-02 09:00', '2026-03-02T09:00:00', None),
    (' 2026-03-02t09:30:15.1234567 ', '2026-03-02T09:30:15', None),
    ('2026-03-02T09:00:00Z', '2026-03-02T09:00:00', 0),
    ('2026-03-02T09:00:00+01:00', '2026-03-02T09:00:00', 60),
    ('2026-03-02T09:00:00-0530', '2026-03-02T09:00:00', -330),
    (datetime.datetime(2026, 3, 2, 9, 0, 0, 500), '2026-03-02T09:00:00', None),
    (datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc), '2026-03-02T09:00:00', 0),
])
def test_parse_date_time(value, text, offset):
    parsed, moment, parsed_offset = parse_date_time(value)
    assert (parsed, parsed_offset) == (text, offset)
    assert moment == datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S')


@pytest.mark.parametrize('value, message', [
    ('tomorrow 9am', "'tomorrow 9am' is not a date and time like 2026-03-02T09:00:00"),
    ('2026-03-02', "'2026-03-02' is a date without a time of day"),
    (datetime.date(2026, 3, 2), '2026-03-02 is a date without a time of day'),
    ('2026-02-30T09:00:00', "'2026-02-30T09:00:00' is not a valid date and time (day is out of range for month)"),
    ('2026-03-02T25:00:00', 'is not a valid date and time'),
    ('02/03/2026 09:00', 'is not a date and time like'),
    (True, 'got the boolean True'),
    (20260302, 'got int 20260302'),
    (None, 'got nothing'),
])
def test_parse_date_time_refuses(value, message):
    with pytest.raises(ValueError) as caught:
        parse_date_time(value)
    assert message in str(caught.value)


# ----- time zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize('value, name', [
    ('Romance Standard Time', 'Romance Standard Time'),
    ('w. europe standard time', 'W. Europe Standard Time'),
    ('UTC', 'UTC'),
    ('utc+12', 'UTC+12'),
    ('Europe/Copenhagen', 'Europe/Copenhagen'),
    (' america/new_york ', 'America/New_York'),
])
def test_time_zone_names(value, name):
    assert time_zone_name(value) == name


@pytest.mark.parametrize('value, message', [
    ('Romance Standrd Time', "(did you mean 'Romance Standard Time'?)"),
    ('Europe/Copenhagn', "(did you mean 'Europe/Copenhagen'?)"),
    ('CET+1', "'CET+1' is not a time zone Outlook knows"),
    ('', 'must be a time zone name'),
    (1, 'must be a time zone name'),
    (False, 'must be a time zone name'),
])
def test_time_zone_names_refused(value, message):
    with pytest.raises(ValueError) as caught:
        time_zone_name(value)
    assert message in str(caught.value)
