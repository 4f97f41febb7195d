# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Automatic replies: input, comparison (messages as a reader sees them), the PATCH only when different, skipped mailboxes."""

from __future__ import annotations

import re

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.auto_replies import is_current, reply_text
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import parse_calendars
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.plan import MailboxContent, plan_mailbox, read_requests
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.sync import CalendarSync
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeClock, FakeWaits

GONE = 'Adele has left Contoso. Please write to sales@contoso.com.'
WRAPPED = '<html>\n<body>\nAdele has left Contoso.  Please write to sales@contoso.com.\n</body>\n</html>\n'


def parse(replies, mailbox='adele@contoso.com'):
    return parse_calendars([{'mailbox': mailbox, 'automatic_replies': replies}])


def one(replies):
    (spec,), problems = parse(replies)
    assert problems == []
    return spec


# ----- input --------------------------------------------------------------------------------------


def test_defaults_external_message_to_the_internal_one_and_audience_to_all():
    replies = one({'internal_message': '  %s ' % GONE}).auto_replies
    assert (replies.state, replies.internal, replies.external, replies.audience) == ('enabled', GONE, GONE, 'all')
    assert replies.body() == {'status': 'alwaysEnabled', 'externalAudience': 'all', 'internalReplyMessage': GONE, 'externalReplyMessage': GONE}
    assert one({'state': 'disabled'}).auto_replies.body() == {'status': 'disabled'}
    assert one({'internal_message': 'in', 'external_message': 'out', 'external_audience': 'contactsOnly'}).auto_replies.body() == {
        'status': 'alwaysEnabled', 'externalAudience': 'contactsOnly', 'internalReplyMessage': 'in', 'externalReplyMessage': 'out'}


def test_bad_input_is_named_by_item_and_field():
    cases = [
        ({}, 'calendars[0].automatic_replies.internal_message: is required'),
        ({'internal_message': '   '}, 'calendars[0].automatic_replies.internal_message: is required'),
        ({'internal_message': ['a']}, 'calendars[0].automatic_replies.internal_message: must be a message (text), got a list'),
        ({'internal_message': 'x', 'external_audience': 'contactsonly'},
         "calendars[0].automatic_replies.external_audience: 'contactsonly' is not one of none, contactsOnly, all (did you mean 'contactsOnly'?"),
        ({'internal_message': 'x', 'state': 'on'}, "calendars[0].automatic_replies.state: 'on' is not one of enabled, disabled"),
        ({'internal_mesage': 'x'}, "calendars[0].automatic_replies: unsupported key 'internal_mesage' (did you mean 'internal_message'?)"),
        ('Gone', 'calendars[0].automatic_replies: must be a dict with internal_message'),
    ]
    for replies, expected in cases:
        specs, problems = parse(replies)
        assert problems and str(problems[0]).startswith(expected), (replies, [str(p) for p in problems])
        assert problems[0].item == 'calendars[0]' and problems[0].field.startswith('automatic_replies')
        assert problems[0].subject == 'adele@contoso.com'


def test_a_disabled_state_needs_no_message():
    specs, problems = parse({'state': 'disabled'})
    assert problems == [] and specs[0].has_work


# ----- comparing ----------------------------------------------------------------------------------


def test_messages_are_compared_as_a_reader_sees_them():
    assert reply_text(WRAPPED) == GONE.replace('.  ', '. ')
    assert reply_text('<p>Line one</p><p>Line&nbsp;two &amp; more</p>') == 'Line one Line two & more'
    assert reply_text('One<br>two') == 'One two'
    assert reply_text('<html><head><style>p {color: red}</style></head><body>Hi</body></html>') == 'Hi'
    assert reply_text(None) == '' and reply_text('') == ''
    assert reply_text('a < b') == 'a < b'
    # plain text is text, whatever it holds; Exchange hands it back escaped inside HTML
    assert reply_text('Gone <for good> & away') == 'Gone <for good> & away'
    assert reply_text('<html>\n<body>\nGone &lt;for good&gt; &amp; away<br>\n</body>\n</html>\n') == 'Gone <for good> & away'


def test_is_current_compares_status_audience_and_both_messages():
    wanted = one({'internal_message': GONE}).auto_replies
    setting = {'status': 'alwaysEnabled', 'externalAudience': 'all', 'internalReplyMessage': WRAPPED, 'externalReplyMessage': GONE}
    assert is_current(wanted, setting)
    assert is_current(wanted, dict(setting, status='AlwaysEnabled', externalAudience='All'))  # Graph's samples capitalise
    assert not is_current(wanted, dict(setting, status='scheduled'))
    assert not is_current(wanted, dict(setting, externalAudience='none'))
    assert not is_current(wanted, dict(setting, externalReplyMessage='Back on Monday'))
    assert not is_current(wanted, None)
    off = one({'state': 'disabled'}).auto_replies
    assert is_current(off, {'status': 'disabled', 'internalReplyMessage': 'anything'}) and not is_current(off, setting)


def test_the_plan_reads_the_settings_and_patches_only_when_different():
    spec = one({'internal_message': GONE})
    assert read_requests(spec, 'c0') == [{'id': 'c0:settings', 'url': "/users('adele@contoso.com')/mailboxSettings"}]
    same = MailboxContent(auto_replies={'status': 'alwaysEnabled', 'externalAudience': 'all', 'internalReplyMessage': WRAPPED,
                                        'externalReplyMessage': WRAPPED})
    assert not plan_mailbox(spec, same).writes
    plan = plan_mailbox(spec, MailboxContent(auto_replies={'status': 'disabled'}))
    (request,) = plan.requests('c0')
    assert (request['method'], request['url'], request['_kind']) == ('PATCH', "/users('adele@contoso.com')/mailboxSettings", 'auto_reply')
    assert request['body'] == {'automaticRepliesSetting': spec.auto_replies.body()} and request['safe_to_resend']
    assert plan_mailbox(spec, None).auto_reply  # a mailbox planned as empty


# ----- the run ------------------------------------------------------------------------------------


class FakeSettings(FakeWaits):
    """Mailboxes with their automaticRepliesSetting; ``absent`` ones answer MailboxNotEnabledForRESTAPI, ``refuse`` PATCHes 403."""

    def __init__(self, clock, settings=None, absent=(), refuse=()):
        super().__init__(clock)
        self.settings = settings or {}
        self.absent = set(absent)
        self.refuse = set(refuse)
        self.sent = []

    def batch(self, requests, paginate=False):
        answers = []
        for request in requests:
            method = request.get('method', 'GET')
            self.sent.append((method, request['url']))
            mailbox = re.match(r"^/users\('([^']+)'\)", request['url']).group(1)
            if mailbox in self.absent:
                answers.append(GraphResponse(request['id'], 404, {}, {'error': {'code': 'MailboxNotEnabledForRESTAPI', 'message': 'no mailbox'}}))
            elif method == 'GET':
                answers.append(GraphResponse(request['id'], 200, {}, {'automaticRepliesSetting': self.settings.get(mailbox, {'status': 'disabled'})}))
            elif mailbox in self.refuse:
                answers.append(GraphResponse(request['id'], 403, {}, {'error': {'code': 'ErrorAccessDenied', 'message': 'Access is denied.'}}))
            else:
                self.settings[mailbox] = dict(self.settings.get(mailbox, {}), **request['body']['automaticRepliesSetting'])
                answers.append(GraphResponse(request['id'], 200, {}, {}))
        return answers


def leavers(*names, **replies):
    specs, problems = parse_calendars([{'mailbox': '%s@contoso.com' % name, 'automatic_replies': dict({'internal_message': GONE}, **replies)}
                                       for name in names])
    assert problems == []
    return specs


def test_a_run_sets_what_differs_and_a_second_run_sends_no_write():
    clock = FakeClock()
    client = FakeSettings(clock, settings={'megan@contoso.com': {'status': 'alwaysEnabled', 'externalAudience': 'all',
                                                                 'internalReplyMessage': WRAPPED, 'externalReplyMessage': GONE}})
    sync = CalendarSync(client, leavers('adele', 'megan'))
    assert sync.run() == []
    calendars, pending, failures, changed, before, after = sync.outcome()
    assert changed and failures == [] and pending == []
    assert [c['automatic_replies']['outcome'] for c in calendars] == ['set', 'unchanged']
    assert [c['changed'] for c in calendars] == [True, False]
    assert calendars[0]['automatic_replies']['previous']['status'] == 'disabled'
    assert before['adele@contoso.com']['automatic_replies']['status'] == 'disabled'
    assert after['adele@contoso.com']['automatic_replies'] == {'status': 'alwaysEnabled', 'external_audience': 'all',
                                                               'internal_message': GONE, 'external_message': GONE}
    assert [s for s in client.sent if s[0] == 'PATCH'] == [('PATCH', "/users('adele@contoso.com')/mailboxSettings")]
    client.sent = []
    again = CalendarSync(client, leavers('adele', 'megan'))
    assert again.run() == [] and not again.outcome()[3]
    assert all(method == 'GET' for method, url in client.sent)


def test_check_mode_reports_what_would_be_set_and_writes_nothing():
    clock = FakeClock()
    client = FakeSettings(clock)
    sync = CalendarSync(client, leavers('adele'), check_mode=True)
    assert sync.run() == []
    calendars, pending, failures, changed, before, after = sync.outcome()
    assert changed and calendars[0]['automatic_replies']['outcome'] == 'set'
    assert all(method == 'GET' for method, url in client.sent) and client.settings == {}


def test_a_mailbox_without_mailbox_is_skipped_with_missing_mailboxes_skip_and_a_problem_otherwise():
    clock = FakeClock()
    client = FakeSettings(clock, absent={'frontline@contoso.com'})
    strict = CalendarSync(client, leavers('adele', 'frontline'))
    (problem,) = strict.run()
    assert problem.item == 'calendars[1]' and 'MailboxNotEnabledForRESTAPI' in str(problem)
    assert all(method == 'GET' for method, url in client.sent)
    lenient = CalendarSync(client, leavers('adele', 'frontline'), skip_missing=True)
    assert lenient.run() == []
    calendars, pending, failures, changed, before, after = lenient.outcome()
    assert [c['status'] for c in calendars] == ['ok', 'skipped'] and failures == []
    assert calendars[1]['automatic_replies']['outcome'] == 'skipped' and calendars[1]['automatic_replies']['previous'] is None
    assert 'has no mailbox' in calendars[1]['reason']
    assert lenient.skipped() == [{'mailbox': 'frontline@contoso.com', 'reason': calendars[1]['reason']}]


def test_a_refused_patch_is_a_failure_of_that_mailbox_only():
    clock = FakeClock()
    client = FakeSettings(clock, refuse={'adele@contoso.com'})
    sync = CalendarSync(client, leavers('adele', 'megan'))
    assert sync.run() == []
    calendars, pending, failures, changed, before, after = sync.outcome()
    assert [c['automatic_replies']['outcome'] for c in calendars] == ['failed', 'set']
    (failure,) = failures
    assert failure['action'] == 'auto_reply' and failure['item'] == 'calendars[0].automatic_replies' and failure['status'] == 403
