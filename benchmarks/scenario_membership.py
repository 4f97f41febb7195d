# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Group membership: one user into 40 groups, and 1,000 members of every type into one group.

graph_group_membership (names of every type resolved in bulk, current membership read, 20 members per PATCH, 20
requests per $batch) against what admins write today: an ansible.builtin.uri loop sending one
``POST /groups/{id}/members/$ref`` per membership, already knowing every object id. Each side starts from the same
freshly seeded directory. The 1,000 members are 940 users (by userPrincipalName) and 20 devices, 15 service
principals, 15 organisational contacts and 10 nested groups (by typed name: ``device:PC-007``).
"""

from __future__ import annotations

import sys

from benchlib import PLAY_HEADER, TOKEN_TASK, uri_task

NAME = 'membership'
DESCRIPTION = 'one user into 40 groups, 1,000 members of every type into one group; graph_group_membership vs uri loop'
GROUPS = 40
USERS = 1000
# Members of the other types among the 1,000 (the rest are users).
DEVICES, APPS, CONTACTS, NESTED = 20, 15, 15, 10
URI_ITEMS_PER_RUN = 250
# The $ref body of the uri tasks, as YAML under ``body:``; %s is the expression giving the user's id.
REF_BODY = '\n          "@odata.id": "{{ lookup(\'env\', \'MSGRAPH_URL\') }}/v1.0/directoryObjects/{{ %s }}"'


def _fresh(bench, users, groups, devices=(), apps=(), contacts=()):
    """Empty directory (knobs such as latency stay), then the scenario's objects; returns {name: id}."""
    bench.empty_directory()
    seeded = bench.emulator.seed(users=[{'userPrincipalName': upn, 'displayName': upn.split('@')[0], 'mailNickname': upn.split('@')[0],
                                         'accountEnabled': True} for upn in users],
                                 groups=[{'displayName': name} for name in groups],
                                 devices=[{'displayName': name} for name in devices],
                                 servicePrincipals=[{'displayName': name} for name in apps],
                                 contacts=[{'displayName': mail.split('@')[0], 'mail': mail} for mail in contacts])
    ids = dict((u['userPrincipalName'], u['id']) for u in seeded['users'])
    for kind in ('groups', 'devices', 'servicePrincipals'):
        ids.update((o['displayName'], o['id']) for o in seeded[kind])
    ids.update((mail, o['id']) for mail, o in zip(contacts, seeded['contacts']))
    return ids


def _memberships(bench):
    return sum(len(link['targets']) for link in bench.emulator.dump()['links'] if link['relationship'] == 'members')


def _check(bench, label, expected):
    found = _memberships(bench)
    if found != expected:
        raise SystemExit('%s: expected %d memberships in the emulator, found %d' % (label, expected, found))


def _rerun(bench, scenario, label, playbook_text, extra_vars):
    row = bench.measure(scenario, label, playbook_text, extra_vars)
    result = row['run'].result('Membership')
    if result['changed'] or row['writes']:
        raise SystemExit('%s: the re-run changed something' % label)
    print('  %-34s %14d %10d %10.1f' % (label, row['http_requests'], row['writes'], row['seconds']))
    sys.stdout.flush()


def _measure_in_parts(bench, label, playbook_text, items):
    """The uri loop over ``items`` as consecutive playbook runs of at most URI_ITEMS_PER_RUN, added up.

    A looped uri task costs about a second per item, and one playbook run may take 15 minutes at most (the
    harness's timeout); the extra runs add a token request and an ansible-playbook start each (~2 s).
    """
    rows = [bench.measure(NAME, label, playbook_text, {'items': items[start:start + URI_ITEMS_PER_RUN]})
            for start in range(0, len(items), URI_ITEMS_PER_RUN)]
    total = dict(rows[-1])
    for key in ('http_requests', 'token_requests', 'inner_requests', 'writes', 'throttled', 'seconds'):
        total[key] = sum(row[key] for row in rows)
    if len(rows) > 1:
        total['label'] = '%s (%d runs)' % (label, len(rows))
    return total


def one_user_into_many_groups(bench):
    scenario = 'one user into %d groups' % GROUPS
    user = 'newhire@contoso.example'
    groups = ['Team %02d' % i for i in range(GROUPS)]
    module_play = PLAY_HEADER + """
    - name: Membership
      mynster.msgraph.graph_group_membership:
        user: "{{ user }}"
        groups: "{{ wanted_groups }}"
"""
    _fresh(bench, [user], groups)
    ours = bench.measure(NAME, 'graph_group_membership (one task)', module_play, {'user': user, 'wanted_groups': groups})
    _check(bench, scenario, GROUPS)
    ids = _fresh(bench, [user], groups)
    baseline = bench.measure(NAME, 'ansible.builtin.uri loop', PLAY_HEADER + TOKEN_TASK + uri_task(
        'Add to each group', 'POST', '/groups/{{ item }}/members/$ref', REF_BODY % 'user_id', status_code=(204,)),
        {'items': [ids[g] for g in groups], 'user_id': ids[user]})
    _check(bench, scenario, GROUPS)
    bench.compare(scenario, ours, baseline)
    _rerun(bench, NAME, 'graph_group_membership re-run', module_play, {'user': user, 'wanted_groups': groups})


def many_members_into_one_group(bench):
    scenario = '%s members of every type into one group' % format(USERS, ',')
    devices = ['PC-%03d' % i for i in range(DEVICES)]
    apps = ['App %02d' % i for i in range(APPS)]
    contacts = ['partner%02d@fabrikam.example' % i for i in range(CONTACTS)]
    nested = ['Team %02d' % i for i in range(NESTED)]
    users = ['bench%04d@contoso.example' % i for i in range(USERS - DEVICES - APPS - CONTACTS - NESTED)]
    members = (users + ['device:' + d for d in devices] + ['servicePrincipal:' + a for a in apps] + ['orgContact:' + c for c in contacts]
               + ['group:' + g for g in nested])
    module_play = PLAY_HEADER + """
    - name: Membership
      mynster.msgraph.graph_group_membership:
        group: Everyone
        members: "{{ members }}"
"""
    objects = dict(users=users, groups=['Everyone'] + nested, devices=devices, apps=apps, contacts=contacts)
    _fresh(bench, **objects)
    ours = bench.measure(NAME, 'graph_group_membership (one task)', module_play, {'members': members})
    _check(bench, scenario, USERS)
    ids = _fresh(bench, **objects)
    baseline = _measure_in_parts(bench, 'ansible.builtin.uri loop', PLAY_HEADER + TOKEN_TASK + uri_task(
        'Add each member', 'POST', '/groups/%s/members/$ref' % ids['Everyone'], REF_BODY % 'item', status_code=(204,)),
        [ids[name] for name in users + devices + apps + contacts + nested])
    _check(bench, scenario, USERS)
    bench.compare(scenario, ours, baseline)
    _rerun(bench, NAME, 'graph_group_membership re-run', module_play, {'members': members})


def run(bench):
    one_user_into_many_groups(bench)
    many_members_into_one_group(bench)
