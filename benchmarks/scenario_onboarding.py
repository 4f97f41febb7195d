# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Onboarding 200 hires (licence, 3 groups, welcome event, calendar permission): the onboarding role versus
one ansible.builtin.uri request per item (create user, assign licence, 3 group adds, event, permission).

The role checks the whole cohort before it writes (graph_user_bulk, graph_group_membership and graph_calendar in
check mode), so a real run reads everything twice: once to check, once to write. The HTTP requests of each of its
tasks are printed too. BENCH_ONBOARDING_BASELINE=0 leaves the (slow) uri loop out."""

from __future__ import annotations

import os

from benchlib import PLAY_HEADER, TOKEN_TASK, security_group, uri_task

NAME = 'onboarding'
DESCRIPTION = '200 hires, onboarding role vs uri loop'
COUNT = int(os.environ.get('BENCH_ONBOARDING_HIRES', '200'))
BASELINE = os.environ.get('BENCH_ONBOARDING_BASELINE', '1') != '0'
GROUPS = ('Engineering', 'VPN users', 'All staff')
SKU_ID = '05e9a617-0261-4cee-bb44-138d3ef5d965'  # SPE_E3 in the emulator's default subscriptions
MANAGER = 'megan.bowen@contoso.example'
PASSWORD = 'Bench-Passw0rd!'

ROLE_PLAY = PLAY_HEADER + """
    - name: Onboard the cohort
      ansible.builtin.include_role:
        name: mynster.msgraph.onboarding
      vars:
        onboarding_users: "{{ hires }}"
        onboarding_show_summary: false
"""


def hires():
    people = []
    for index in range(COUNT):
        name = 'hire%03d' % index
        people.append({
            'userPrincipalName': '%s@contoso.example' % name, 'displayName': 'Hire %03d' % index, 'mailNickname': name,
            'accountEnabled': True, 'usageLocation': 'DK', 'jobTitle': 'Engineer', 'password': PASSWORD, 'licenses': ['SPE_E3'],
            'groups': list(GROUPS),
            'welcome_event': {'subject': 'Welcome, Hire %03d' % index, 'body': 'See you at 9.', 'start': '2026-03-02T09:00:00',
                              'end': '2026-03-02T10:00:00', 'timezone': 'Romance Standard Time'},
            'calendar_permissions': [{'address': MANAGER, 'role': 'read'}],
        })
    return people


def baseline_plays():
    """What a per-item playbook does for the same work: seven requests per hire.

    Run as three playbooks (users and licences; group adds; event and permission) because one would outlast the
    harness's 15-minute limit per playbook; the group adds get the new users' ids as a variable, as a single
    playbook would from the registered creates. Their figures are added up.
    """
    user = {'accountEnabled': True, 'displayName': '{{ item.displayName }}', 'mailNickname': '{{ item.mailNickname }}',
            'userPrincipalName': '{{ item.userPrincipalName }}', 'usageLocation': 'DK', 'jobTitle': 'Engineer',
            'passwordProfile': {'password': PASSWORD, 'forceChangePasswordNextSignIn': True}}
    event = {'subject': '{{ item.welcome_event.subject }}', 'body': {'contentType': 'text', 'content': 'See you at 9.'},
             'start': {'dateTime': '2026-03-02T09:00:00', 'timeZone': 'Romance Standard Time'},
             'end': {'dateTime': '2026-03-02T10:00:00', 'timeZone': 'Romance Standard Time'}}
    permission = {'emailAddress': {'address': MANAGER}, 'isInsideOrganization': True, 'isRemovable': True, 'role': 'read'}
    member = {'@odata.id': "{{ lookup('env', 'MSGRAPH_URL') }}/v1.0/directoryObjects/{{ item.0 }}"}
    users = (PLAY_HEADER + TOKEN_TASK
             + uri_task('Create each user', 'POST', '/users', user, (201,), '{{ hires }}')
             + uri_task('Assign the licence', 'POST', '/users/{{ item.userPrincipalName }}/assignLicense',
                        {'addLicenses': [{'skuId': SKU_ID, 'disabledPlans': []}], 'removeLicenses': []}, (200,), '{{ hires }}'))
    groups = (PLAY_HEADER + TOKEN_TASK
              + uri_task('Add each user to each group', 'POST', '/groups/{{ item.1 }}/members/$ref', member, (204,),
                         '{{ user_ids | product(group_ids) | list }}'))
    calendars = (PLAY_HEADER + TOKEN_TASK
                 + uri_task('Create the welcome event', 'POST', '/users/{{ item.userPrincipalName }}/events', event, (201,), '{{ hires }}')
                 + uri_task('Share the calendar with the manager', 'POST', '/users/{{ item.userPrincipalName }}/calendar/calendarPermissions',
                            permission, (200,), '{{ hires }}'))
    return users, groups, calendars


def seed(bench):
    groups = [security_group(name) for name in GROUPS]
    seeded = bench.emulator.seed(users=[{'userPrincipalName': MANAGER, 'displayName': 'Megan Bowen'}], groups=groups)
    return [group['id'] for group in seeded['groups']]


def per_task(row):
    """``[(task, HTTP requests)]`` of the role's module tasks in one run (from each module's own stats)."""
    return [(entry['task'], entry['result']['stats']['http_requests']) for entry in row['run'].tasks
            if isinstance(entry['result'].get('stats'), dict) and entry['status'] != 'skipped']


def run(bench):
    people = hires()
    seed(bench)
    ours = bench.measure(NAME, 'onboarding role (apply)', ROLE_PLAY, {'hires': people})
    rerun = bench.measure(NAME, 'onboarding role (second run)', ROLE_PLAY, {'hires': people})
    changed = rerun['run'].recap.get('changed')
    bench.empty_directory()
    seed(bench)
    preview = bench.measure(NAME, 'onboarding role (check mode)', ROLE_PLAY, {'hires': people}, check=True)
    bench.empty_directory()
    print('\nOnboarding %d hires: HTTP requests per task of the role' % COUNT)
    for row in (ours, rerun, preview):
        print('  %s: %d in all' % (row['label'], row['http_requests']))
        for task, count in per_task(row):
            print('    %4d  %s' % (count, task))
    if not BASELINE:
        print('  %-34s %14s %10s %10s' % ('', 'HTTP requests', 'writes', 'wall s'))
        for row in (ours, rerun, preview):
            print('  %-34s %14d %10d %10.1f' % (row['label'], row['http_requests'], row['writes'], row['seconds']))
        print('  second run reported changed=%s' % changed)
        return
    group_ids = seed(bench)
    users_play, groups_play, calendars_play = baseline_plays()
    parts = [bench.measure(NAME, 'uri loop: users and licences', users_play, {'hires': people})]
    user_ids = [user['id'] for user in bench.emulator.objects('user') if user['userPrincipalName'] != MANAGER]
    parts.append(bench.measure(NAME, 'uri loop: group adds', groups_play, {'user_ids': user_ids, 'group_ids': group_ids}))
    parts.append(bench.measure(NAME, 'uri loop: events and permissions', calendars_play, {'hires': people}))
    baseline = dict((key, sum(part[key] for part in parts)) for key in ('http_requests', 'writes', 'seconds'))
    baseline['label'] = 'ansible.builtin.uri loop'
    bench.compare('Onboarding %d hires (licence, 3 groups, event, permission)' % COUNT, ours, baseline)
    for row in (rerun, preview):
        print('  %-34s %14d %10d %10.1f' % (row['label'], row['http_requests'], row['writes'], row['seconds']))
    print('  second run reported changed=%s' % changed)
