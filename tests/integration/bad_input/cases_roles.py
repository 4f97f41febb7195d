# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The onboarding and offboarding roles: a cohort with one bad hire (or leaver) is refused as a whole before the
first write, in check mode and for real, with a message naming the hire (or leaver) and the key.

Every onboarding case puts a good new hire first: it must not be created either. Input the role's argument
specification refuses (unknown keys, wrong types) is tested in test_roles.py and test_roles_onboarding.py; these cases are what the modules'
checks find.
"""

from __future__ import annotations

from . import Case
from .tenant import DEVICE_ID, PASSWORD, upn

BOTH = ('real', 'check')
GOOD_EVENT = {'subject': 'Welcome', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00', 'timezone': 'Romance Standard Time'}


def new_hire(name, **extra):
    """A new hire the tenant can take: the role would create it."""
    person = {'userPrincipalName': upn(name), 'displayName': name.title(), 'password': PASSWORD, 'usageLocation': 'DK'}
    person.update(extra)
    return person


def cohort(bad):
    """A good new hire, then the bad one."""
    return {'onboarding_users': [new_hire('good.hire', licenses=['SPE_E3'], groups=['Engineering'], welcome_event=GOOD_EVENT,
                                          calendar_permissions=[{'address': upn('megan'), 'role': 'read'}]), bad]}


def event(**changes):
    changed = dict(GOOD_EVENT)
    changed.update(changes)
    return changed


def onboarding(name, bad, expect, why=''):
    return Case('role-onboarding-%s' % name, 'role:onboarding', cohort(bad), expect, modes=BOTH, why=why)


def offboarding(name, args, expect, why=''):
    return Case('role-offboarding-%s' % name, 'role:offboarding', args, expect, modes=BOTH, why=why)


BOB = upn('bob')

CASES = [
    # groups
    onboarding('misspelt-group', new_hire('bob', groups=['Enginering']), "%s: groups[0]: group 'Enginering' was not found" % BOB,
               why='nothing in the run creates that group, so it is not waited for'),
    onboarding('groups-as-text', new_hire('bob', groups='Engineering, All staff'),
               "%s: groups: must be a list, got the text 'Engineering, All staff'" % BOB, why='Ansible would split it at commas'),
    onboarding('ambiguous-group', new_hire('bob', groups=['Twin']), ['%s: groups[0]' % BOB, 'Twin']),
    onboarding('dynamic-group', new_hire('bob', groups=['All users (dynamic)']),
               ['%s: groups[0]' % BOB, "group 'All users (dynamic)'", 'Graph cannot change its membership']),
    onboarding('distribution-list', new_hire('bob', groups=['Sales DL']), ['%s: groups[0]' % BOB, "'Sales DL'"]),
    onboarding('role-assignable-group', new_hire('bob', groups=['Engineering', 'Helpdesk admins']),
               "%s: groups[1]: 'Helpdesk admins' is a role-assignable group; changing its members needs RoleManagement.ReadWrite.Directory" % BOB,
               why='the emulator token lacks the permission; onboarding refuses rather than skips'),
    onboarding('device-as-group', new_hire('bob', groups=['device:%s' % DEVICE_ID]), ['%s: groups[0]' % BOB, 'device']),
    # the user itself
    onboarding('unknown-licence', new_hire('bob', licenses=['SPE_E5']), "%s: licenses: unknown SKU 'SPE_E5'" % BOB),
    onboarding('unknown-service-plan', new_hire('bob', licenses=[{'sku': 'SPE_E3', 'disabled_plans': ['NO_SUCH_PLAN']}]),
               ['%s: licenses' % BOB, "service plan 'NO_SUCH_PLAN' is not part of SPE_E3"]),
    onboarding('licence-without-usage-location', new_hire('bob', usageLocation=None, licenses=['SPE_E3']),
               ['%s: ' % BOB, 'usageLocation']),
    onboarding('province-with-a-lifecycle-value', new_hire('bob', state='absent'), ['%s: state' % BOB, 'use the mynster.msgraph.offboarding role'],
               why='issue 9: state is the province; a lifecycle value there is refused, never acted on'),
    onboarding('existing-hire-province-disabled', {'userPrincipalName': upn('adele'), 'state': 'disabled'},
               ['%s: state' % upn('adele'), 'use the mynster.msgraph.offboarding role']),
    onboarding('province-with-a-capitalised-lifecycle-value', new_hire('bob', state='Absent'), ['%s: state' % BOB, "'Absent'"],
               why='issue 21: the lifecycle-word guard ignores case'),
    onboarding('new-upn-with-percent', new_hire('b%ob'), ['%s: userPrincipalName' % upn('b%ob')]),
    onboarding('new-upn-unverified-domain', dict(new_hire('bob'), userPrincipalName='bob@fabrikam.example'),
               ['bob@fabrikam.example: userPrincipalName', 'verified']),
    onboarding('new-user-without-password', new_hire('bob', password=None), ['%s: ' % BOB, 'password']),
    onboarding('new-user-without-display-name', new_hire('bob', displayName=None), ['%s: ' % BOB, 'displayName']),
    onboarding('weak-password', new_hire('bob', password='bob12345'),
               ['Nothing was changed. Problems in onboarding_users: %s: password: uses 2 of the 4 kinds of character' % BOB,
                'Graph requires 8 to 256 characters'],
               why='issue 21: the preview passed, and the real run created and licensed the good hire, then stopped'),
    onboarding('display-name-300', new_hire('bob', displayName='B' * 300),
               "%s: displayName: is 300 characters long; Graph allows at most 256 in a user's displayName" % BOB),
    onboarding('unknown-manager', new_hire('bob', manager=upn('nobody')), ['%s: manager' % BOB, upn('nobody')],
               why='a manager nothing in the run creates is not waited for'),
    onboarding('business-phones-as-text', new_hire('bob', businessPhones='+45 33 12 34 56'), ['%s: businessPhones' % BOB, 'list']),
    onboarding('usage-location-a-name', new_hire('bob', usageLocation='Denmark'), ['%s: usageLocation' % BOB]),
    onboarding('hire-date-in-words', new_hire('bob', employeeHireDate='next monday'), ['%s: employeeHireDate' % BOB]),
    onboarding('hire-listed-twice', new_hire('good.hire'), [upn('good.hire'), 'twice']),
    # the welcome event and calendar permissions
    onboarding('event-tomorrow-9am', new_hire('bob', welcome_event=event(start='tomorrow 9am')),
               "%s: welcome_event.start: 'tomorrow 9am' is not a date and time" % BOB),
    onboarding('event-ends-before-it-starts', new_hire('bob', welcome_event=event(end='2026-03-02T08:00:00')),
               '%s: welcome_event.end: 2026-03-02T08:00:00 is not after the start' % BOB),
    onboarding('event-date-only', new_hire('bob', welcome_event=event(start='2026-03-02')), '%s: welcome_event.start' % BOB),
    onboarding('event-without-start', new_hire('bob', welcome_event={'subject': 'Welcome', 'end': '2026-03-02T10:00:00'}),
               '%s: welcome_event.start' % BOB),
    onboarding('event-misspelt-time-zone', new_hire('bob', welcome_event=event(timezone='Romance Standrd Time')),
               ['%s: welcome_event.timezone' % BOB, 'Romance Standard Time']),
    onboarding('event-attendees-as-text', new_hire('bob', welcome_event=event(attendees='megan@contoso.example, alex@contoso.example')),
               "%s: welcome_event.attendees: must be a list, got the text" % BOB),
    onboarding('permission-role-owner', new_hire('bob', calendar_permissions=[{'address': upn('megan'), 'role': 'owner'}]),
               "%s: calendar_permissions[0].role: 'owner' is not one of" % BOB),
    onboarding('permission-without-address', new_hire('bob', calendar_permissions=[{'role': 'read'}]),
               '%s: calendar_permissions[0].address' % BOB),
    onboarding('permission-for-the-hire-itself', new_hire('bob', calendar_permissions=[{'address': BOB, 'role': 'read'}]),
               '%s: calendar_permissions[0]' % BOB),
    onboarding('permission-listed-twice',
               new_hire('bob', calendar_permissions=[{'address': upn('megan'), 'role': 'read'}, {'address': upn('MEGAN'), 'role': 'write'}]),
               '%s: calendar_permissions[1]' % BOB),
    # offboarding
    offboarding('unknown-leaver', {'offboarding_users': [upn('alex'), upn('nobody')]},
                'Nothing was changed. These leavers were not found: %s' % upn('nobody'), why='alex must not be disabled either'),
    offboarding('unknown-object-id', {'offboarding_users': ['6e7b768e-07e2-4810-8459-485f84f8f204']},
                'These leavers were not found: 6e7b768e-07e2-4810-8459-485f84f8f204'),
    offboarding('leaver-as-dict', {'offboarding_users': [{'userPrincipalName': upn('alex')}]},
                ['Nothing was changed: offboarding_users[0]', 'is neither a userPrincipalName nor an object id']),
    offboarding('leaver-without-domain', {'offboarding_users': ['alex']},
                "Nothing was changed: offboarding_users[0]: 'alex' is neither a userPrincipalName nor an object id"),
    offboarding('leavers-as-text', {'offboarding_users': '%s, %s' % (upn('alex'), upn('adele'))}, ['offboarding_users', 'text']),
    Case('role-onboarding-replication-timeout-out-of-range', 'role:onboarding', dict(cohort(new_hire('bob')), onboarding_replication_timeout=-1),
         'Nothing was changed. onboarding_replication_timeout: must be at least 0', modes=BOTH,
         why='named by the role variable the user set, not the module option, and before the first write'),
    Case('role-onboarding-mailbox-timeout-out-of-range', 'role:onboarding', dict(cohort(new_hire('bob')), onboarding_mailbox_timeout=7200),
         'Nothing was changed. onboarding_mailbox_timeout: must be at least 0 and at most 3600, got 7200', modes=BOTH),
    offboarding('mailbox-choice-unknown', {'offboarding_users': [upn('alex')], 'offboarding_mailbox': 'archive'},
                ['offboarding_mailbox', 'keep, release']),
    offboarding('synced-choice-unknown', {'offboarding_users': [upn('alex')], 'offboarding_synced': 'ignore'},
                ['offboarding_synced', 'warn, fail']),
    offboarding('auto_reply-blank', {'offboarding_users': [upn('alex')], 'offboarding_auto_reply': '  '},
                'Nothing was changed: offboarding_auto_reply: is empty; give the message'),
    offboarding('auto_reply-list', {'offboarding_users': [upn('alex')], 'offboarding_auto_reply': ['Gone']},
                'Nothing was changed: offboarding_auto_reply: must be the message (text) or a dict with message'),
    offboarding('auto_reply-misspelt-key', {'offboarding_users': [upn('alex')], 'offboarding_auto_reply': {'mesage': 'Gone'}},
                ["offboarding_auto_reply: unsupported key 'mesage' (did you mean 'message'?)", 'offboarding_auto_reply.message: is empty']),
    offboarding('auto_reply-audience-unknown', {'offboarding_users': [upn('alex')],
                                                'offboarding_auto_reply': {'message': 'Gone', 'external_audience': 'everyone'}},
                "Nothing was changed: offboarding_auto_reply.external_audience: 'everyone' is not one of none, contactsOnly, all"),
    offboarding('auto_reply-external-message-dict', {'offboarding_users': [upn('alex')],
                                                     'offboarding_auto_reply': {'message': 'Gone', 'external_message': {'text': 'x'}}},
                'offboarding_auto_reply.external_message: must be the message as text'),
    offboarding('too-many-removals', {'offboarding_users': [upn('adele'), upn('alex')], 'offboarding_max_group_removals': 1},
                ['Nothing was changed: offboarding_max_group_removals: this run would remove', 'more than the 1 it allows', upn('adele')],
                why='the guard stops the run before any account is disabled'),
]
