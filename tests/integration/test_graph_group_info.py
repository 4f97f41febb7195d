# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_info through ansible-playbook against the emulator, and its round trip through graph_group_membership."""

from __future__ import annotations

import json

from .test_graph_group_membership import PEOPLE, World, play, upn

EXPORT_AND_FEED_BACK = """
- name: Export
  mynster.msgraph.graph_group_info: %s
  register: export
- name: Feed back
  mynster.msgraph.graph_group_membership:
    memberships: "{{ export.memberships }}"
    state: exact
    allow_empty: true
  register: fed_back
"""


def info_world(emulator):
    world = World(emulator, PEOPLE, [
        {'displayName': 'Nested', 'members': [upn('erin')]},
        {'displayName': 'Mixed', 'members': [upn('alice'), 'group:Nested', 'device:LAPTOP-1', 'servicePrincipal:HR sync', 'orgContact:Partner',
                                             'device:Twin PC']},
        {'displayName': 'Empty'},
        {'displayName': 'Team', 'groupTypes': ['Unified'], 'mailEnabled': True, 'securityEnabled': False, 'members': [upn('bob')]},
        {'displayName': 'All staff', 'groupTypes': ['DynamicMembership'], 'membershipRule': 'user.accountEnabled -eq true',
         'membershipRuleProcessingState': 'On', 'members': [upn(n) for n in PEOPLE]},
        {'displayName': 'Helpdesk admins', 'isAssignableToRole': True, 'members': [upn('carol')]},
        {'displayName': 'Device: fleet', 'members': ['device:LAPTOP-1']},
        {'displayName': 'Synced', 'onPremisesSyncEnabled': True, 'members': [upn('erin')]},
    ], devices=['LAPTOP-1', 'Twin PC'], service_principals=['HR sync'], contacts=['Partner'])
    world.twin = world.ids['Twin PC']
    emulator.seed(devices=[{'displayName': 'Twin PC'}])  # now two devices share the name of one member of Mixed
    return world


def test_groups_and_memberships_by_name_and_id(emulator, playbook):
    world = info_world(emulator)
    run = playbook(play('- name: Info\n  mynster.msgraph.graph_group_info: %s' % json.dumps(
        {'groups': ['Mixed', world.ids['All staff'], 'group:Team', 'Gone', 'group:Device: fleet']})))
    assert run.rc == 0, run
    result = run.result('Info')
    assert result['changed'] is False and result['missing'] == ['Gone']
    groups = dict((g['displayName'], g) for g in result['groups'])
    assert sorted(groups) == ['All staff', 'Device: fleet', 'Mixed', 'Team']
    assert groups['Mixed'] == {'id': world.ids['Mixed'], 'displayName': 'Mixed', 'groupTypes': [], 'mailEnabled': False, 'securityEnabled': True,
                               'isAssignableToRole': False, 'onPremisesSyncEnabled': None}
    assert groups['All staff']['membershipRule'] == 'user.accountEnabled -eq true' and 'membershipRule' not in groups['Team']
    memberships = dict((m['group'], m['members']) for m in result['memberships'])
    # the dynamic group is not in memberships: graph_group_membership would refuse it
    assert sorted(memberships) == ['Mixed', 'Team', 'group:Device: fleet']
    assert memberships['Mixed'] == sorted(['user:' + upn('alice'), 'group:Nested', 'device:LAPTOP-1', 'servicePrincipal:HR sync',
                                           'orgContact:Partner', world.twin])  # a device whose name is shared: by id
    assert memberships['Team'] == ['user:' + upn('bob')] and memberships['group:Device: fleet'] == ['device:LAPTOP-1']
    assert emulator.stats()['writes'] == 0 and result['stats']['http_requests'] <= 4


def test_every_group_read_leaves_groups_graph_cannot_change_out_of_memberships(emulator, playbook):
    info_world(emulator)
    run = playbook(play('- name: Info\n  mynster.msgraph.graph_group_info: {}'))
    assert run.rc == 0, run
    result = run.result('Info')
    groups = dict((g['displayName'], g) for g in result['groups'])
    assert groups['Synced']['onPremisesSyncEnabled'] is True and groups['All staff']['membershipRule']
    names = [m['group'] for m in result['memberships']]
    assert 'Synced' not in names and 'All staff' not in names and 'Mixed' in names


def test_round_trip_through_graph_group_membership_changes_nothing(emulator, playbook):
    info_world(emulator)
    for args in ({}, {'groups': ['Mixed', 'Helpdesk admins', 'Empty']}):
        run = playbook(play(EXPORT_AND_FEED_BACK % json.dumps(args)))
        assert run.rc == 0, run
        export, fed_back = run.result('Export'), run.result('Feed back')
        assert len(export['memberships']) == (6 if not args else 3)
        assert fed_back['changed'] is False and fed_back['added'] == [] and fed_back['removed'] == []
        assert fed_back['unchanged'] == sum(len(m['members']) for m in export['memberships'])
    assert emulator.stats()['writes'] == 0


def test_an_export_shows_drift_in_check_mode(emulator, playbook):
    world = info_world(emulator)
    run = playbook(play("""
- name: Export
  mynster.msgraph.graph_group_info:
    groups: [Mixed]
  register: export
- name: Someone removes the service principal and adds a device
  mynster.msgraph.graph_group_membership:
    group: Mixed
    members: [servicePrincipal:HR sync]
    state: absent
- name: Someone adds a member
  mynster.msgraph.graph_group_membership:
    group: Mixed
    members: [%s]
- name: Drift
  mynster.msgraph.graph_group_membership:
    memberships: "{{ export.memberships }}"
    state: exact
  check_mode: true
""" % upn('dave')), diff=True)
    assert run.rc == 0, run
    drift = run.result('Drift')
    assert drift['changed'] is True
    assert [(e['member'], e['member_type']) for e in drift['added']] == [('HR sync', 'servicePrincipal')]
    assert [(e['member'], e['member_type']) for e in drift['removed']] == [(upn('dave'), 'user')]
    assert ('Mixed', 'dave') in world.membership()  # check mode wrote nothing back
