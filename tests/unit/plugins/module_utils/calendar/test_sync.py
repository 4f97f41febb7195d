# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""CalendarSync's rounds: new mailboxes waited for on their own, refusals per item, users looked up first."""

from __future__ import annotations

import re
from urllib.parse import unquote

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import parse_calendars
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.sync import CalendarSync, absent_users, lookup_requests
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.calendar.calendar_tenant import DEFAULT, EVENT, entry
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeClock, FakeWaits


# ----- the rounds ---------------------------------------------------------------------------------

EXO_SKU, EMS_SKU, E3_SKU = '4b9405b0-7788-4568-add1-99614e613b69', 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e', '6fd2c87f-b296-42f0-b197-1e91e994b900'
EXCHANGE_PLAN = 'efb87545-963c-4e0d-99df-69c6916d9eb0'
SKUS = [
    {'skuId': EXO_SKU, 'skuPartNumber': 'EXCHANGESTANDARD', 'servicePlans': [{'servicePlanId': 'p-1', 'servicePlanName': 'EXCHANGE_S_STANDARD'}]},
    {'skuId': EMS_SKU, 'skuPartNumber': 'EMS', 'servicePlans': [
        {'servicePlanId': 'p-2', 'servicePlanName': 'INTUNE_A'}, {'servicePlanId': 'p-3', 'servicePlanName': 'EXCHANGE_S_FOUNDATION'}]},
    {'skuId': E3_SKU, 'skuPartNumber': 'ENTERPRISEPACK', 'servicePlans': [
        {'servicePlanId': EXCHANGE_PLAN, 'servicePlanName': 'EXCHANGE_S_ENTERPRISE'}, {'servicePlanId': 'p-4', 'servicePlanName': 'TEAMS1'}]},
]


class FakeMailboxes(FakeWaits):
    """A client whose mailboxes appear at given times; records every batch of mailbox requests in ``batches`` and
    every user lookup (``/users?$filter=...``) in ``lookups``."""

    def __init__(self, clock, appear=None, refuse=None, permissions=None, users=None, licences=None, group_licences=None, states=None):
        super().__init__(clock)
        self.licences = licences or {}              # user -> assignedLicenses (others hold an Exchange Online licence)
        self.states = states or {}                  # user -> licenseAssignmentStates (others: none given)
        self.group_licences = group_licences or {}  # user -> [licences of one group]
        self.licence_reads = []
        self.permissions = permissions or {}  # mailbox -> entries besides the default one
        self.appear = appear or {}    # mailbox -> time it appears (None: never); others exist
        self.refuse = refuse or {}    # request id -> (status, code)
        self.users = users or {}      # user (lower-case UPN or id) -> time it shows in lookups (None: never); others do at once
        self.events = {}
        self.batches = []
        self.lookups = []
        self.not_yet_for_writes = set()

    def _mailbox(self, url):
        return re.match(r"^/users(?:\('([^']+)'\)|/([^/?]+))", url).group(1)

    def _look_up(self, request):
        """``/users?$filter=userPrincipalName in (...)`` or ``id in (...)``: the users that are there."""
        if request['id'] in self.refuse:
            status, code = self.refuse.pop(request['id'])
            return GraphResponse(request['id'], status, {}, {'error': {'code': code, 'message': 'refused'}})
        query = unquote(request['url'])
        prop, values = re.match(r"^/users\?\$filter=(userPrincipalName|id) in \((.*)\)&\$select=id,userPrincipalName$", query).groups()
        names = [value.replace("''", "'") for value in re.findall(r"'((?:[^']|'')*)'", values)]
        assert 1 <= len(names) <= 15
        found = []
        for name in names:
            shows = self.users.get(name.lower(), 0.0)
            if shows is not None and self.clock() >= shows:
                user_id = name if prop == 'id' else 'id-' + name.lower()
                found.append({'id': user_id, 'userPrincipalName': name.upper() if prop != 'id' else 'u@contoso.com'})
        return GraphResponse(request['id'], 200, {}, {'value': found})

    def _licence_read(self, request):
        """``/subscribedSkus``, a user's ``assignedLicenses``, the licences of its groups."""
        if request['id'] in self.refuse:
            status, code = self.refuse.pop(request['id'])
            return GraphResponse(request['id'], status, {}, {'error': {'code': code, 'message': 'refused'}})
        if request['url'] == '/subscribedSkus':
            return GraphResponse(request['id'], 200, {}, {'value': SKUS})
        user = self._mailbox(request['url']).lower()
        if '/memberOf/' in request['url']:
            groups = [{'id': 'g-%d' % n, 'assignedLicenses': held} for n, held in enumerate(self.group_licences.get(user, []))]
            return GraphResponse(request['id'], 200, {}, {'value': groups})
        body = {'id': 'id-' + user, 'assignedLicenses': self.licences.get(user, [{'skuId': EXO_SKU}])}
        if user in self.states:
            body['licenseAssignmentStates'] = self.states[user]
        return GraphResponse(request['id'], 200, {}, body)

    def batch(self, requests, paginate=False):
        assert paginate
        if requests and requests[0]['url'] == '/organization?$select=verifiedDomains':
            # The sharee check (test_sharees.py): without Organization.Read.All the addresses are not checked.
            return [GraphResponse(r['id'], 403, {}, {'error': {'code': 'Authorization_RequestDenied', 'message': 'denied'}}) for r in requests]
        if requests and requests[0]['url'] == '/subscribedSkus':
            self.licence_reads.append([r['url'] for r in requests])
            return [self._licence_read(r) for r in requests]
        if requests and all(r['url'].startswith('/users?') for r in requests):
            self.lookups.append([r['url'] for r in requests])
            return [self._look_up(r) for r in requests]
        assert not any(r['url'].startswith('/users?') for r in requests)
        self.batches.append([(r.get('method', 'GET'), r['url']) for r in requests])
        answers = []
        for request in requests:
            mailbox = self._mailbox(request['url'])
            method = request.get('method', 'GET')
            appears = self.appear.get(mailbox, 0.0)
            if request['id'] in self.refuse:
                status, code = self.refuse.pop(request['id'])
                if status == 409:  # the grant happened, its answer was lost and the re-sent grant clashed
                    body = request['body']
                    self.permissions.setdefault(mailbox, []).append(entry(body['emailAddress']['address'], body['role']))
                answers.append(GraphResponse(request['id'], status, {}, {'error': {'code': code, 'message': 'refused'}}))
            elif appears is None or self.clock() < appears or (method != 'GET' and mailbox in self.not_yet_for_writes):
                if method != 'GET':
                    self.not_yet_for_writes.discard(mailbox)  # refuses the first write only
                answers.append(GraphResponse(request['id'], 404, {}, {'error': {'code': 'MailboxNotEnabledForRESTAPI', 'message': 'no mailbox'}}))
            elif method == 'GET':
                value = [DEFAULT] + self.permissions.get(mailbox, []) if request['url'].endswith('calendarPermissions') else self.events.get(mailbox, [])
                answers.append(GraphResponse(request['id'], 200, {}, {'value': value}))
            elif method == 'POST' and request['url'].endswith('/events'):
                created = dict(request['body'], id='ev-%d' % len(self.batches))
                self.events.setdefault(mailbox, []).append(created)
                answers.append(GraphResponse(request['id'], 201, {}, created))
            else:
                answers.append(GraphResponse(request['id'], 200 if method != 'DELETE' else 204, {}, {}))
        return answers

    def writes(self):
        return [entry for batch in self.batches for entry in batch if entry[0] != 'GET']


def sync(client, clock, calendars, **options):
    specs, problems = parse_calendars(calendars)
    assert problems == []
    return CalendarSync(client, specs, **options)


def welcome(name, **extra):
    return dict({'mailbox': '%s@contoso.com' % name, 'events': [dict(EVENT, subject='Welcome, %s' % name)]}, **extra)


def test_a_missing_mailbox_not_listed_as_new_stops_everything_before_any_write():
    clock = FakeClock()
    client = FakeMailboxes(clock, appear={'ghost@contoso.com': None})
    run = sync(client, clock, [welcome('adele'), welcome('ghost')], new_mailboxes=['other@contoso.com'])
    problems = run.run()
    assert problems == ["calendars[1].mailbox: 'ghost@contoso.com' has no mailbox (Outlook answered MailboxNotEnabledForRESTAPI: no Exchange "
                        "Online licence, or hosted on-premises); if the user was created or licensed moments ago, list it in new_mailboxes to "
                        "wait for its mailbox"]
    assert len(client.batches) == 1 and client.writes() == [] and clock.slept == [] and run.stats['mailbox_polls'] == 0
    assert client.lookups == []  # only the users behind listed new mailboxes are looked up


def test_a_new_mailbox_is_polled_while_the_others_are_written():
    clock = FakeClock()
    client = FakeMailboxes(clock, appear={'nestor@contoso.com': 7.0})
    run = sync(client, clock, [welcome('nestor', permissions=[{'address': 'm@contoso.com', 'role': 'read'}]), welcome('adele')],
               new_mailboxes=['NESTOR@contoso.com'], timeout=600)
    assert run.run() == []
    # round 1: reads of both; round 2: adele's write together with nothing else (nestor's first poll is due at 2 s)
    assert client.batches[1] == [('POST', "/users('adele@contoso.com')/events")]
    assert clock.slept and clock.now >= 7.0
    calendars, pending, failures, changed, before, after = run.outcome()
    assert pending == [] and failures == [] and changed
    assert [c['status'] for c in calendars] == ['ok', 'ok'] and calendars[0]['found'] is True and calendars[0]['new_mailbox'] is True
    assert calendars[0]['events']['created'][0]['id'] and calendars[0]['permissions']['granted'] == [{'address': 'm@contoso.com', 'role': 'read'}]
    assert run.stats == {'mailboxes_waited_for': 1, 'mailbox_polls': run.stats['mailbox_polls']} and run.stats['mailbox_polls'] >= 2
    assert before['nestor@contoso.com'] == {'events': [], 'permissions': {'My Organization': 'freeBusyRead'}}
    assert after['nestor@contoso.com'] == {'events': ['Welcome, nestor'], 'permissions': {'My Organization': 'freeBusyRead', 'm@contoso.com': 'read'}}


def test_polls_back_off_and_stop_at_the_deadline():
    clock = FakeClock()
    client = FakeMailboxes(clock, appear={'nestor@contoso.com': None})
    run = sync(client, clock, [welcome('nestor'), welcome('adele')], new_mailboxes=['nestor@contoso.com'], timeout=100)
    assert run.run() == []
    assert clock.now == 100.0
    polls = [b for b in client.batches[1:] if any(u.startswith("/users('nestor") for m, u in b)]
    assert run.stats['mailbox_polls'] == len(polls) and 5 <= len(polls) <= 12
    assert all(step <= 30.0 for step in clock.slept)
    calendars, pending, failures, changed, dummy, dummy = run.outcome()
    assert pending == ['nestor@contoso.com'] and failures == [] and changed
    assert calendars[0]['status'] == 'pending' and calendars[0]['found'] is False and calendars[0]['events']['created'] == []
    assert calendars[1]['status'] == 'ok'


def test_zero_timeout_does_not_wait():
    clock = FakeClock()
    client = FakeMailboxes(clock, appear={'nestor@contoso.com': 1.0})
    run = sync(client, clock, [welcome('nestor')], new_mailboxes=['nestor@contoso.com'], timeout=0)
    assert run.run() == [] and clock.slept == [] and len(client.batches) == 1
    assert run.outcome()[1] == ['nestor@contoso.com']


def test_check_mode_plans_a_new_mailbox_as_empty_and_writes_nothing():
    clock = FakeClock()
    client = FakeMailboxes(clock, appear={'nestor@contoso.com': None})
    run = sync(client, clock, [welcome('nestor', permissions=[{'address': 'm@contoso.com', 'role': 'read'}])],
               new_mailboxes=['nestor@contoso.com'], check_mode=True, exact=True)
    assert run.run() == [] and len(client.batches) == 1 and clock.slept == []
    calendars, pending, failures, changed, before, after = run.outcome()
    assert changed and pending == [] and calendars[0]['found'] is False
    assert calendars[0]['events']['created'][0]['id'] is None
    assert before == {'nestor@contoso.com': {'events': [], 'permissions': {}}}


def test_a_mailbox_that_refuses_writes_at_first_is_read_again():
    clock = FakeClock()
    client = FakeMailboxes(clock)
    client.not_yet_for_writes.add('nestor@contoso.com')
    run = sync(client, clock, [welcome('nestor')], new_mailboxes=['nestor@contoso.com'])
    assert run.run() == []
    methods = [[m for m, u in b] for b in client.batches]
    assert methods == [['GET'], ['POST'], ['GET'], ['POST']]
    calendars, pending, failures, changed, dummy, dummy = run.outcome()
    assert failures == [] and pending == [] and [e['subject'] for e in calendars[0]['events']['created']] == ['Welcome, nestor']
    assert calendars[0]['events']['existing'] == []


def test_refusals_are_recorded_per_item_and_a_vanished_permission_counts_as_removed():
    clock = FakeClock()
    client = FakeMailboxes(clock, refuse={'c0:event:1': (400, 'ErrorInvalidRequest'), 'c0:remove:0': (404, 'ErrorItemNotFound')},
                           permissions={'adele@contoso.com': [entry('old@contoso.com', 'write')]})
    calendars = [{'mailbox': 'adele@contoso.com', 'events': [EVENT, dict(EVENT, subject='Lunch')], 'permissions': []}]
    run = sync(client, clock, calendars, exact=True)
    assert run.run() == []
    result, pending, failures, changed, dummy, dummy = run.outcome()
    assert failures == [{'mailbox': 'adele@contoso.com', 'item': 'calendars[0].events[1]', 'action': 'create_event', 'status': 400,
                         'code': 'ErrorInvalidRequest', 'message': 'refused', 'subject': 'Lunch'}]
    assert result[0]['status'] == 'failed' and [e['subject'] for e in result[0]['events']['created']] == ['Welcome']
    assert result[0]['permissions']['removed'] == [{'address': 'old@contoso.com', 'role': 'write'}] and changed


def test_a_failed_read_stops_everything():
    clock = FakeClock()
    client = FakeMailboxes(clock, refuse={'c1:events:0': (403, 'ErrorAccessDenied')})
    run = sync(client, clock, [welcome('adele'), welcome('alex')])
    assert run.run() == ["calendars[1].mailbox: reading the calendar of 'alex@contoso.com' failed: 403 ErrorAccessDenied: refused"]
    assert client.writes() == []


def test_a_grant_answered_409_is_settled_by_reading():
    clock = FakeClock()
    client = FakeMailboxes(clock, refuse={'c0:grant:0': (409, 'ErrorItemAlreadyExists')})
    run = sync(client, clock, [{'mailbox': 'adele@contoso.com', 'permissions': [{'address': 'm@contoso.com', 'role': 'read'}]}])
    assert run.run() == []
    assert [[m for m, u in b] for b in client.batches] == [['GET'], ['POST'], ['GET']]
    calendars, pending, failures, changed, dummy, dummy = run.outcome()
    assert failures == [] and changed and run.stats['mailbox_polls'] == 0
    assert calendars[0]['permissions']['granted'] == [{'address': 'm@contoso.com', 'role': 'read'}]
    assert calendars[0]['permissions']['unchanged'] == []


class AlwaysClashing(FakeMailboxes):
    """Every grant answers 409, yet no permission shows up."""

    def batch(self, requests, paginate=False):
        answers = super().batch([r for r in requests if r.get('method', 'GET') == 'GET'], paginate) if any(
            r.get('method', 'GET') == 'GET' for r in requests) else []
        clash = {'error': {'code': 'ErrorItemAlreadyExists', 'message': 'already shared'}}
        for request in requests:
            if request.get('method', 'GET') != 'GET':
                self.batches.append([(request['method'], request['url'])])
                answers.append(GraphResponse(request['id'], 409, {}, clash))
        return answers


def test_a_409_grant_that_is_not_there_afterwards_is_tried_once_more_then_reported():
    clock = FakeClock()
    client = AlwaysClashing(clock)
    run = sync(client, clock, [{'mailbox': 'adele@contoso.com', 'permissions': [{'address': 'm@contoso.com', 'role': 'read'}]}])
    assert run.run() == []
    assert [[m for m, u in b] for b in client.batches] == [['GET'], ['POST'], ['GET'], ['POST']]
    calendars, pending, failures, changed, dummy, dummy = run.outcome()
    assert [(f['action'], f['status'], f['address']) for f in failures] == [('grant', 409, 'm@contoso.com')]
    assert calendars[0]['status'] == 'failed' and not changed


# ----- looking up the users behind new mailboxes --------------------------------------------------


def test_lookup_requests_ask_15_names_a_query_by_upn_and_by_object_id():
    guid = '4F1C2D3E-0000-4000-8000-000000000001'
    names = ['hire%02d@contoso.com' % n for n in range(40)] + ['HIRE00@contoso.com', guid, "o'neil@contoso.com", '$adm@contoso.com']
    pairs = lookup_requests(names)
    assert [(r['id'], len(chunk)) for r, chunk in pairs] == [('users:0', 15), ('users:1', 15), ('users:2', 12), ('users:3', 1)]
    assert pairs[3][1] == [guid]
    for request, chunk in pairs:
        prop, values = re.match(r"^/users\?\$filter=(\w+) in \((.*)\)&\$select=id,userPrincipalName$", unquote(request['url'])).groups()
        assert prop == ('id' if chunk == [guid] else 'userPrincipalName')
        assert values == ','.join("'%s'" % name.replace("'", "''") for name in chunk)
    assert "'o''neil@contoso.com'" in unquote(pairs[2][0]['url']) and '%24adm' in pairs[2][0]['url']
    assert lookup_requests([]) == []


def test_absent_users_are_the_ones_a_query_answered_without():
    clock = FakeClock()
    client = FakeMailboxes(clock, users={'ghost@contoso.com': None, '4f1c2d3e-0000-4000-8000-000000000009': None})
    names = ['Adele@contoso.com', 'Ghost@Contoso.com', '4F1C2D3E-0000-4000-8000-000000000001', '4f1c2d3e-0000-4000-8000-000000000009']
    assert absent_users(client, names) == {'ghost@contoso.com', '4f1c2d3e-0000-4000-8000-000000000009'}
    assert len(client.lookups) == 1 and len(client.lookups[0]) == 2 and client.batches == []
    assert absent_users(client, []) == set() and len(client.lookups) == 1  # nothing to look up: no request


def test_a_lookup_graph_refused_says_nothing_about_its_users():
    clock = FakeClock()
    client = FakeMailboxes(clock, users=dict(('u%02d@contoso.com' % n, None) for n in range(20)), refuse={'users:0': (403, 'Authorization_RequestDenied')})
    absent = absent_users(client, ['u%02d@contoso.com' % n for n in range(20)])
    assert absent == set('u%02d@contoso.com' % n for n in range(15, 20))  # the first 15 were in the refused query


def test_check_mode_does_not_read_the_mailboxes_of_users_that_do_not_exist():
    clock = FakeClock()
    hires = ['hire%03d' % n for n in range(200)]
    client = FakeMailboxes(clock, users=dict(('%s@contoso.com' % name, None) for name in hires))
    calendars = [welcome(name, permissions=[{'address': 'm@contoso.com', 'role': 'read'}]) for name in hires] + [welcome('adele'), welcome('nestor')]
    run = sync(client, clock, calendars, new_mailboxes=['%s@contoso.com' % name for name in hires] + ['nestor@contoso.com'], check_mode=True)
    assert run.run() == []
    assert len(client.lookups) == 1 and len(client.lookups[0]) == 14  # 201 names, 15 a query, one client.batch
    # Only adele (not new) and nestor (new, his user exists) are read; no hire's mailbox is.
    assert [sorted(set(u.split("'")[1] for m, u in b)) for b in client.batches] == [['adele@contoso.com', 'nestor@contoso.com']]
    assert clock.slept == [] and run.stats == {'mailboxes_waited_for': 200, 'mailbox_polls': 0}
    calendars, pending, failures, changed, before, after = run.outcome()
    assert changed and pending == [] and failures == []
    hire = calendars[0]
    assert hire['found'] is False and hire['new_mailbox'] is True and hire['status'] == 'ok'
    assert [e['subject'] for e in hire['events']['created']] == ['Welcome, hire000'] and hire['events']['created'][0]['id'] is None
    assert hire['permissions']['granted'] == [{'address': 'm@contoso.com', 'role': 'read'}]
    assert before['hire000@contoso.com'] == {'events': [], 'permissions': {}}
    assert after['hire000@contoso.com'] == {'events': ['Welcome, hire000'], 'permissions': {'m@contoso.com': 'read'}}
    assert calendars[-1]['found'] is True and calendars[-2]['found'] is True


def test_check_mode_reads_as_before_when_the_lookup_is_refused():
    """Without permission to read users (Calendars.ReadWrite alone) every mailbox is read, as without the lookup."""
    clock = FakeClock()
    client = FakeMailboxes(clock, users={'nestor@contoso.com': None}, appear={'nestor@contoso.com': None},
                           refuse={'users:0': (403, 'Authorization_RequestDenied')})
    run = sync(client, clock, [welcome('nestor')], new_mailboxes=['nestor@contoso.com'], check_mode=True)
    assert run.run() == [] and len(client.lookups) == 1
    assert client.batches == [[('GET', client.batches[0][0][1])]] and "nestor@contoso.com" in client.batches[0][0][1]
    calendars = run.outcome()[0]
    assert calendars[0]['found'] is False and len(calendars[0]['events']['created']) == 1 and run.stats['mailboxes_waited_for'] == 1


def test_a_real_run_waits_at_once_for_the_mailbox_of_a_user_not_there_yet():
    """Created seconds ago: the user is not visible yet (replication) and his mailbox comes later. He is not read in
    the first round; he is polled as before and written once his mailbox is there."""
    clock = FakeClock()
    client = FakeMailboxes(clock, users={'nestor@contoso.com': 1.0}, appear={'nestor@contoso.com': 5.0})
    run = sync(client, clock, [welcome('nestor', permissions=[{'address': 'm@contoso.com', 'role': 'read'}]), welcome('adele')],
               new_mailboxes=['nestor@contoso.com'], timeout=600)
    assert run.run() == []
    assert len(client.lookups) == 1
    assert client.batches[0] == [('GET', client.batches[0][0][1])] and 'adele' in client.batches[0][0][1]  # adele only
    assert client.batches[1] == [('POST', "/users('adele@contoso.com')/events")]  # nestor's first poll is due at 2 s
    nestor_batches = [b for b in client.batches if any("nestor" in u for m, u in b)]
    assert all(m == 'GET' for m, u in nestor_batches[0]) and clock.now >= 5.0
    calendars, pending, failures, changed, before, after = run.outcome()
    assert pending == [] and failures == [] and changed
    assert [c['status'] for c in calendars] == ['ok', 'ok'] and calendars[0]['found'] is True
    assert calendars[0]['events']['created'][0]['id'] and calendars[0]['permissions']['granted'] == [{'address': 'm@contoso.com', 'role': 'read'}]
    assert run.stats['mailboxes_waited_for'] == 1 and run.stats['mailbox_polls'] == len(nestor_batches) - 1 >= 2
    assert before['nestor@contoso.com'] == {'events': [], 'permissions': {'My Organization': 'freeBusyRead'}}


def test_a_user_that_never_shows_is_pending_at_the_deadline_and_not_read_with_zero_timeout():
    clock = FakeClock()
    client = FakeMailboxes(clock, users={'nestor@contoso.com': None}, appear={'nestor@contoso.com': None})
    run = sync(client, clock, [welcome('nestor')], new_mailboxes=['nestor@contoso.com'], timeout=0)
    assert run.run() == [] and clock.slept == [] and client.batches == [] and len(client.lookups) == 1
    calendars, pending, failures, changed, dummy, dummy = run.outcome()
    assert pending == ['nestor@contoso.com'] and not changed and calendars[0]['status'] == 'pending' and calendars[0]['found'] is False

    clock = FakeClock()
    client = FakeMailboxes(clock, users={'nestor@contoso.com': None}, appear={'nestor@contoso.com': None})
    run = sync(client, clock, [welcome('nestor')], new_mailboxes=['nestor@contoso.com'], timeout=60)
    assert run.run() == [] and clock.now == 60.0 and run.outcome()[1] == ['nestor@contoso.com']
    assert run.stats['mailbox_polls'] == len(client.batches) >= 3


def test_a_mailbox_by_object_id_is_looked_up_by_id():
    clock = FakeClock()
    guid = '4f1c2d3e-0000-4000-8000-000000000001'
    client = FakeMailboxes(clock, users={guid: None})
    run = sync(client, clock, [{'mailbox': guid.upper(), 'events': [EVENT]}], new_mailboxes=[guid], check_mode=True)
    assert run.run() == [] and client.batches == []
    assert unquote(client.lookups[0][0]) == "/users?$filter=id in ('%s')&$select=id,userPrincipalName" % guid.upper()
    assert run.outcome()[0][0]['found'] is False


# ----- new mailboxes that will not come -------------------------------------------------------------


def test_a_new_mailbox_whose_licences_give_none_is_skipped_at_once_and_the_others_are_done():
    """No Exchange Online plan among the user's licences (EMS has only the foundation plan; E3 with Exchange disabled)
    nor its groups': not waited for, skipped with the reason. A user whose group brings Exchange is waited for."""
    clock = FakeClock()
    client = FakeMailboxes(clock, appear=dict.fromkeys(['ems@contoso.com', 'disabled@contoso.com', 'bare@contoso.com', 'grouped@contoso.com'], None),
                           licences={'ems@contoso.com': [{'skuId': EMS_SKU, 'disabledPlans': []}],
                                     'disabled@contoso.com': [{'skuId': E3_SKU, 'disabledPlans': [EXCHANGE_PLAN]}],
                                     'bare@contoso.com': [], 'grouped@contoso.com': []},
                           group_licences={'grouped@contoso.com': [[{'skuId': E3_SKU, 'disabledPlans': []}]],
                                           'bare@contoso.com': [[{'skuId': EMS_SKU, 'disabledPlans': []}]]})
    names = ['ems', 'disabled', 'bare', 'grouped', 'adele']
    run = sync(client, clock, [welcome(name) for name in names], new_mailboxes=['%s@contoso.com' % n for n in names[:4]], timeout=60)
    assert run.run() == []
    assert len(client.licence_reads) == 1 and len(client.licence_reads[0]) == 1 + 2 * 4  # the subscriptions, then two reads a user
    calendars, pending, failures, changed, before, after = run.outcome()
    assert [c['status'] for c in calendars] == ['skipped', 'skipped', 'skipped', 'pending', 'ok']
    assert pending == ['grouped@contoso.com'] and failures == [] and changed  # adele's event
    assert calendars[0]['reason'].startswith('no mailbox is coming: its licences (EMS) include no Exchange Online plan, and no group')
    assert calendars[1]['reason'].startswith('no mailbox is coming: its licences (ENTERPRISEPACK) include no Exchange Online plan')
    assert calendars[2]['reason'].startswith("no mailbox is coming: it holds no licence, and none of its groups' licences has one")
    assert calendars[4]['reason'] is None and calendars[0]['events']['created'] == []
    assert [entry['mailbox'] for entry in run.skipped()] == ['ems@contoso.com', 'disabled@contoso.com', 'bare@contoso.com']
    polled = set(u.split("'")[1] for b in client.batches[1:] for m, u in b if m == 'GET')
    assert polled == {'grouped@contoso.com'}  # only the mailbox that is coming was read again
    assert run.stats['mailboxes_waited_for'] == 1


def test_a_group_licence_that_reached_the_user_in_error_brings_no_mailbox():
    """The group's E3 reached 'full' in state Error (no free seat): no mailbox is coming, and the reason says why.
    'pending' is a member whose group licence has not reached it yet (no state): it is waited for."""
    clock = FakeClock()
    error = {'skuId': E3_SKU, 'assignedByGroup': 'g-0', 'state': 'Error', 'error': 'CountViolation', 'disabledPlans': []}
    client = FakeMailboxes(clock, appear=dict.fromkeys(['full@contoso.com', 'pending@contoso.com'], None),
                           licences={'full@contoso.com': [], 'pending@contoso.com': []},
                           group_licences={'full@contoso.com': [[{'skuId': E3_SKU, 'disabledPlans': []}]],
                                           'pending@contoso.com': [[{'skuId': E3_SKU, 'disabledPlans': []}]]},
                           states={'full@contoso.com': [error], 'pending@contoso.com': []})
    run = sync(client, clock, [welcome('full'), welcome('pending')], new_mailboxes=['full@contoso.com', 'pending@contoso.com'], timeout=5)
    assert run.run() == []
    calendars, pending = run.outcome()[:2]
    assert [c['status'] for c in calendars] == ['skipped', 'pending'] and pending == ['pending@contoso.com']
    assert calendars[0]['reason'].startswith('no mailbox is coming: it holds no licence, and its licence ENTERPRISEPACK from group g-0 is in '
                                             'state Error (CountViolation)')


def test_without_the_subscriptions_every_missing_new_mailbox_is_waited_for():
    clock = FakeClock()
    client = FakeMailboxes(clock, appear={'ems@contoso.com': None}, licences={'ems@contoso.com': []}, refuse={'skus': (403, 'Authorization_RequestDenied')})
    run = sync(client, clock, [welcome('ems')], new_mailboxes=['ems@contoso.com'], timeout=10)
    assert run.run() == []
    assert run.outcome()[1] == ['ems@contoso.com'] and run.skipped() == []


def test_check_mode_skips_an_existing_user_without_a_mailbox_licence_and_plans_a_user_to_be_created():
    clock = FakeClock()
    client = FakeMailboxes(clock, appear={'ems@contoso.com': None}, licences={'ems@contoso.com': []}, users={'hire@contoso.com': None})
    run = sync(client, clock, [welcome('ems'), welcome('hire')], new_mailboxes=['ems@contoso.com', 'hire@contoso.com'], check_mode=True)
    assert run.run() == []
    calendars = run.outcome()[0]
    assert [c['status'] for c in calendars] == ['skipped', 'ok'] and len(calendars[1]['events']['created']) == 1
    assert clock.slept == []


def test_a_user_that_shows_late_has_its_licences_looked_at_when_it_does():
    clock = FakeClock()
    client = FakeMailboxes(clock, users={'late@contoso.com': 3.0}, appear={'late@contoso.com': None}, licences={'late@contoso.com': []})
    run = sync(client, clock, [welcome('late')], new_mailboxes=['late@contoso.com'], timeout=600)
    assert run.run() == []
    assert run.outcome()[0][0]['status'] == 'skipped' and clock.now < 60 and run.stats['mailboxes_waited_for'] == 1
