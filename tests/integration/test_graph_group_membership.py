# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_membership through ansible-playbook against the emulator.

Every direction (group + members, user + groups, memberships) and state (present, absent, exact) goes through
check mode (no write reaches the emulator, the result says what would change), apply (the emulator's directory
holds the wanted membership) and a re-run (``changed: false``, no write), as microsoft.ad's membership tests do.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
%s
"""
DOMAIN = 'contoso.example'
PEOPLE = ('alice', 'bob', 'carol', 'dave', 'erin')


def play(tasks):
    return PLAY % '\n'.join('    ' + line for line in tasks.strip('\n').splitlines())


def task(name, **args):
    """One graph_group_membership task; arguments as JSON (valid YAML)."""
    return play('- name: %s\n  mynster.msgraph.graph_group_membership: %s' % (name, json.dumps(args)))


def upn(name):
    return '%s@%s' % (name, DOMAIN)


def user_bodies(names):
    return [{'userPrincipalName': upn(n), 'displayName': n.title(), 'mailNickname': n} for n in names]


class World:
    """A seeded directory with names for ids, and the membership the emulator really holds.

    Users are named by the part of their UPN before the @, other objects by displayName (each name used once).
    """

    def __init__(self, emulator, users, groups, devices=(), service_principals=(), contacts=()):
        self.emulator = emulator
        emulator.seed(users=user_bodies(users), groups=groups, devices=[{'displayName': d} for d in devices],
                      servicePrincipals=[{'displayName': s} for s in service_principals],
                      contacts=[{'displayName': c, 'mail': '%s@fabrikam.example' % c.lower()} for c in contacts])
        self.ids = {}
        self.refresh()

    def refresh(self):
        """Learn the names of every object (from the dump)."""
        objects = self.emulator.dump()['objects']
        self.ids.update((u['userPrincipalName'].split('@')[0], u['id']) for u in objects.get('user', []))
        for kind in ('group', 'device', 'servicePrincipal', 'orgContact'):
            self.ids.update((o['displayName'], o['id']) for o in objects.get(kind, []))
        self.names = dict((v, k) for k, v in self.ids.items())
        return self

    def membership(self):
        """{(group name, member name)} from the emulator's dump (the writer's view, nothing hidden)."""
        pairs = set()
        for link in self.emulator.dump()['links']:
            if link['relationship'] == 'members' and link['source'] in self.names:
                pairs.update((self.names[link['source']], self.names.get(t, t)) for t in link['targets'])
        return pairs

    def pairs(self, entries):
        """{(group, member)} of a result's added/removed list, checking the names and types returned agree with the ids."""
        found = set()
        for entry in entries:
            group, member = self.names[entry['group_id']], self.names[entry['member_id']]
            assert entry['group'] == group, entry
            assert entry['member'] in (upn(member), member), entry
            assert entry['member_type'] == self.type_of(entry['member_id']), entry
            found.add((group, member))
        return found

    def type_of(self, object_id):
        objects = self.emulator.dump()['objects']
        for kind in ('user', 'group', 'device', 'servicePrincipal', 'orgContact'):
            if any(o['id'] == object_id for o in objects.get(kind, [])):
                return kind
        return None


def standard_world(emulator):
    """alice..erin; Sales {alice, bob}, Ops {carol}, Dev {alice}, and groups Graph cannot change or that take users only."""
    return World(emulator, PEOPLE, [
        {'displayName': 'Sales', 'members': [upn('alice'), upn('bob')]},
        {'displayName': 'Ops', 'members': [upn('carol')]},
        {'displayName': 'Dev', 'members': [upn('alice')]},
        {'displayName': 'All staff', 'groupTypes': ['DynamicMembership'], 'membershipRule': 'user.accountEnabled -eq true',
         'membershipRuleProcessingState': 'On', 'members': [upn(n) for n in PEOPLE]},
        {'displayName': 'Mail security', 'mailEnabled': True, 'securityEnabled': True, 'members': [upn('alice')]},
        {'displayName': 'Newsletter', 'mailEnabled': True, 'securityEnabled': False},
        {'displayName': 'Team', 'groupTypes': ['Unified'], 'mailEnabled': True, 'securityEnabled': False, 'members': [upn('bob')]},
    ])


def check_apply_rerun(emulator, playbook, world, args, added, removed, diff_keys):
    """The microsoft.ad pattern: check mode → apply → idempotent re-run, asserting writes and end state each time."""
    before = world.membership()
    tasks = task('Membership', **args)

    emulator.reset_stats()
    preview = playbook(tasks, check=True, diff=True)
    assert preview.rc == 0, preview
    result = preview.result('Membership')
    assert result['changed'] is bool(added or removed)
    assert world.pairs(result['added']) == added
    assert world.pairs(result['removed']) == removed
    assert sorted(result['diff']['before']) == sorted(diff_keys) == sorted(result['diff']['after'])
    assert emulator.stats()['writes'] == 0
    assert world.membership() == before

    emulator.reset_stats()
    applied = playbook(tasks, diff=True)
    assert applied.rc == 0, applied
    result = applied.result('Membership')
    assert result['changed'] is True
    assert world.pairs(result['added']) == added and world.pairs(result['removed']) == removed
    assert result['failed_memberships'] == []
    assert world.membership() == (before | added) - removed
    assert emulator.stats()['writes'] >= 1

    emulator.reset_stats()
    again = playbook(tasks, diff=True)
    assert again.rc == 0, again
    result = again.result('Membership')
    assert result['changed'] is False, result
    assert result['added'] == [] and result['removed'] == [] and 'diff' not in result
    assert result['unchanged'] >= 1
    assert emulator.stats()['writes'] == 0
    assert world.membership() == (before | added) - removed
    return preview, applied, again


# ----- every direction and state: check mode → apply → re-run ----------------------------------


def test_group_members_present(emulator, playbook):
    world = standard_world(emulator)
    preview, dummy, again = check_apply_rerun(
        emulator, playbook, world, {'group': 'Sales', 'members': [upn('alice'), world.ids['carol'], upn('Dave')]},
        added={('Sales', 'carol'), ('Sales', 'dave')}, removed=set(), diff_keys=['group Sales'])
    diff = preview.result('Membership')['diff']
    assert diff['before']['group Sales'] == ['user:' + upn('alice'), 'user:' + upn('bob')]
    assert diff['after']['group Sales'] == ['user:' + upn(n) for n in ('alice', 'bob', 'carol', 'dave')]
    assert 'group Sales' in preview.stdout  # --diff output on screen
    assert again.result('Membership')['unchanged'] == 3


def test_group_members_absent(emulator, playbook):
    world = standard_world(emulator)
    check_apply_rerun(emulator, playbook, world, {'group': world.ids['Sales'], 'members': [upn('bob'), upn('carol')], 'state': 'absent'},
                      added=set(), removed={('Sales', 'bob')}, diff_keys=['group Sales'])


def test_group_members_exact(emulator, playbook):
    world = standard_world(emulator)
    # A nested group is a direct member too: exact makes the listed users the whole direct membership.
    emulator.seed(groups=[{'displayName': 'Nested', 'members': [upn('erin')]}])
    graph_add(emulator, world.ids['Sales'], world.refresh().ids['Nested'])
    check_apply_rerun(emulator, playbook, world, {'group': 'Sales', 'members': [upn('carol'), upn('alice')], 'state': 'exact'},
                      added={('Sales', 'carol')}, removed={('Sales', 'bob'), ('Sales', 'Nested')}, diff_keys=['group Sales'])


def test_user_groups_present(emulator, playbook):
    world = standard_world(emulator)
    check_apply_rerun(emulator, playbook, world, {'user': upn('alice'), 'groups': ['Ops', world.ids['Dev'], 'team']},
                      added={('Ops', 'alice'), ('Team', 'alice')}, removed=set(), diff_keys=['user ' + upn('alice')])


def test_user_groups_absent(emulator, playbook):
    world = standard_world(emulator)
    check_apply_rerun(emulator, playbook, world, {'user': world.ids['alice'], 'groups': ['Sales', 'Ops'], 'state': 'absent'},
                      added=set(), removed={('Sales', 'alice')}, diff_keys=['user ' + upn('alice')])


def test_user_groups_exact_leaves_groups_graph_cannot_change_with_a_warning(emulator, playbook):
    world = standard_world(emulator)
    preview, applied, again = check_apply_rerun(
        emulator, playbook, world, {'user': upn('alice'), 'groups': ['Ops'], 'state': 'exact'},
        added={('Ops', 'alice')}, removed={('Sales', 'alice'), ('Dev', 'alice')}, diff_keys=['user ' + upn('alice')])
    for run in (preview, applied, again):
        entry = run.entry('Membership')
        assert entry['status'] == 'ok'  # not "skipped": the result key is skipped_memberships
        skipped = dict((world.names[s['group_id']], s['reason']) for s in entry['result']['skipped_memberships'])
        assert skipped == {'All staff': 'a dynamic-membership group', 'Mail security': 'a mail-enabled security group'}
        warnings = ' '.join(entry['result']['warnings'])
        assert "Left %s in group 'All staff'" % upn('alice') in warnings and "group 'Mail security'" in warnings
    diff = applied.result('Membership')['diff']['after']['user ' + upn('alice')]
    assert diff == ['All staff', 'Mail security', 'Ops']


def test_exact_leaves_the_kept_memberships_as_they_are(emulator, playbook):
    world = standard_world(emulator)
    preview, applied, again = check_apply_rerun(
        emulator, playbook, world, {'memberships': [{'user': upn('alice'), 'groups': [], 'keep': ['Dev', 'All staff']},
                                                    {'group': 'Sales', 'members': [], 'keep': [upn('bob')]}],
                                    'state': 'exact', 'allow_empty': True},
        added=set(), removed={('Sales', 'alice')}, diff_keys=['user ' + upn('alice'), 'group Sales'])
    for run in (preview, applied, again):
        skipped = run.result('Membership')['skipped_memberships']
        assert [world.names[s['group_id']] for s in skipped] == ['Mail security']  # kept ones are left without a warning
    assert ('Dev', 'alice') in world.membership() and ('Sales', 'bob') in world.membership()


def test_memberships_present(emulator, playbook):
    world = standard_world(emulator)
    check_apply_rerun(emulator, playbook, world, {'memberships': [
        {'group': 'Ops', 'members': [upn('dave'), upn('erin')]},
        {'user': upn('bob'), 'groups': ['Dev', 'Ops', 'Sales']},
    ]}, added={('Ops', 'dave'), ('Ops', 'erin'), ('Dev', 'bob'), ('Ops', 'bob')}, removed=set(),
        diff_keys=['group Ops', 'user ' + upn('bob')])


def test_memberships_absent(emulator, playbook):
    world = standard_world(emulator)
    check_apply_rerun(emulator, playbook, world, {'state': 'absent', 'memberships': [
        {'group': 'Sales', 'members': [upn('alice')]},
        {'user': upn('carol'), 'groups': ['Ops', 'Dev']},
    ]}, added=set(), removed={('Sales', 'alice'), ('Ops', 'carol')}, diff_keys=['group Sales', 'user ' + upn('carol')])


def test_memberships_exact(emulator, playbook):
    world = standard_world(emulator)
    preview, dummy, dummy2 = check_apply_rerun(emulator, playbook, world, {'state': 'exact', 'memberships': [
        {'group': 'Dev', 'members': [upn('bob'), upn('carol')]},
        {'user': upn('erin'), 'groups': ['Sales']},
    ]}, added={('Dev', 'bob'), ('Dev', 'carol'), ('Sales', 'erin')}, removed={('Dev', 'alice')},
        diff_keys=['group Dev', 'user ' + upn('erin')])
    skipped = preview.result('Membership')['skipped_memberships']
    assert [(world.names[s['group_id']], s['member']) for s in skipped] == [('All staff', upn('erin'))]


# ----- guard rails and refusals: nothing is written ----------------------------------------------


def test_exact_refuses_an_empty_list_unless_allowed(emulator, playbook):
    world = standard_world(emulator)
    run = playbook(task('Empty', group='Sales', members=[], state='exact'))
    assert run.rc != 0
    assert 'state=exact with an empty members list would remove every direct membership; set allow_empty: true' in run.result('Empty')['msg']
    assert emulator.stats()['http_requests'] == 0
    run = playbook(task('Leaver', user=upn('alice'), groups=[], state='exact', allow_empty=True))
    assert run.rc == 0, run
    assert world.pairs(run.result('Leaver')['removed']) == {('Sales', 'alice'), ('Dev', 'alice')}
    assert ('All staff', 'alice') in world.membership() and ('Sales', 'alice') not in world.membership()


def test_max_removals_refuses_the_whole_run_before_writing(emulator, playbook):
    world = standard_world(emulator)
    before = world.membership()
    for check in (True, False):
        run = playbook(task('Too many', state='exact', max_removals=1, memberships=[
            {'group': 'Sales', 'members': [upn('erin')]}, {'group': 'Ops', 'members': [upn('erin')]}]), check=check)
        assert run.rc != 0
        message = run.result('Too many')['msg']
        assert 'Nothing was changed: 1 problem(s) in memberships: max_removals: this run would remove 3 memberships, more than the 1 it allows' in message
        assert upn('carol') + ' from Ops' in message
    assert emulator.stats()['writes'] == 0 and world.membership() == before
    run = playbook(task('Within', state='exact', max_removals=3, memberships=[
        {'group': 'Sales', 'members': [upn('erin')]}, {'group': 'Ops', 'members': [upn('erin')]}]))
    assert run.rc == 0, run
    assert len(run.result('Within')['removed']) == 3


def test_unknown_and_ambiguous_names_fail_at_once_before_writing(emulator, playbook):
    world = standard_world(emulator)
    twins = [g['id'] for g in emulator.seed(groups=[{'displayName': 'Twins'}, {'displayName': 'twins'}])['groups']]
    run = playbook(task('Names', memberships=[
        {'group': 'Sales', 'members': [upn('erin'), upn('ghost')]},
        {'user': upn('nobody'), 'groups': ['Ops']},
        {'user': upn('dave'), 'groups': ['Twins', 'Nowhere', 'Ops']},
        {'group': 'Ops', 'members': [upn('ghost')]},
    ]))
    assert run.rc != 0
    message = run.result('Names')['msg']
    assert message.startswith('Nothing was changed: ')
    assert "memberships[0].members[1], memberships[3].members[0]: user '%s' was not found" % upn('ghost') in message
    assert "memberships[1].user: user '%s' was not found" % upn('nobody') in message
    assert "memberships[2].groups[1]: group 'Nowhere' was not found" in message
    assert ("memberships[2].groups[0]: group 'Twins' is ambiguous: 2 objects have that name (ids %s); use the id instead"
            % ', '.join(sorted(twins))) in message
    stats = emulator.stats()
    # One bulk lookup and nothing else: no membership read, no replication retry although replication_timeout is 30 s.
    assert stats['writes'] == 0 and stats['http_requests'] == 1, stats
    assert run.result('Names')['stats']['replication_retries'] == 0
    assert ('Sales', 'erin') not in world.membership()
    run = playbook(task('Top level', group='Nope', members=[upn('alice')]))
    assert "Nothing was changed: 1 problem(s) in memberships: group: group 'Nope' was not found" in run.result('Top level')['msg']
    assert emulator.stats()['writes'] == 0


@pytest.mark.parametrize('args, reason', [
    ({'group': 'All staff', 'members': [upn('bob')]}, 'a dynamic-membership group'),
    ({'user': upn('alice'), 'groups': ['Sales', 'Mail security'], 'state': 'absent'}, 'a mail-enabled security group'),
    ({'memberships': [{'user': upn('bob'), 'groups': ['Newsletter']}], 'state': 'exact'}, 'a distribution list'),
])
def test_groups_graph_cannot_change_are_refused_when_listed(emulator, playbook, args, reason):
    world = standard_world(emulator)
    before = world.membership()
    run = playbook(task('Refused', **args))
    assert run.rc != 0
    message = run.result('Refused')['msg']
    assert message.startswith('Nothing was changed: ') and 'is %s; Graph cannot change its membership' % reason in message
    assert emulator.stats()['writes'] == 0 and world.membership() == before


def test_invalid_combinations_are_refused(emulator, playbook):
    cases = [
        (dict(group='Sales', groups=['Ops']), "missing parameter(s) required by 'group': members"),
        (dict(memberships=[{'group': 'Sales', 'groups': ['Ops']}]), 'memberships[0]: members goes with group, not groups'),
        (dict(memberships=[{'group': 'Sales', 'user': 'x'}]), 'memberships[0]: give either group with members, or user with groups'),
        (dict(memberships=[{'user': 'x'}]), 'memberships[0]: groups is required with user'),
        (dict(memberships=[{'group': 'Sales', 'members': ['a@x', ' ']}]), 'memberships[0].members[1]: empty reference'),
        (dict(memberships=[{'group': ' ', 'members': ['a@x']}]), 'memberships[0].group: empty reference'),
        (dict(memberships=[{'group': 'Sales', 'members': ['a@x']}], members=['b']), 'parameters are mutually exclusive: memberships|members'),
        (dict(group='Sales', members=['Engineering']), "members[0]: 'Engineering' does not say what it is: name the type, e.g. group:Engineering"),
    ]
    for args, message in cases:
        run = playbook(task('Invalid', **args))
        assert run.rc != 0, args
        assert message in run.result('Invalid')['msg'], (args, run.result('Invalid')['msg'])
    assert emulator.stats()['http_requests'] == 0


# ----- scale and Graph's answers -------------------------------------------------------------------


def test_three_hundred_users_into_one_group_take_a_handful_of_requests(emulator, playbook):
    names = ['bulk%03d' % i for i in range(300)]
    world = World(emulator, names, [{'displayName': 'Everyone'}])
    tasks = task('Bulk', group='Everyone', members=[upn(n) for n in names])
    emulator.reset_stats()
    run = playbook(tasks)
    assert run.rc == 0, run
    result = run.result('Bulk')
    assert len(result['added']) == 300 and len(world.membership()) == 300
    stats = emulator.stats()
    # group lookup, 20 UPN lookups in one batch, one member read, 15 PATCHes of 20 in one batch
    assert stats['http_requests'] <= 6, stats
    assert stats['requests_by_method'] == {'GET': 22, 'PATCH': 15}
    assert stats['writes'] == 15
    assert result['stats']['http_requests'] == stats['http_requests']
    emulator.reset_stats()
    again = playbook(tasks)
    assert again.result('Bulk')['changed'] is False and again.result('Bulk')['unchanged'] == 300
    assert emulator.stats()['writes'] == 0 and emulator.stats()['http_requests'] <= 5


def test_one_user_into_forty_groups(emulator, playbook):
    groups = [{'displayName': 'Team %02d' % i} for i in range(40)]
    world = World(emulator, ['newhire'], groups)
    emulator.reset_stats()
    run = playbook(task('Onboard', user=upn('newhire'), groups=[g['displayName'] for g in groups]))
    assert run.rc == 0, run
    assert len(world.membership()) == 40
    stats = emulator.stats()
    assert stats['writes'] == 40 and stats['http_requests'] <= 7, stats


def get_token(emulator):
    info = emulator.info
    response = requests.post('%s/%s/oauth2/v2.0/token' % (info['authority_url'], info['tenant_id']), verify=info['ca_path'], timeout=30,
                             data={'client_id': info['client_id'], 'client_secret': info['client_secret'], 'grant_type': 'client_credentials',
                                   'scope': info['graph_url'] + '/.default'})
    response.raise_for_status()
    return response.json()['access_token']


def graph_add(emulator, group_id, member_id):
    """Add a member through Graph itself (seeding only fills new groups)."""
    response = requests.post('%s/v1.0/groups/%s/members/$ref' % (emulator.url, group_id), verify=emulator.info['ca_path'], timeout=30,
                             headers={'Authorization': 'Bearer ' + get_token(emulator)},
                             json=ref(member_id))
    assert response.status_code == 204, response.text


def test_failed_patch_falls_back_to_single_adds_and_names_the_bad_member(emulator, playbook):
    """A user deleted after the module looked it up sinks its 20-member PATCH; the other 19 still get in."""
    names = ['member%02d' % i for i in range(20)]
    world = World(emulator, names, [{'displayName': 'Crew'}])
    victim = world.ids['member07']
    token = get_token(emulator)
    emulator.configure(latency_ms=1000)
    emulator.reset_stats()

    def delete_victim_after_lookup():
        # Lookups: the group, then the users; once both ran (2 GETs answered 200), delete the user. With 1 s of latency
        # per request, the deletion lands while the module reads the members, well before its PATCH is served.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and emulator.stats()['responses_by_status'].get('200', 0) < 2:
            time.sleep(0.02)
        requests.delete('%s/v1.0/users/%s' % (emulator.url, victim), headers={'Authorization': 'Bearer ' + token},
                        verify=emulator.info['ca_path'], timeout=30).raise_for_status()

    deleter = threading.Thread(target=delete_victim_after_lookup)
    deleter.start()
    run = playbook(task('Crew', group='Crew', members=[upn(n) for n in names], replication_timeout=1))
    deleter.join()
    assert run.rc != 0
    result = run.result('Crew')
    assert result['changed'] is True
    assert result['msg'].startswith("1 change(s) failed: %s to group Crew: add: 404 Request_ResourceNotFound: Resource '%s' does not exist"
                                    % (upn('member07'), victim))
    assert [(f['member'], f['action'], f['status'], f['code']) for f in result['failed_memberships']] == [
        (upn('member07'), 'add', 404, 'Request_ResourceNotFound')]
    assert len(result['added']) == 19
    assert world.membership() == set(('Crew', n) for n in names if n != 'member07')
    methods = emulator.stats()['requests_by_method']
    assert methods['PATCH'] == 1 and methods['POST'] >= 20  # the refused PATCH, then one $ref per member (the bad one retried)


def ref(object_id):
    return {'@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/' + object_id}


def test_already_member_and_already_removed_count_as_done(emulator, playbook):
    """Someone else adds and removes members between the module's read and its writes.

    With membership_delay_ms the emulator's member lists show a change later than its writer does, as Graph's
    replicas can: the module reads a stale membership, and Graph answers "already exist" / 404 to its writes.
    """
    world = World(emulator, PEOPLE, [{'displayName': 'Crew', 'members': [upn('carol'), upn('dave')]}, {'displayName': 'Other'}])
    crew, other = world.ids['Crew'], world.ids['Other']
    emulator.configure(membership_delay_ms=60000)
    headers = {'Content-Type': 'application/json'}
    others = [
        {'id': 'a', 'method': 'POST', 'url': '/groups/%s/members/$ref' % crew, 'headers': headers, 'body': ref(world.ids['alice'])},
        {'id': 'b', 'method': 'POST', 'url': '/groups/%s/members/$ref' % other, 'headers': headers, 'body': ref(world.ids['erin'])},
        {'id': 'c', 'method': 'DELETE', 'url': '/groups/%s/members/%s/$ref' % (crew, world.ids['carol'])},
    ]
    run = playbook(play("""
- name: Someone else
  mynster.msgraph.graph_batch:
    requests: %s
- name: Add
  mynster.msgraph.graph_group_membership:
    group: Crew
    members: [%s, %s]
- name: Add one
  mynster.msgraph.graph_group_membership:
    user: %s
    groups: [Other]
- name: Remove
  mynster.msgraph.graph_group_membership:
    group: Crew
    members: [%s]
    state: absent
""" % (json.dumps(others), upn('alice'), upn('bob'), upn('erin'), upn('carol'))))
    assert run.rc == 0, run
    # Add: the read missed alice, so the PATCH [alice, bob] is refused ("already exist"), and the per-member retry
    # treats alice's "already exist" as done.
    assert world.pairs(run.result('Add')['added']) == {('Crew', 'alice'), ('Crew', 'bob')}
    assert run.result('Add')['failed_memberships'] == []
    # Add one: a lone addition goes straight to $ref and meets "already exist".
    assert world.pairs(run.result('Add one')['added']) == {('Other', 'erin')}
    # Remove: the read still showed carol; the DELETE gets 404, which means already removed.
    assert world.pairs(run.result('Remove')['removed']) == {('Crew', 'carol')}
    assert world.membership() == {('Crew', 'alice'), ('Crew', 'bob'), ('Crew', 'dave'), ('Other', 'erin')}
    statuses = emulator.stats()['responses_by_status']
    assert statuses.get('400') == 3 and statuses.get('404') == 1  # PATCH + alice's $ref + erin's $ref; carol's DELETE
    # Graph's other answer to removing a non-member, a 400, counts as done as well.
    emulator.configure(remove_nonmember_400=True)
    emulator.seed(groups=[{'displayName': 'Third', 'members': [upn('bob')]}])
    third = world.refresh().ids['Third']
    run = playbook(play("""
- name: Someone else
  mynster.msgraph.graph_batch:
    requests: [{method: DELETE, url: /groups/%s/members/%s/$ref}]
- name: Remove
  mynster.msgraph.graph_group_membership:
    group: Third
    members: [%s]
    state: absent
""" % (third, world.ids['bob'], upn('bob'))))
    assert run.rc == 0, run
    assert len(run.result('Remove')['removed']) == 1 and run.result('Remove')['failed_memberships'] == []


def test_objects_created_moments_ago_are_waited_for(emulator, playbook):
    world = World(emulator, ['alice'], [{'displayName': 'Existing'}])
    # Long enough that a busy machine (parallel test workers) still runs 'Too soon' inside the delay.
    emulator.configure(replication_delay_ms=8000)
    create = json.dumps([{'id': 'group', 'method': 'POST', 'url': '/groups',
                          'body': {'displayName': 'Fresh', 'mailNickname': 'fresh', 'mailEnabled': False, 'securityEnabled': True}}]
                        + [{'id': 'user%d' % i, 'method': 'POST', 'url': '/users',
                            'body': dict(user_bodies(['fresh%d' % i])[0], accountEnabled=True,
                                         passwordProfile={'password': 'Sup3r-secret!', 'forceChangePasswordNextSignIn': True})}
                           for i in range(3)])
    tasks = play("""
- name: Create
  mynster.msgraph.graph_batch:
    requests: %s
  register: created
- name: Too soon
  mynster.msgraph.graph_group_membership:
    group: Fresh
    members: [%s]
  ignore_errors: true
- name: By name
  mynster.msgraph.graph_group_membership:
    group: Fresh
    members: [%s, %s]
    recently_created: [group:Fresh, fresh0@contoso.example]
- name: By id
  mynster.msgraph.graph_group_membership:
    recently_created: "{{ created.responses | map(attribute='body') | map(attribute='id') | list }}"
    memberships:
      - group: "{{ (created.responses | selectattr('id', 'equalto', 'group') | first).body.id }}"
        members: "{{ created.responses | selectattr('id', 'match', 'user') | map(attribute='body') | map(attribute='id') | list }}"
      - user: "{{ (created.responses | selectattr('id', 'equalto', 'user2') | first).body.id }}"
        groups: [Existing]
""" % (create, upn('fresh0'), upn('fresh0'), upn('alice')))
    run = playbook(tasks)
    assert run.rc == 0, run
    assert run.failed('Too soon')
    # Not listed in recently_created: fails at once, although replication_timeout is 30 s.
    assert "group: group 'Fresh' was not found" in run.result('Too soon')['msg']
    assert run.result('Too soon')['stats']['replication_retries'] == 0
    assert run.result('By name')['changed'] is True and len(run.result('By name')['added']) == 2
    assert len(run.result('By id')['added']) == 3, json.dumps(run.result('By id'), indent=1)[:5000]  # fresh1, fresh2 into Fresh; fresh2 into Existing
    assert world.refresh().membership() == {('Fresh', 'fresh0'), ('Fresh', 'alice'), ('Fresh', 'fresh1'), ('Fresh', 'fresh2'), ('Existing', 'fresh2')}


def test_throttled_requests_are_retried_until_membership_converges(emulator, playbook):
    names = ['busy%02d' % i for i in range(60)]
    world = World(emulator, names, [{'displayName': 'Busy'}] + [{'displayName': 'Side %d' % i} for i in range(10)])
    emulator.configure(throttle_rate=0.3)
    tasks = play("""
- name: Throttled
  mynster.msgraph.graph_group_membership:
    max_retry_wait: 0.5
    max_retries: 20
    memberships:
      - group: Busy
        members: %s
      - user: %s
        groups: %s
""" % (json.dumps([upn(n) for n in names]), upn('busy00'), json.dumps(['Side %d' % i for i in range(10)])))
    run = playbook(tasks)
    assert run.rc == 0, run
    result = run.result('Throttled')
    assert len(result['added']) == 70 and result['failed_memberships'] == []
    assert len(world.membership()) == 70
    stats = emulator.stats()
    assert stats['throttled'] > 0 and result['stats']['throttled'] > 0
    assert result['stats']['retries'] >= result['stats']['throttled']
    again = playbook(tasks)
    assert again.rc == 0, again
    assert again.result('Throttled')['changed'] is False, json.dumps(again.result('Throttled'), indent=1)[:5000]


def test_diff_shows_before_and_after_per_group_and_per_user(emulator, playbook):
    world = standard_world(emulator)
    run = playbook(task('Diff', memberships=[
        {'group': 'Ops', 'members': [upn('erin')]},
        {'user': upn('dave'), 'groups': ['Dev']},
        {'group': 'Sales', 'members': [upn('alice')]},  # unchanged: not in the diff
    ]), diff=True)
    assert run.rc == 0, run
    diff = run.result('Diff')['diff']
    assert diff['before'] == {'group Ops': ['user:' + upn('carol')], 'user ' + upn('dave'): ['All staff']}
    assert diff['after'] == {'group Ops': ['user:' + upn('carol'), 'user:' + upn('erin')], 'user ' + upn('dave'): ['All staff', 'Dev']}
    assert '+    "%s"' % upn('erin') in run.stdout or upn('erin') in run.stdout
    assert world.membership() >= {('Ops', 'erin'), ('Dev', 'dave')}
    plain = playbook(task('No diff', group='Ops', members=[upn('bob')]))
    assert 'diff' not in plain.result('No diff')


# ----- members of every type (issue 10) -------------------------------------------------------------

DEVICES = ('LAPTOP-1', 'LAPTOP-2')
APPS = ('HR sync', 'Backup agent')
CONTACTS = ('Partner', 'Auditor')


def mixed_world(emulator, **extra_groups):
    """Users, devices, service principals and contacts, and 'Mixed' holding one of each type plus a nested group."""
    groups = [
        {'displayName': 'Nested', 'members': [upn('erin')]},
        {'displayName': 'Mixed', 'members': [upn('alice'), 'group:Nested', 'device:LAPTOP-1', 'servicePrincipal:HR sync', 'orgContact:Partner']},
        {'displayName': 'Empty'},
        {'displayName': 'Team', 'groupTypes': ['Unified'], 'mailEnabled': True, 'securityEnabled': False, 'members': [upn('bob')]},
    ]
    groups.extend(extra_groups.get('groups', []))
    return World(emulator, PEOPLE, groups, devices=DEVICES, service_principals=APPS, contacts=CONTACTS)


MIXED_MEMBERS = {('Mixed', 'alice'), ('Mixed', 'Nested'), ('Mixed', 'LAPTOP-1'), ('Mixed', 'HR sync'), ('Mixed', 'Partner')}


def test_a_group_holding_all_five_types_is_reconciled_by_exact(emulator, playbook):
    world = mixed_world(emulator)
    assert {pair for pair in world.membership() if pair[0] == 'Mixed'} == MIXED_MEMBERS
    # Listing every member by typed name: nothing to do (the service principal is seen, through the beta read).
    run = playbook(task('Same', group='Mixed', state='exact', members=[
        upn('alice'), 'group:Nested', 'device:LAPTOP-1', 'servicePrincipal:HR sync', 'orgContact:Partner']))
    assert run.rc == 0, run
    assert run.result('Same')['changed'] is False and run.result('Same')['unchanged'] == 5
    assert emulator.stats()['writes'] == 0
    # With member_types: [user], only users are compared: bob is added, nothing else is removed.
    preview, dummy, dummy2 = check_apply_rerun(emulator, playbook, world, {
        'group': 'Mixed', 'members': [upn('alice'), upn('bob')], 'state': 'exact', 'member_types': ['user']},
        added={('Mixed', 'bob')}, removed=set(), diff_keys=['group Mixed'])
    diff = preview.result('Membership')['diff']
    assert diff['before']['group Mixed'] == sorted(['user:' + upn('alice'), 'group:Nested', 'device:LAPTOP-1', 'servicePrincipal:HR sync',
                                                    'orgContact:Partner'])
    assert 'user:' + upn('bob') in diff['after']['group Mixed'] and 'device:LAPTOP-1' in diff['after']['group Mixed']
    # Without member_types, exact removes every type not listed, service principals included, and adds new ones of any type.
    preview, applied, dummy = check_apply_rerun(emulator, playbook, world, {
        'group': 'Mixed', 'members': [upn('alice'), 'device:LAPTOP-2', 'orgContact:auditor@fabrikam.example'], 'state': 'exact'},
        added={('Mixed', 'LAPTOP-2'), ('Mixed', 'Auditor')},
        removed={('Mixed', 'bob'), ('Mixed', 'Nested'), ('Mixed', 'LAPTOP-1'), ('Mixed', 'HR sync'), ('Mixed', 'Partner')},
        diff_keys=['group Mixed'])
    removed = dict((e['member'], e['member_type']) for e in applied.result('Membership')['removed'])
    assert removed == {upn('bob'): 'user', 'Nested': 'group', 'LAPTOP-1': 'device', 'HR sync': 'servicePrincipal', 'Partner': 'orgContact'}
    assert preview.result('Membership')['diff']['after']['group Mixed'] == sorted(
        ['user:' + upn('alice'), 'device:LAPTOP-2', 'orgContact:Auditor'])
    assert '-    "servicePrincipal:HR sync"' in preview.stdout or 'servicePrincipal:HR sync' in preview.stdout  # on screen with --diff


def test_member_types_choose_what_exact_removes(emulator, playbook):
    world = mixed_world(emulator)
    check_apply_rerun(emulator, playbook, world, {
        'group': 'Mixed', 'members': [upn('alice'), 'group:Nested'], 'state': 'exact', 'member_types': ['servicePrincipal', 'device', 'group', 'user']},
        added=set(), removed={('Mixed', 'LAPTOP-1'), ('Mixed', 'HR sync')}, diff_keys=['group Mixed'])
    assert ('Mixed', 'Partner') in world.membership()  # contacts were left out of member_types
    # Listing a member of a type member_types leaves out is refused, before anything is read.
    run = playbook(task('Contradiction', group='Mixed', members=[upn('alice'), 'device:LAPTOP-2'], state='exact', member_types=['user']))
    assert run.rc != 0
    assert ("members[1]: 'device:LAPTOP-2' is a device, but member_types (user) leaves devices out of state=exact"
            in run.result('Contradiction')['msg'])
    assert emulator.stats()['writes'] == 0


def test_typed_names_in_every_direction(emulator, playbook):
    world = mixed_world(emulator)
    app_id = [o for o in emulator.dump()['objects']['servicePrincipal'] if o['displayName'] == 'Backup agent'][0]['appId']
    check_apply_rerun(emulator, playbook, world, {'memberships': [
        # a group's members by typed name: service principal by appId, contact by mail, group and device by displayName
        {'group': 'Empty', 'members': ['servicePrincipal:' + app_id, 'ORGCONTACT:auditor@fabrikam.example', 'group:Nested', 'Device:laptop-2']},
        # members of other types put into groups from their side
        {'user': 'device:LAPTOP-1', 'groups': ['Nested', 'group:Empty']},
        {'user': 'servicePrincipal:HR sync', 'groups': ['Nested']},
        {'user': 'orgContact:Partner', 'groups': ['Nested']},
        {'user': 'group:Nested', 'groups': ['Mixed']},  # already there
    ]}, added={('Empty', 'Backup agent'), ('Empty', 'Auditor'), ('Empty', 'Nested'), ('Empty', 'LAPTOP-2'), ('Nested', 'LAPTOP-1'),
               ('Empty', 'LAPTOP-1'), ('Nested', 'HR sync'), ('Nested', 'Partner')}, removed=set(),
        diff_keys=['group Empty', 'device LAPTOP-1', 'servicePrincipal HR sync', 'orgContact Partner', 'group Nested (as member)'])
    # exact from a device's side: its groups become exactly the list
    check_apply_rerun(emulator, playbook, world, {'user': 'device:LAPTOP-1', 'groups': ['Empty'], 'state': 'exact'},
                      added=set(), removed={('Nested', 'LAPTOP-1'), ('Mixed', 'LAPTOP-1')}, diff_keys=['device LAPTOP-1'])


def test_object_ids_of_every_type(emulator, playbook):
    world = mixed_world(emulator)
    ids = [world.ids[name] for name in ('carol', 'Nested', 'LAPTOP-2', 'Backup agent', 'Auditor')]
    preview, dummy, dummy2 = check_apply_rerun(emulator, playbook, world, {'group': world.ids['Empty'], 'members': ids},
                                               added=set(('Empty', world.names[i]) for i in ids), removed=set(), diff_keys=['group Empty'])
    assert sorted(e['member_type'] for e in preview.result('Membership')['added']) == sorted(
        ['user', 'group', 'device', 'servicePrincipal', 'orgContact'])
    check_apply_rerun(emulator, playbook, world, {'user': world.ids['LAPTOP-2'], 'groups': [world.ids['Nested']]},
                      added={('Nested', 'LAPTOP-2')}, removed=set(), diff_keys=['device LAPTOP-2'])
    # A typed id must be of that type; an id of something that cannot be a member is refused too.
    run = playbook(task('Wrong type', group='Empty', members=[upn('dave'), 'device:' + world.ids['alice']]))
    assert run.rc != 0
    assert "members[1]: device id '%s' is a user, not a device" % world.ids['alice'] in run.result('Wrong type')['msg']
    run = playbook(task('Group side', group=world.ids['alice'], members=[upn('dave')]))
    assert "group: group id '%s' is a user, not a group" % world.ids['alice'] in run.result('Group side')['msg']
    assert emulator.stats()['writes'] == 0


def test_ambiguous_names_of_every_type_are_refused_naming_the_ids(emulator, playbook):
    world = mixed_world(emulator)
    seeded = emulator.seed(devices=[{'displayName': 'LAPTOP-1'}], servicePrincipals=[{'displayName': 'hr sync'}],
                           contacts=[{'displayName': 'Other partner', 'mail': 'partner@fabrikam.example'}])
    twins = {
        'device': sorted([world.ids['LAPTOP-1'], seeded['devices'][0]['id']]),
        'servicePrincipal': sorted([world.ids['HR sync'], seeded['servicePrincipals'][0]['id']]),
        'orgContact': sorted([world.ids['Partner'], seeded['contacts'][0]['id']]),
    }
    before = world.membership()
    run = playbook(task('Twins', memberships=[
        {'group': 'Empty', 'members': [upn('alice')]},
        {'group': 'Nested', 'members': ['device:LAPTOP-1', 'servicePrincipal:HR SYNC', 'orgContact:partner@fabrikam.example']},
    ]))
    assert run.rc != 0
    message = run.result('Twins')['msg']
    for where, (kind, name) in enumerate([('device', 'LAPTOP-1'), ('servicePrincipal', 'HR SYNC'), ('orgContact', 'partner@fabrikam.example')]):
        assert ("memberships[1].members[%d]: %s '%s' is ambiguous: 2 objects have that name (ids %s); use the id instead"
                % (where, kind, name, ', '.join(twins[kind]))) in message, message
    assert emulator.stats()['writes'] == 0 and world.membership() == before


def test_microsoft_365_groups_take_users_only(emulator, playbook):
    world = mixed_world(emulator)
    before = world.membership()
    for check in (False, True):
        run = playbook(task('Team', memberships=[
            {'group': 'Empty', 'members': [upn('alice')]},  # valid, and not written because the next items are refused
            {'group': 'Team', 'members': [upn('carol'), 'device:LAPTOP-2', 'servicePrincipal:HR sync']},
            {'user': 'group:Team', 'groups': ['Nested']},
        ]), check=check)
        assert run.rc != 0
        message = run.result('Team')['msg']
        assert message.startswith('Nothing was changed: ')
        assert ("memberships[1].members[1]: device:LAPTOP-2 cannot be a member of group 'Team': group 'Team' is a Microsoft 365 group, "
                "which accepts users only") in message
        assert "memberships[1].members[2]: servicePrincipal:HR sync cannot be a member of group 'Team'" in message
        assert ("memberships[2].groups[0]: group:Team cannot be a member of group 'Nested': a Microsoft 365 group cannot be a member of "
                "another group") in message
    assert emulator.stats()['writes'] == 0 and world.membership() == before
    check_apply_rerun(emulator, playbook, world, {'group': 'Team', 'members': [upn('carol')]}, added={('Team', 'carol')}, removed=set(),
                      diff_keys=['group Team'])


# ----- role-assignable groups (issue 9.7) --------------------------------------------------------------

ROLE_PERMISSION = 'RoleManagement.ReadWrite.Directory'


@pytest.fixture
def app_roles(emulator):
    """Set the permissions in the emulator's tokens for this test: ``app_roles(grant_role_management)``."""
    default = emulator.control('GET', 'config')['app_roles']
    assert ROLE_PERMISSION not in default

    def configure(grant):
        emulator.configure(app_roles=default + [ROLE_PERMISSION] if grant else default)
    yield configure
    emulator.configure(app_roles=default)


def role_world(emulator):
    return World(emulator, PEOPLE, [
        {'displayName': 'Helpdesk admins', 'isAssignableToRole': True, 'members': [upn('alice'), upn('bob')]},
        {'displayName': 'Sales', 'members': [upn('alice')]},
        {'displayName': 'Ops', 'members': [upn('alice')]},
    ], devices=DEVICES)


def test_role_assignable_groups_are_refused_before_writing_without_the_permission(emulator, playbook, app_roles):
    world = role_world(emulator)
    before = world.membership()
    app_roles(False)
    for check in (False, True):
        run = playbook(task('Admins', memberships=[
            {'group': 'Sales', 'members': [upn('carol')]},
            {'group': 'Helpdesk admins', 'members': [upn('carol')]},
        ]), check=check)
        assert run.rc != 0
        message = run.result('Admins')['msg']
        assert ("Nothing was changed: 1 problem(s) in memberships: changing the members of role-assignable group "
                "'Helpdesk admins' (%s) needs the Graph permission "
                "RoleManagement.ReadWrite.Directory, which the access token does not carry" % world.ids['Helpdesk admins']) in message
        assert 'on_missing_permission: skip' in message
    assert emulator.stats()['writes'] == 0 and world.membership() == before
    # Nothing to change in the group: no permission needed.
    run = playbook(task('Already', group='Helpdesk admins', members=[upn('alice')]))
    assert run.rc == 0 and run.result('Already')['changed'] is False
    # With the permission granted, the same task goes through.
    app_roles(True)
    run = playbook(task('Admins', memberships=[{'group': 'Sales', 'members': [upn('carol')]}, {'group': 'Helpdesk admins', 'members': [upn('carol')]}]))
    assert run.rc == 0, run
    assert world.pairs(run.result('Admins')['added']) == {('Sales', 'carol'), ('Helpdesk admins', 'carol')}


def test_on_missing_permission_skip_leaves_role_assignable_groups_and_changes_the_rest(emulator, playbook, app_roles):
    world = role_world(emulator)
    app_roles(False)
    # The offboarding role's call: every direct membership of the leaver goes, role-assignable groups are left with the reason.
    args = {'memberships': [{'user': upn('alice'), 'groups': []}], 'state': 'exact', 'allow_empty': True, 'on_missing_permission': 'skip'}
    for check in (True, False):
        run = playbook(task('Leaver', **args), check=check)
        assert run.rc == 0, run
        result = run.result('Leaver')
        assert world.pairs(result['removed']) == {('Sales', 'alice'), ('Ops', 'alice')}
        assert [(s['group'], s['member'], s['member_type'], s['action'], s['permission']) for s in result['skipped_memberships']] == [
            ('Helpdesk admins', upn('alice'), 'user', 'remove', ROLE_PERMISSION)]
        assert 'role-assignable' in result['skipped_memberships'][0]['reason']
        assert any('Helpdesk admins' in w and ROLE_PERMISSION in w for w in result['warnings'])
    assert world.membership() == {('Helpdesk admins', 'alice'), ('Helpdesk admins', 'bob')}
    # Once the permission is granted, a re-run completes the job.
    app_roles(True)
    run = playbook(task('Leaver', **args))
    assert run.rc == 0, run
    assert world.pairs(run.result('Leaver')['removed']) == {('Helpdesk admins', 'alice')}
    assert run.result('Leaver')['skipped_memberships'] == []


def test_role_assignable_groups_do_not_take_nested_groups(emulator, playbook, app_roles):
    world = role_world(emulator)
    emulator.seed(groups=[{'displayName': 'Tier 2'}])
    app_roles(True)
    run = playbook(task('Nest', group='Helpdesk admins', members=[upn('carol'), 'group:Tier 2']))
    assert run.rc != 0
    assert ("members[1]: group:Tier 2 cannot be a member of group 'Helpdesk admins': group 'Helpdesk admins' is role-assignable, and groups "
            "cannot be nested in a role-assignable group") in run.result('Nest')['msg']
    assert emulator.stats()['writes'] == 0 and ('Helpdesk admins', 'carol') not in world.membership()


# ----- names that do not resolve, and objects created moments ago (issue 9.2, 9.3) -------------------


def test_a_misspelt_name_fails_at_once_without_any_replication_retry(emulator, playbook):
    world = mixed_world(emulator)
    emulator.configure(replication_delay_ms=60000)  # as if objects were being created: still no reason to wait for a typo
    run = playbook(task('Typo', replication_timeout=600, memberships=[
        {'group': 'Empty', 'members': [upn('alice')]},
        {'user': upn('alcie'), 'groups': ['Nested']},
        {'group': 'Nested', 'members': ['device:LAPTOP-9']},
    ]))
    assert run.rc != 0
    result = run.result('Typo')
    assert "memberships[1].user: user '%s' was not found" % upn('alcie') in result['msg']
    assert "memberships[2].members[0]: device 'LAPTOP-9' was not found" in result['msg']
    assert result['stats']['replication_retries'] == 0 and result['stats']['http_requests'] == 1
    stats = emulator.stats()
    assert stats['http_requests'] == 1 and stats['writes'] == 0
    assert ('Empty', 'alice') not in world.membership()


def test_recently_created_objects_are_previewed_in_check_mode_and_waited_for_in_a_real_run(emulator, playbook):
    world = mixed_world(emulator)
    emulator.configure(replication_delay_ms=8000)  # longer than starting the next task takes, so the run has to wait
    hire = upn('newhire')
    create_user = json.dumps([{'id': 'user', 'method': 'POST', 'url': '/users', 'body': dict(
        user_bodies(['newhire'])[0], accountEnabled=True, passwordProfile={'password': 'Sup3r-secret!', 'forceChangePasswordNextSignIn': True})}])
    create_group = json.dumps([{'id': 'group', 'method': 'POST', 'url': '/groups', 'body': {
        'displayName': 'New team', 'mailNickname': 'newteam', 'mailEnabled': False, 'securityEnabled': True}}])
    tasks = play("""
- name: Create the hire
  mynster.msgraph.graph_batch:
    requests: %s
- name: Create the group
  mynster.msgraph.graph_batch:
    requests: %s
- name: Membership
  mynster.msgraph.graph_group_membership:
    memberships:
      - user: %s
        groups: [Nested, Empty, New team]
      - group: New team
        members: [%s, device:LAPTOP-1]
      - group: Mixed
        members: [%s]
    recently_created: [%s, group:New team]
""" % (create_user, create_group, hire, hire, hire, hire))
    preview = playbook(tasks, check=True, diff=True)
    assert preview.rc == 0, preview
    result = preview.result('Membership')
    # Check mode: the hire and the group do not exist; they are taken as new objects with no memberships.
    planned = set((e['group'], e['member'], e['member_type']) for e in result['added'])
    assert planned == {('Nested', hire, 'user'), ('Empty', hire, 'user'), ('New team', hire, 'user'), ('New team', 'LAPTOP-1', 'device'),
                       ('Mixed', hire, 'user')}
    assert [e['member_id'] for e in result['added'] if e['member'] == hire] == [None] * 4
    assert result['diff']['after']['group New team'] == ['device:LAPTOP-1', 'user:' + hire]
    assert result['stats']['replication_retries'] == 0
    assert emulator.stats()['writes'] == 0
    emulator.reset_stats()
    run = playbook(tasks)
    assert run.rc == 0, run
    result = run.result('Membership')
    assert len(result['added']) == 5 and result['failed_memberships'] == []
    assert result['stats']['replication_retries'] > 0  # the new objects were waited for
    world.refresh()
    assert {('Nested', 'newhire'), ('Empty', 'newhire'), ('New team', 'newhire'), ('New team', 'LAPTOP-1'), ('Mixed', 'newhire')} <= world.membership()


def test_recently_created_object_still_missing_after_the_timeout(emulator, playbook):
    mixed_world(emulator)
    run = playbook(task('Late', group='Empty', members=[upn('alice'), upn('never')], recently_created=[upn('never')], replication_timeout=1))
    assert run.rc != 0
    result = run.result('Late')
    assert ("members[1]: user '%s' was not found within replication_timeout=1.0 s (it is listed in recently_created)" % upn('never')
            in result['msg'])
    assert result['stats']['replication_retries'] > 0 and emulator.stats()['writes'] == 0


# ----- guard rails count every type ------------------------------------------------------------------


def test_max_removals_and_allow_empty_count_every_type(emulator, playbook):
    world = mixed_world(emulator)
    before = world.membership()
    run = playbook(task('Too many', group='Mixed', members=[upn('alice')], state='exact', max_removals=3))
    assert run.rc != 0
    assert 'max_removals: this run would remove 4 memberships, more than the 3 it allows' in run.result('Too many')['msg']
    run = playbook(task('Empty', group='Mixed', members=[], state='exact', member_types=['device']))
    assert run.rc != 0
    assert 'state=exact with an empty members list would remove every direct membership' in run.result('Empty')['msg']
    assert emulator.stats()['writes'] == 0 and world.membership() == before
    run = playbook(task('Devices out', group='Mixed', members=[], state='exact', member_types=['device'], allow_empty=True, max_removals=1))
    assert run.rc == 0, run
    assert world.pairs(run.result('Devices out')['removed']) == {('Mixed', 'LAPTOP-1')}


# ----- hybrid tenants: synchronised groups, and groups Exchange Online owns -------------------------


def hybrid_world(emulator):
    """alice in a cloud group, a group synchronised from on-premises AD, a distribution list and a mail-enabled security group."""
    return World(emulator, PEOPLE, [
        {'displayName': 'Cloud', 'members': [upn('alice')]},
        {'displayName': 'AD Sales', 'onPremisesSyncEnabled': True, 'members': [upn('alice'), upn('bob')]},
        {'displayName': 'Newsletter', 'mail': 'newsletter@%s' % DOMAIN, 'mailEnabled': True, 'securityEnabled': False, 'members': [upn('alice')]},
        {'displayName': 'Mail security', 'mail': 'mailsec@%s' % DOMAIN, 'mailEnabled': True, 'securityEnabled': True, 'members': [upn('alice')]},
    ])


def test_exact_leaves_synchronised_and_exchange_groups_naming_what_to_do(emulator, playbook):
    world = hybrid_world(emulator)
    before = world.membership()
    args = {'user': upn('alice'), 'groups': [], 'state': 'exact', 'allow_empty': True}
    for check in (True, False):
        run = playbook(task('Leaver', **args), check=check)
        assert run.rc == 0, run
        result = run.result('Leaver')
        assert world.pairs(result['removed']) == {('Cloud', 'alice')}
        skipped = dict((world.names[s['group_id']], s) for s in result['skipped_memberships'])
        assert dict((name, (s['kind'], s['reason'])) for name, s in skipped.items()) == {
            'AD Sales': ('on_premises', 'synced from on-premises Active Directory'),
            'Newsletter': ('exchange', 'a distribution list'),
            'Mail security': ('exchange', 'a mail-enabled security group')}
        assert skipped['Newsletter']['command'] == ("Remove-DistributionGroupMember -Identity 'newsletter@%s' -Member '%s'"
                                                    % (DOMAIN, upn('alice')))
        assert skipped['Mail security']['command'] == "Remove-DistributionGroupMember -Identity 'mailsec@%s' -Member '%s'" % (DOMAIN, upn('alice'))
        assert skipped['AD Sales']['command'] is None
        assert skipped['AD Sales']['remedy'].startswith('remove %s from it in on-premises Active Directory instead' % upn('alice'))
        assert all(s['action'] == 'remove' and s['member'] == upn('alice') for s in skipped.values())
        warnings = ' '.join(result['warnings'])
        assert "Left %s in group 'AD Sales': it is synced from on-premises Active Directory" % upn('alice') in warnings
        assert skipped['Newsletter']['command'] in warnings
        if check:
            assert emulator.stats()['writes'] == 0 and world.membership() == before
    # The one write went to the cloud group; every group Graph cannot change still holds alice.
    assert world.membership() == before - {('Cloud', 'alice')}
    emulator.reset_stats()
    again = playbook(task('Leaver', **args))
    assert again.rc == 0 and again.result('Leaver')['changed'] is False and len(again.result('Leaver')['skipped_memberships']) == 3
    assert emulator.stats()['writes'] == 0


@pytest.mark.parametrize('args, message', [
    ({'group': 'AD Sales', 'members': [upn('carol')]},
     "group: group 'AD Sales' (%s) is synced from on-premises Active Directory; Graph cannot change its membership; change its members in "
     "on-premises Active Directory instead"),
    ({'user': upn('carol'), 'groups': ['Cloud', 'AD Sales']},
     "groups[1]: group 'AD Sales' (%s) is synced from on-premises Active Directory; Graph cannot change its membership; add "
     + upn('carol') + " to it in on-premises Active Directory instead"),
    ({'user': upn('alice'), 'groups': ['AD Sales'], 'state': 'absent'},
     "groups[0]: group 'AD Sales' (%s) is synced from on-premises Active Directory; Graph cannot change its membership; remove "
     + upn('alice') + " from it in on-premises Active Directory instead"),
    ({'memberships': [{'group': 'AD Sales', 'members': [upn('alice')]}], 'state': 'exact'},
     "memberships[0].group: group 'AD Sales' (%s) is synced from on-premises Active Directory"),
    ({'user': upn('carol'), 'groups': ['Newsletter']},
     "groups[0]: group 'Newsletter' (%s) is a distribution list; Graph cannot change its membership; add " + upn('carol')
     + " to it in Exchange Online instead, with Exchange Online PowerShell: Add-DistributionGroupMember -Identity 'newsletter@contoso.example'"
     " -Member '" + upn('carol') + "'"),
])
def test_synchronised_and_exchange_groups_listed_are_refused_before_writing(emulator, playbook, args, message):
    world = hybrid_world(emulator)
    before = world.membership()
    group = 'Newsletter' if 'Newsletter' in message else 'AD Sales'
    for check in (True, False):
        run = playbook(task('Refused', **args), check=check)
        assert run.rc != 0
        result = run.result('Refused')
        assert result['msg'].startswith('Nothing was changed: ') and message % world.ids[group] in result['msg'], result['msg']
        (problem,) = result['problems']
        assert problem['hint'] and problem['hint'] in result['msg']
    assert emulator.stats()['writes'] == 0 and world.membership() == before
