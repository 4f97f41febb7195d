# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_calendar through ansible-playbook against the emulator over HTTPS.

Every workflow goes check mode (no write) -> apply (the emulator's mailboxes hold the wanted events and permissions)
-> re-run (``changed: false`` and no write). Waiting for new mailboxes is asserted on results and statistics, never on time.
"""

from __future__ import annotations

import hashlib
import json

DOMAIN = 'contoso.example'
PASSWORD = 'Welcome-2026!'
DEFAULT_ENTRY = 'My Organization'


def upn(name):
    return '%s@%s' % (name, DOMAIN)


def play(*tasks):
    return '- hosts: localhost\n  gather_facts: false\n  tasks:\n' + ''.join(tasks)


def task(name, module='graph_calendar', ignore_errors=False, **args):
    """One task with its arguments as JSON (which YAML reads as is)."""
    text = '    - name: %s\n      mynster.msgraph.%s:\n' % (name, module)
    text += ''.join('        %s: %s\n' % (key, json.dumps(value)) for key, value in args.items())
    if ignore_errors:
        text += '      ignore_errors: true\n'
    return text


def calendar(name, events=None, permissions=None, mailbox=None):
    item = {'mailbox': mailbox or upn(name)}
    if events is not None:
        item['events'] = events
    if permissions is not None:
        item['permissions'] = permissions
    return item


def event(subject, start='2026-03-02T09:00:00', end='2026-03-02T10:00:00', **extra):
    return dict({'subject': subject, 'start': start, 'end': end}, **extra)


def old_role_key(mailbox, subject):
    """The transactionId the onboarding role's filters derived (kept so tenants onboarded by it get no duplicates)."""
    return 'onboarding-' + hashlib.sha256(('%s\n%s' % (mailbox.strip().lower(), subject.strip())).encode()).hexdigest()[:32]


def seed(emulator, *names, **extra_users):
    users = [{'userPrincipalName': upn(name), 'displayName': name.title()} for name in names]
    users += [dict({'userPrincipalName': key}, **value) for key, value in extra_users.items()]
    seeded = emulator.seed(users=users)
    emulator.reset_stats()
    return dict((u['userPrincipalName'], u['id']) for u in seeded['users'])


class Mailboxes:
    """Events and permissions the emulator holds, by owner UPN (lower case)."""

    def __init__(self, emulator):
        objects = emulator.dump()['objects']
        names = dict((u['id'], u['userPrincipalName'].lower()) for u in objects.get('user', []))
        self.events = {}
        for item in objects.get('event', []):
            self.events.setdefault(names.get(item['_mailbox'], item['_mailbox']), []).append(item)
        self.permissions = {}
        for entry in objects.get('calendarPermission', []):
            email = entry['emailAddress']
            label = email.get('address', email.get('name'))
            self.permissions.setdefault(names.get(entry['_mailbox'], entry['_mailbox']), {})[label.lower()] = entry['role']

    def subjects(self, mailbox):
        return sorted(e['subject'] for e in self.events.get(mailbox.lower(), []))


def writes(emulator):
    return emulator.stats()['writes']


# ----- check mode -> apply -> re-run --------------------------------------------------------------


def test_preview_apply_and_rerun(emulator, playbook):
    seed(emulator, 'adele', 'alex', 'megan', 'lynne')
    calendars = [
        calendar('adele', events=[event('Welcome, Adele', body='<b>Hi</b>', body_type='html', timezone='Romance Standard Time',
                                        location='Room 12', attendees=[upn('megan'), {'address': upn('lynne'), 'type': 'optional'}],
                                        categories=['Onboarding'], show_as='tentative', reminder_minutes=30),
                                  event('Laptop pick-up', start='2026-03-02 13:00', end='2026-03-02 13:30', timezone='europe/copenhagen')],
                 permissions=[{'address': upn('megan'), 'role': 'read'}, {'address': upn('Lynne'), 'role': 'freeBusyRead', 'name': 'Lynne'}]),
        calendar('alex', events=[event('Welcome, Alex')], permissions=[{'address': upn('megan'), 'role': 'write'}]),
    ]
    preview = playbook(play(task('Calendars', calendars=calendars)), check=True, diff=True)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0
    result = preview.result('Calendars')
    assert result['changed'] is True and result['pending_mailboxes'] == [] and result['failed_items'] == []
    adele = result['calendars'][0]
    assert adele['mailbox'] == upn('adele') and adele['status'] == 'ok' and adele['found'] is True and adele['changed'] is True
    assert [e['subject'] for e in adele['events']['created']] == ['Welcome, Adele', 'Laptop pick-up']
    assert adele['events']['created'][1]['timezone'] == 'Europe/Copenhagen' and adele['events']['created'][1]['start'] == '2026-03-02T13:00:00'
    assert adele['events']['created'][0]['transactionId'] == old_role_key(upn('adele'), 'Welcome, Adele')
    assert adele['events']['created'][0]['id'] is None
    assert adele['permissions']['granted'] == [{'address': upn('megan'), 'role': 'read'}, {'address': upn('Lynne'), 'role': 'freeBusyRead'}]
    assert result['diff']['before'][upn('adele')] == {'events': [], 'permissions': {DEFAULT_ENTRY: 'freeBusyRead'}}
    assert result['diff']['after'][upn('adele')]['events'] == ['Laptop pick-up', 'Welcome, Adele']
    assert '+' in preview.stdout and 'Welcome, Adele' in preview.stdout

    run = playbook(play(task('Calendars', calendars=calendars)))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert result['changed'] is True and result['failed_items'] == []
    assert all(e['id'] for c in result['calendars'] for e in c['events']['created'])
    state = Mailboxes(emulator)
    assert state.subjects(upn('adele')) == ['Laptop pick-up', 'Welcome, Adele'] and state.subjects(upn('alex')) == ['Welcome, Alex']
    welcome = [e for e in state.events[upn('adele')] if e['subject'] == 'Welcome, Adele'][0]
    assert welcome['start'] == {'dateTime': '2026-03-02T09:00:00.0000000', 'timeZone': 'Romance Standard Time'}
    assert welcome['body'] == {'contentType': 'html', 'content': '<b>Hi</b>'} and welcome['location']['displayName'] == 'Room 12'
    assert [(a['emailAddress']['address'], a['type']) for a in welcome['attendees']] == [(upn('megan'), 'required'), (upn('lynne'), 'optional')]
    assert welcome['showAs'] == 'tentative' and welcome['reminderMinutesBeforeStart'] == 30 and welcome['categories'] == ['Onboarding']
    assert state.permissions[upn('adele')] == {upn('megan'): 'read', upn('lynne'): 'freeBusyRead', DEFAULT_ENTRY.lower(): 'freeBusyRead'}
    assert state.permissions[upn('alex')][upn('megan')] == 'write'

    emulator.reset_stats()
    again = playbook(play(task('Calendars', calendars=calendars)))
    assert again.rc == 0, again
    result = again.result('Calendars')
    assert result['changed'] is False and writes(emulator) == 0
    assert [e['subject'] for e in result['calendars'][0]['events']['existing']] == ['Welcome, Adele', 'Laptop pick-up']
    assert result['calendars'][0]['permissions']['unchanged'] == [{'address': upn('megan'), 'role': 'read'},
                                                                  {'address': upn('Lynne'), 'role': 'freeBusyRead'}]
    assert 'changed=0' in again.stdout


def test_role_change_and_exact_permissions(emulator, playbook):
    seed(emulator, 'adele', 'megan', 'alex', 'lynne')
    first = [calendar('adele', permissions=[{'address': upn(n), 'role': 'read'} for n in ('megan', 'alex', 'lynne')])]
    assert playbook(play(task('Share', calendars=first))).rc == 0
    emulator.reset_stats()
    wanted = [calendar('adele', permissions=[{'address': upn('MEGAN'), 'role': 'write'}, {'address': upn('alex'), 'role': 'read'}])]

    present = playbook(play(task('Present', calendars=wanted)), check=True)
    permissions = present.result('Present')['calendars'][0]['permissions']
    assert permissions['updated'] == [{'address': upn('MEGAN'), 'role': 'write', 'previous_role': 'read'}] and permissions['removed'] == []

    preview = playbook(play(task('Exact', calendars=wanted, permissions_state='exact')), check=True, diff=True)
    assert preview.rc == 0, preview
    result = preview.result('Exact')
    assert result['calendars'][0]['permissions']['removed'] == [{'address': upn('lynne'), 'role': 'read'}]
    assert result['diff']['after'][upn('adele')]['permissions'] == {DEFAULT_ENTRY: 'freeBusyRead', upn('megan'): 'write', upn('alex'): 'read'}
    assert writes(emulator) == 0

    run = playbook(play(task('Exact', calendars=wanted, permissions_state='exact')))
    assert run.rc == 0, run
    assert Mailboxes(emulator).permissions[upn('adele')] == {DEFAULT_ENTRY.lower(): 'freeBusyRead', upn('megan'): 'write', upn('alex'): 'read'}
    emulator.reset_stats()
    again = playbook(play(task('Exact', calendars=wanted, permissions_state='exact')))
    assert again.result('Exact')['changed'] is False and writes(emulator) == 0

    # An empty list under exact removes every removable permission, never the default entry.
    empty = playbook(play(task('Nobody', calendars=[calendar('adele', permissions=[])], permissions_state='exact')))
    assert empty.rc == 0, empty
    assert Mailboxes(emulator).permissions[upn('adele')] == {DEFAULT_ENTRY.lower(): 'freeBusyRead'}


def test_events_of_the_old_onboarding_role_are_recognised(emulator, playbook):
    """A welcome event the role created with graph_batch (same derived transactionId) is not created again."""
    seed(emulator, 'adele')
    old = playbook(play(task('Old role', module='graph_batch', requests=[{
        'method': 'POST', 'url': '/users/%s/events' % upn('adele'),
        'body': {'subject': 'Welcome, Adele', 'start': {'dateTime': '2026-03-02T09:00:00', 'timeZone': 'UTC'},
                 'end': {'dateTime': '2026-03-02T10:00:00', 'timeZone': 'UTC'}, 'transactionId': old_role_key(upn('Adele'), 'Welcome, Adele')}}])))
    assert old.rc == 0, old
    emulator.reset_stats()
    run = playbook(play(task('Calendars', calendars=[calendar('adele', events=[event(' Welcome, Adele ')], mailbox=upn('Adele'))])))
    assert run.rc == 0, run
    assert run.result('Calendars')['changed'] is False and writes(emulator) == 0
    assert len(Mailboxes(emulator).events[upn('adele')]) == 1


def test_more_than_a_page_of_events_with_the_same_subject(emulator, playbook):
    """Outlook pages events 10 at a time; the task's own event is found behind other events with the same subject."""
    seed(emulator, 'adele')
    requests = [{'method': 'POST', 'url': '/users/%s/events' % upn('adele'),
                 'body': {'subject': 'Standup', 'start': {'dateTime': '2026-03-%02dT09:00:00' % (n + 1), 'timeZone': 'UTC'},
                          'end': {'dateTime': '2026-03-%02dT09:15:00' % (n + 1), 'timeZone': 'UTC'}}} for n in range(25)]
    requests.append({'method': 'POST', 'url': '/users/%s/events' % upn('adele'),
                     'body': {'subject': 'Standup', 'start': {'dateTime': '2026-04-01T09:00:00', 'timeZone': 'UTC'},
                              'end': {'dateTime': '2026-04-01T09:15:00', 'timeZone': 'UTC'}, 'transactionId': old_role_key(upn('adele'), 'Standup')}})
    assert playbook(play(task('Fill', module='graph_batch', requests=requests))).rc == 0
    emulator.reset_stats()
    run = playbook(play(task('Calendars', calendars=[calendar('adele', events=[event('Standup', start='2026-04-01T09:00:00',
                                                                                     end='2026-04-01T09:15:00')])])))
    assert run.rc == 0, run
    assert run.result('Calendars')['changed'] is False and writes(emulator) == 0


def test_mailboxes_by_object_id_and_unusual_upns(emulator, playbook):
    ids = seed(emulator, 'megan', **{'$adm@contoso.example': {'displayName': 'Admin'}, "o'neil@contoso.example": {'displayName': "O'Neil"}})
    calendars = [calendar(None, mailbox='$adm@contoso.example', events=[event('Welcome')], permissions=[{'address': upn('megan'), 'role': 'read'}]),
                 calendar(None, mailbox="o'neil@contoso.example", events=[event('Welcome')]),
                 calendar(None, mailbox=ids[upn('megan')], events=[event('Welcome')])]
    run = playbook(play(task('Calendars', calendars=calendars)))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert [c['status'] for c in result['calendars']] == ['ok'] * 3
    keys = [c['events']['created'][0]['transactionId'] for c in result['calendars']]
    assert keys == [old_role_key('$adm@contoso.example', 'Welcome'), old_role_key("o'neil@contoso.example", 'Welcome'),
                    old_role_key(ids[upn('megan')], 'Welcome')]
    state = Mailboxes(emulator)
    assert state.subjects('$adm@contoso.example') == ['Welcome'] and state.subjects("o'neil@contoso.example") == ['Welcome']
    assert state.subjects(upn('megan')) == ['Welcome'] and state.permissions['$adm@contoso.example'][upn('megan')] == 'read'
    emulator.reset_stats()
    again = playbook(play(task('Calendars', calendars=calendars)))
    assert again.result('Calendars')['changed'] is False and writes(emulator) == 0


# ----- failures -----------------------------------------------------------------------------------


def test_graph_refusals_are_reported_per_item(emulator, playbook):
    """An outside address cannot get write access: that grant fails, everything else is written."""
    seed(emulator, 'adele', 'megan')
    calendars = [calendar('adele', events=[event('Welcome')], permissions=[{'address': 'partner@fabrikam.example', 'role': 'write'},
                                                                           {'address': upn('megan'), 'role': 'read'}])]
    run = playbook(play(task('Calendars', calendars=calendars)))
    assert run.rc != 0
    result = run.result('Calendars')
    assert run.failed('Calendars') and result['changed'] is True
    (failure,) = result['failed_items']
    assert failure['item'] == 'calendars[0].permissions[0]' and failure['action'] == 'grant' and failure['status'] == 400
    assert failure['address'] == 'partner@fabrikam.example' and failure['mailbox'] == upn('adele')
    assert 'calendars[0].permissions[0] partner@fabrikam.example: grant: 400 ErrorInvalidRequest' in result['msg']
    assert result['calendars'][0]['status'] == 'failed'
    state = Mailboxes(emulator)
    assert state.subjects(upn('adele')) == ['Welcome'] and state.permissions[upn('adele')][upn('megan')] == 'read'

    lenient = playbook(play(task('Calendars', calendars=calendars, fail_on_error=False)))
    assert lenient.rc == 0, lenient
    assert lenient.result('Calendars')['failed_items'][0]['action'] == 'grant'
    assert 'calendars[0].permissions[0] partner@fabrikam.example: grant: 400' in lenient.stdout + lenient.stderr


def test_a_missing_mailbox_not_listed_as_new_fails_at_once(emulator, playbook):
    seed(emulator, 'adele', **{upn('unlicensed'): {'displayName': 'No Exchange', 'mailbox': False}})
    calendars = [calendar('adele', events=[event('Welcome')]), calendar('ghost', events=[event('Welcome')]),
                 calendar('unlicensed', events=[event('Welcome')])]
    run = playbook(play(task('Calendars', calendars=calendars, new_mailboxes=[upn('someone-else')], mailbox_timeout=600)))
    assert run.rc != 0
    result = run.result('Calendars')
    assert result['msg'].startswith('Nothing was changed: 2 problem(s) in calendars')
    assert "calendars[1].mailbox: 'ghost@contoso.example' was not found" in result['msg']
    assert "calendars[2].mailbox: 'unlicensed@contoso.example' has no mailbox (Outlook answered MailboxNotEnabledForRESTAPI" in result['msg']
    assert 'list it in new_mailboxes' in result['msg']
    assert [f['item'] for f in result['failed_items']] == ['calendars[1].mailbox', 'calendars[2].mailbox']
    assert result['stats']['mailbox_polls'] == 0 and result['stats']['mailboxes_waited_for'] == 0
    assert result['stats']['batches'] == 1 and result['stats']['replication_retries'] == 0
    assert writes(emulator) == 0


# ----- new mailboxes ------------------------------------------------------------------------------

LICENSED = {'password': PASSWORD, 'usageLocation': 'DK', 'licenses': ['ENTERPRISEPACK']}


def test_a_new_mailbox_is_waited_for_while_the_others_are_written(emulator, playbook):
    """The hire is created and licensed by the play's first task; the user replicates, then the mailbox is provisioned
    some seconds later. Its calendar is written once it is there; the existing mailbox does not wait for it."""
    seed(emulator, 'adele', 'megan')
    # long enough that a loaded machine's gap between the two tasks (seconds on CI's 2 cores) does not outlast it
    emulator.configure(replication_delay_ms=1000, mailbox_provisioning_delay_ms=15000)
    hire = dict(LICENSED, userPrincipalName=upn('nestor'), displayName='Nestor')
    calendars = [calendar('nestor', events=[event('Welcome, Nestor')], permissions=[{'address': upn('megan'), 'role': 'read'}]),
                 calendar('adele', events=[event('Welcome, Adele')])]
    run = playbook(play(task('Hire', module='graph_user_bulk', users=[hire]),
                        task('Calendars', calendars=calendars, new_mailboxes=[upn('NESTOR'), upn('not-in-calendars')])))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert result['pending_mailboxes'] == [] and result['failed_items'] == []
    nestor, adele = result['calendars']
    assert nestor['new_mailbox'] is True and nestor['found'] is True and nestor['status'] == 'ok'
    assert [e['subject'] for e in nestor['events']['created']] == ['Welcome, Nestor']
    assert adele['new_mailbox'] is False and [e['subject'] for e in adele['events']['created']] == ['Welcome, Adele']
    assert result['stats']['mailboxes_waited_for'] == 1 and result['stats']['mailbox_polls'] >= 1
    state = Mailboxes(emulator)
    assert state.subjects(upn('nestor')) == ['Welcome, Nestor'] and state.permissions[upn('nestor')][upn('megan')] == 'read'
    emulator.reset_stats()
    again = playbook(play(task('Calendars', calendars=calendars, new_mailboxes=[upn('nestor')])))
    assert again.result('Calendars')['changed'] is False and writes(emulator) == 0


def test_a_new_mailbox_is_planned_as_empty_in_check_mode(emulator, playbook):
    # licensed, and Exchange has not provisioned the mailbox yet
    seed(emulator, 'adele', **{upn('nestor'): {'displayName': 'Nestor', 'mailbox': False, 'assignedLicenses': [{'skuPartNumber': 'ENTERPRISEPACK'}]}})
    calendars = [calendar('nestor', events=[event('Welcome, Nestor')], permissions=[{'address': upn('adele'), 'role': 'read'}]),
                 calendar('lynne', events=[event('Welcome, Lynne')])]  # not created yet either
    run = playbook(play(task('Calendars', calendars=calendars, new_mailboxes=[upn('nestor'), upn('lynne')])), check=True)
    assert run.rc == 0, run
    result = run.result('Calendars')
    nestor, lynne = result['calendars']
    assert nestor['found'] is False and nestor['status'] == 'ok' and result['changed'] is True and lynne['found'] is False
    assert [e['subject'] for e in nestor['events']['created']] == ['Welcome, Nestor']
    assert nestor['permissions']['granted'] == [{'address': upn('adele'), 'role': 'read'}]
    assert result['stats']['mailbox_polls'] == 0 and result['stats']['mailboxes_waited_for'] == 2 and writes(emulator) == 0


def test_pending_at_the_timeout_is_named_and_a_rerun_completes_it(emulator, playbook):
    """Nestor is created with an Exchange licence, but Exchange takes longer than the task's timeout to provision his
    mailbox: it is pending, adele's calendar is written. A re-run while it is still being provisioned waits for it and
    completes him."""
    seed(emulator, 'adele')
    emulator.configure(mailbox_provisioning_delay_ms=20000)
    hire = task('Hire', module='graph_user_bulk', users=[dict(LICENSED, userPrincipalName=upn('nestor'), displayName='Nestor')])
    calendars = [calendar('nestor', events=[event('Welcome, Nestor')]), calendar('adele', events=[event('Welcome, Adele')])]
    run = playbook(play(hire, task('Calendars', calendars=calendars, new_mailboxes=[upn('nestor')], mailbox_timeout=3)))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert result['pending_mailboxes'] == [upn('nestor')] and result['changed'] is True and result['failed_items'] == []
    assert result['skipped_mailboxes'] == []
    assert result['calendars'][0]['status'] == 'pending' and result['calendars'][0]['events']['created'] == []
    assert result['calendars'][1]['status'] == 'ok'
    assert result['stats']['mailbox_polls'] >= 1
    warnings = ' '.join(result['warnings'])
    assert 'nestor@contoso.example' in warnings and 'Run the task again later' in warnings
    assert Mailboxes(emulator).subjects(upn('nestor')) == []

    again = playbook(play(task('Calendars', calendars=calendars, new_mailboxes=[upn('nestor')], mailbox_timeout=120)))
    assert again.rc == 0, again
    result = again.result('Calendars')
    assert result['pending_mailboxes'] == [] and [e['subject'] for e in result['calendars'][0]['events']['created']] == ['Welcome, Nestor']
    assert result['calendars'][1]['events']['created'] == []
    assert Mailboxes(emulator).subjects(upn('nestor')) == ['Welcome, Nestor']


def test_a_mailbox_no_licence_brings_is_skipped_at_once_with_the_reason(emulator, playbook):
    """Nestor holds only EMS (no Exchange Online plan) and Lynne no licence: no mailbox will come for either, so neither is
    waited for, and adele's calendar is written."""
    seed(emulator, 'adele', **{upn('nestor'): {'displayName': 'Nestor', 'mailbox': False, 'assignedLicenses': [{'skuPartNumber': 'EMS'}]},
                               upn('lynne'): {'displayName': 'Lynne', 'mailbox': False}})
    calendars = [calendar('nestor', events=[event('Welcome, Nestor')]), calendar('lynne', events=[event('Welcome, Lynne')]),
                 calendar('adele', events=[event('Welcome, Adele')])]
    run = playbook(play(task('Calendars', calendars=calendars, new_mailboxes=[upn('nestor'), upn('lynne')], mailbox_timeout=600)))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert [entry['mailbox'] for entry in result['skipped_mailboxes']] == [upn('nestor'), upn('lynne')]
    nestor, lynne = (entry['reason'] for entry in result['skipped_mailboxes'])
    assert nestor.startswith('no mailbox is coming: its licences (EMS) include no Exchange Online plan') and 'run the task again' in nestor
    assert lynne.startswith('no mailbox is coming: it holds no licence')
    assert [c['status'] for c in result['calendars']] == ['skipped', 'skipped', 'ok'] and result['calendars'][0]['reason'] == nestor
    assert result['pending_mailboxes'] == [] and result['stats']['mailbox_polls'] == 0 and result['failed_items'] == []
    assert sum(upn('nestor') in warning and 'skipped' in warning for warning in result['warnings']) == 1
    state = Mailboxes(emulator)
    assert state.subjects(upn('adele')) == ['Welcome, Adele'] and state.subjects(upn('nestor')) == [] and state.subjects(upn('lynne')) == []


def test_no_waiting_with_a_zero_timeout(emulator, playbook):
    seed(emulator, 'adele')
    calendars = [calendar('nestor', events=[event('Welcome, Nestor')])]
    run = playbook(play(task('Calendars', calendars=calendars, new_mailboxes=[upn('nestor')], mailbox_timeout=0)))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert result['pending_mailboxes'] == [upn('nestor')] and result['stats']['mailbox_polls'] == 0 and result['changed'] is False


HIRES = 200


def test_a_preview_of_hires_not_created_yet_reads_no_mailbox_and_the_real_run_creates_everything(emulator, playbook):
    """The onboarding preview: every calendar belongs to a hire not created yet. The users behind new_mailboxes are
    looked up in one batch of ``in`` queries (15 names each), and no mailbox is read; the real run, after the hires
    are created and licensed, waits for their mailboxes and writes every calendar."""
    seed(emulator, 'megan')
    names = ['hire%03d' % n for n in range(HIRES)]
    calendars = [calendar(name, events=[event('Welcome, %s' % name)], permissions=[{'address': upn('megan'), 'role': 'read'}])
                 for name in names]
    calendar_task = task('Calendars', calendars=calendars, new_mailboxes=[upn(name) for name in names])
    preview = playbook(play(calendar_task), check=True)
    assert preview.rc == 0, preview
    stats = emulator.stats()
    assert stats['http_requests'] <= 3 and stats['writes'] == 0, stats
    # the lookups only, no mailbox read: the users behind new_mailboxes, and the sharee check (the tenant's domains, then
    # megan's address looked up as a user's mail and userPrincipalName and as a group's mail)
    assert stats['inner_requests'] == -(-HIRES // 15) + 4, stats
    result = preview.result('Calendars')
    assert result['changed'] is True and result['failed_items'] == [] and result['pending_mailboxes'] == []
    assert result['stats']['mailboxes_waited_for'] == HIRES and result['stats']['mailbox_polls'] == 0
    assert result['stats']['http_requests'] == stats['http_requests']
    assert all(c['found'] is False and c['status'] == 'ok' and len(c['events']['created']) == 1
               and c['permissions']['granted'] == [{'address': upn('megan'), 'role': 'read'}] for c in result['calendars'])

    # A real run before the users exist, not waiting: the lookup alone, and every mailbox is pending.
    emulator.reset_stats()
    early = playbook(play(task('Calendars', calendars=calendars, new_mailboxes=[upn(name) for name in names], mailbox_timeout=0)))
    assert early.rc == 0, early
    assert emulator.stats()['inner_requests'] == -(-HIRES // 15) + 4 and writes(emulator) == 0
    assert len(early.result('Calendars')['pending_mailboxes']) == HIRES

    # The real run: the hires are created and licensed by the play's first task; users replicate, mailboxes follow.
    emulator.configure(replication_delay_ms=1000, mailbox_provisioning_delay_ms=3000)
    hires = [dict(LICENSED, userPrincipalName=upn(name), displayName=name.title()) for name in names]
    run = playbook(play(task('Hire', module='graph_user_bulk', users=hires), calendar_task))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert result['pending_mailboxes'] == [] and result['failed_items'] == []
    assert all(c['found'] is True and c['status'] == 'ok' and len(c['events']['created']) == 1 for c in result['calendars'])
    state = Mailboxes(emulator)
    assert all(state.subjects(upn(name)) == ['Welcome, %s' % name] and state.permissions[upn(name)][upn('megan')] == 'read' for name in names)
    emulator.reset_stats()
    again = playbook(play(calendar_task))
    assert again.rc == 0, again
    assert again.result('Calendars')['changed'] is False and writes(emulator) == 0

# ----- Outlook's limits ---------------------------------------------------------------------------


def test_a_hundred_events_for_one_mailbox_stay_within_outlooks_concurrency(emulator, playbook):
    """Outlook allows 4 concurrent requests per app and mailbox; 100 events for one mailbox beside 20 other mailboxes
    are each created once, with at most a few MailboxConcurrency 429s."""
    others = ['user%02d' % n for n in range(20)]
    seed(emulator, 'adele', *others)
    emulator.configure(outlook_throttling=True)
    calendars = [calendar('adele', events=[event('Session %03d' % n) for n in range(100)])]
    calendars += [calendar(name, events=[event('Welcome')]) for name in others]
    run = playbook(play(task('Calendars', calendars=calendars)))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert result['failed_items'] == [] and len(result['calendars'][0]['events']['created']) == 100
    state = Mailboxes(emulator)
    assert state.subjects(upn('adele')) == ['Session %03d' % n for n in range(100)]
    assert all(state.subjects(upn(name)) == ['Welcome'] for name in others)
    stats = emulator.stats()
    assert stats['throttled_by_kind'].get('mailbox_concurrency', 0) <= 5, stats


def test_yaml_timestamps(emulator, playbook):
    """Unquoted YAML timestamps arrive as date-times; a YAML date alone is refused before anything is written."""
    seed(emulator, 'adele')
    text = """- hosts: localhost
  gather_facts: false
  tasks:
    - name: Timestamps
      mynster.msgraph.graph_calendar:
        calendars:
          - mailbox: adele@contoso.example
            events:
              - subject: Spaced
                start: 2026-03-02 09:00:00
                end: 2026-03-02T10:30:00
                timezone: W. Europe Standard Time
              - subject: Zulu
                start: 2026-03-03T09:00:00Z
                end: 2026-03-03T09:30:00Z
    - name: Date only
      mynster.msgraph.graph_calendar:
        calendars:
          - mailbox: adele@contoso.example
            events:
              - subject: Day
                start: 2026-03-04
                end: 2026-03-05
      ignore_errors: true
"""
    run = playbook(text)
    assert run.rc == 0, run
    created = run.result('Timestamps')['calendars'][0]['events']['created']
    assert [(e['start'], e['end'], e['timezone']) for e in created] == [('2026-03-02T09:00:00', '2026-03-02T10:30:00', 'W. Europe Standard Time'),
                                                                        ('2026-03-03T09:00:00', '2026-03-03T09:30:00', 'UTC')]
    refused = run.result('Date only')
    assert run.failed('Date only')
    assert 'calendars[0].events[0].start: ' in refused['msg'] and '2026-03-04' in refused['msg'], refused['msg']
    assert 'is a date without a time of day; give both, like 2026-03-04T09:00:00' in refused['msg'], refused['msg']
    assert Mailboxes(emulator).subjects(upn('adele')) == ['Spaced', 'Zulu']


def test_lost_answers_make_no_duplicate_and_lose_no_write(emulator, playbook):
    """Batches answered 504 after their writes ran, or whose connection dropped, are sent again: events are not
    duplicated (transactionId), and a grant that clashes with itself (409) is settled by reading the permissions."""
    names = ['user%02d' % n for n in range(20)]
    seed(emulator, 'megan', *names)
    emulator.configure(outer_504_rate=0.15, outer_drop_rate=0.05)
    calendars = [calendar(name, events=[event('Welcome'), event('Lunch', start='2026-03-02T12:00:00', end='2026-03-02T13:00:00')],
                          permissions=[{'address': upn('megan'), 'role': 'read'}]) for name in names]
    run = playbook(play(task('Calendars', calendars=calendars, max_retries=10)))
    assert run.rc == 0, run
    result = run.result('Calendars')
    assert result['failed_items'] == []
    assert all(len(c['events']['created']) == 2 and c['permissions']['granted'] == [{'address': upn('megan'), 'role': 'read'}]
               for c in result['calendars'])
    state = Mailboxes(emulator)
    assert all(state.subjects(upn(name)) == ['Lunch', 'Welcome'] and state.permissions[upn(name)][upn('megan')] == 'read' for name in names)
    emulator.configure(outer_504_rate=0.0, outer_drop_rate=0.0)
    emulator.reset_stats()
    again = playbook(play(task('Calendars', calendars=calendars)))
    assert again.result('Calendars')['changed'] is False and writes(emulator) == 0


# ----- automatic replies --------------------------------------------------------------------------


def auto_replies(emulator):
    """Each mailbox's automaticRepliesSetting as the emulator holds it (only mailboxes whose settings were written)."""
    objects = emulator.dump()['objects']
    names = dict((u['id'], u['userPrincipalName'].lower()) for u in objects.get('user', []))
    return dict((names.get(s['_mailbox'], s['_mailbox']), s['automaticRepliesSetting']) for s in objects.get('mailboxSettings', []))


GONE = 'Adele has left Contoso. Please write to sales@contoso.example.'
GONE_OUTSIDE = 'Adele no longer works at Contoso.\nPlease write to sales@contoso.example.'


def test_automatic_replies_check_apply_rerun_and_skipped_mailbox(emulator, playbook):
    seed(emulator, 'adele', 'megan', **{upn('frontline'): {'displayName': 'Frontline', 'mailbox': False}})
    calendars = [calendar('adele'), calendar('megan'), calendar('frontline')]
    calendars[0]['automatic_replies'] = {'internal_message': GONE, 'external_message': GONE_OUTSIDE, 'external_audience': 'contactsOnly'}
    calendars[1]['automatic_replies'] = {'state': 'disabled'}
    calendars[2]['automatic_replies'] = {'internal_message': GONE}
    replies = play(task('Replies', calendars=calendars, missing_mailboxes='skip'))

    preview = playbook(replies, check=True, diff=True)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0 and auto_replies(emulator) == {}
    result = preview.result('Replies')
    adele, megan, frontline = result['calendars']
    assert result['changed'] is True and result['failed_items'] == []
    assert adele['automatic_replies'] == {
        'outcome': 'set', 'state': 'enabled', 'status': 'alwaysEnabled', 'external_audience': 'contactsOnly', 'internal_message': GONE,
        'external_message': GONE_OUTSIDE,
        'previous': {'status': 'disabled', 'external_audience': 'all', 'internal_message': '', 'external_message': ''}}
    assert megan['automatic_replies']['outcome'] == 'unchanged' and megan['changed'] is False  # off already
    assert frontline['status'] == 'skipped' and frontline['automatic_replies']['outcome'] == 'skipped'
    assert 'MailboxNotEnabledForRESTAPI' in frontline['reason']
    assert result['skipped_mailboxes'] == [{'mailbox': upn('frontline'), 'reason': frontline['reason']}]
    assert result['diff']['after'][upn('adele')]['automatic_replies']['status'] == 'alwaysEnabled'
    assert upn('megan') not in result['diff']['after']

    run = playbook(replies)
    assert run.rc == 0, run
    assert run.result('Replies')['calendars'][0]['automatic_replies']['outcome'] == 'set'
    assert emulator.stats()['requests_by_method'].get('PATCH') == 1
    setting = auto_replies(emulator)[upn('adele')]
    assert setting['status'] == 'alwaysEnabled' and setting['externalAudience'] == 'contactsOnly'
    # Exchange Online hands the messages back as HTML; the module compares them as a reader sees them.
    assert setting['internalReplyMessage'].startswith('<html>') and GONE in setting['internalReplyMessage']
    assert 'Adele no longer works at Contoso.<br>' in setting['externalReplyMessage']
    assert list(auto_replies(emulator)) == [upn('adele')]

    emulator.reset_stats()
    again = playbook(replies)
    assert again.rc == 0, again
    result = again.result('Replies')
    assert result['changed'] is False and writes(emulator) == 0 and 'changed=0' in again.stdout
    assert [c['automatic_replies']['outcome'] for c in result['calendars']] == ['unchanged', 'unchanged', 'skipped']

    # Another audience is one PATCH again; turning them off is one more.
    calendars[0]['automatic_replies']['external_audience'] = 'none'
    changed = playbook(play(task('Replies', calendars=calendars[:1])))
    assert changed.rc == 0 and changed.result('Replies')['changed'] is True and writes(emulator) == 1
    assert auto_replies(emulator)[upn('adele')]['externalAudience'] == 'none'
    off = playbook(play(task('Turn them off', calendars=[{'mailbox': upn('adele'), 'automatic_replies': {'state': 'disabled'}}])))
    assert off.rc == 0 and off.result('Turn them off')['changed'] is True
    assert auto_replies(emulator)[upn('adele')]['status'] == 'disabled'


def test_automatic_replies_without_a_mailbox_fail_before_any_write_unless_skipped(emulator, playbook):
    seed(emulator, 'adele', **{upn('frontline'): {'displayName': 'Frontline', 'mailbox': False}})
    calendars = [dict(calendar(name), automatic_replies={'internal_message': GONE}) for name in ('adele', 'frontline')]
    run = playbook(play(task('Replies', calendars=calendars, ignore_errors=True)))
    result = run.result('Replies')
    assert run.failed('Replies') and "calendars[1].mailbox: 'frontline@contoso.example' has no mailbox" in result['msg']
    assert writes(emulator) == 0 and auto_replies(emulator) == {}


def test_automatic_replies_need_mailbox_settings_read_write(emulator, playbook):
    seed(emulator, 'adele')
    roles = [role for role in emulator.default_config()['app_roles'] if role != 'MailboxSettings.ReadWrite'] + ['MailboxSettings.Read']
    emulator.configure(app_roles=roles)
    replies = play(task('Replies', ignore_errors=True, calendars=[dict(calendar('adele'), automatic_replies={'internal_message': GONE})]))
    run = playbook(replies)
    result = run.result('Replies')
    assert run.failed('Replies') and result['failed_items'][0]['action'] == 'auto_reply'
    assert result['failed_items'][0]['status'] == 403 and auto_replies(emulator) == {}
    emulator.configure(app_roles=[role for role in roles if role != 'MailboxSettings.Read'])
    unread_run = playbook(replies)
    unread = unread_run.result('Replies')
    assert unread_run.failed('Replies') and 'reading the calendar' in unread['msg'] and '403' in unread['msg']
