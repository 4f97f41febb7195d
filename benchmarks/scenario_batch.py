# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""1,000 GETs: graph_batch in one task versus one ansible.builtin.uri request per user."""

from __future__ import annotations

from benchlib import PLAY_HEADER, TOKEN_TASK, uri_task

NAME = 'batch'
DESCRIPTION = '1,000 GETs, graph_batch vs uri loop'
COUNT = 1000


def run(bench):
    seeded = bench.emulator.seed(users=[{'displayName': 'Bench %04d' % i, 'userPrincipalName': 'bench%04d@contoso.example' % i,
                                         'mailNickname': 'bench%04d' % i, 'accountEnabled': True} for i in range(COUNT)])
    ids = [user['id'] for user in seeded['users']]
    requests_ = [{'id': uid, 'url': '/users/%s?$select=id,displayName' % uid} for uid in ids]
    ours = bench.measure(NAME, 'graph_batch (one task)', PLAY_HEADER + """
    - name: Read every user
      mynster.msgraph.graph_batch:
        requests: "{{ requests_ }}"
""", {'requests_': requests_})
    baseline = bench.measure(NAME, 'ansible.builtin.uri loop', PLAY_HEADER + TOKEN_TASK + uri_task(
        'Read each user', 'GET', "/users/{{ item }}?$select=id,displayName"), {'items': ids})
    bench.compare('1,000 GETs', ours, baseline)
