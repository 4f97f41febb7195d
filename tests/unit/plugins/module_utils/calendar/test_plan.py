# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one mailbox needs: the reads, and the events and permissions to write."""

from __future__ import annotations

from urllib.parse import unquote

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import transaction_id
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.plan import MailboxContent, plan_mailbox, read_requests
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.calendar.calendar_tenant import DEFAULT, EVENT, entry, spec


# ----- reading and planning -----------------------------------------------------------------------


def test_read_requests_use_the_parenthesised_key_and_chunk_subjects():
    events = [dict(EVENT, subject="Subject %d, O'Neil" % n) for n in range(12)]
    requests = read_requests(spec(events=events, permissions=[], mailbox='$adm@contoso.com'), 'c0')
    assert [r['id'] for r in requests] == ['c0:events:0', 'c0:events:1', 'c0:permissions']
    assert requests[0]['url'].startswith("/users('$adm@contoso.com')/events?$filter=")
    assert requests[0]['url'].endswith('&$select=id,subject,transactionId&$top=50')
    expression = unquote(requests[0]['url'].split('$filter=')[1].split('&')[0])
    assert expression.count(' or ') == 9 and "subject eq 'Subject 0, O''Neil'" in expression
    assert requests[2]['url'] == "/users('$adm@contoso.com')/calendar/calendarPermissions"
    guid = '4f1c2d3e-0000-4000-8000-000000000001'
    assert read_requests(spec(permissions=[], mailbox=guid), 'c1') == [{'id': 'c1:permissions', 'url': '/users/%s/calendar/calendarPermissions' % guid}]


def test_long_subjects_make_more_queries():
    events = [dict(EVENT, subject='%d %s' % (n, 'x' * 250)) for n in range(10)]
    requests = read_requests(spec(events=events), 'c0')
    assert len(requests) > 1 and all(len(r['url']) < 2000 for r in requests)


def test_plan_events_by_transaction_id():
    calendar = spec(events=[EVENT, dict(EVENT, subject='Lunch')])
    content = MailboxContent(events=[{'id': 'e1', 'subject': 'Welcome', 'transactionId': transaction_id('adele@contoso.com', 'Welcome')},
                                     {'id': 'e2', 'subject': 'Lunch'}])  # made by hand: no transactionId, not ours
    plan = plan_mailbox(calendar, content)
    assert [(e.subject, i) for e, i in plan.existing] == [('Welcome', 'e1')] and [e.subject for e in plan.create] == ['Lunch']
    (request,) = plan.requests('c0')
    assert request['method'] == 'POST' and request['url'] == "/users('adele@contoso.com')/events" and request['_kind'] == 'create_event'


def test_plan_permissions_present_and_exact():
    calendar = spec(permissions=[{'address': 'Megan@contoso.com', 'role': 'write'}, {'address': 'alex@contoso.com', 'role': 'read'},
                                 {'address': 'new@contoso.com', 'role': 'limitedRead'}])
    content = MailboxContent(permissions=[DEFAULT, entry('megan@contoso.com', 'read'), entry('alex@contoso.com', 'read'),
                                          entry('old@contoso.com', 'write'), entry('fixed@contoso.com', 'read', removable=False)])
    present = plan_mailbox(calendar, content)
    assert [p.address for p in present.grant] == ['new@contoso.com'] and present.remove == []
    assert [(p.address, e['role']) for p, e in present.update] == [('Megan@contoso.com', 'read')]
    assert [p.address for p in present.unchanged] == ['alex@contoso.com']
    exact = plan_mailbox(calendar, content, exact=True)
    assert [e['emailAddress']['address'] for e in exact.remove] == ['old@contoso.com']  # never the default or unremovable entries
    requests = exact.requests('c3')
    assert [(r['id'], r['method']) for r in requests] == [('c3:grant:0', 'POST'), ('c3:update:0', 'PATCH'), ('c3:remove:0', 'DELETE')]
    assert requests[1]['url'] == "/users('adele@contoso.com')/calendar/calendarPermissions/id-megan%40contoso.com"
    assert requests[1]['body'] == {'role': 'write'}


def test_plan_refuses_a_role_graph_does_not_allow():
    calendar = spec(permissions=[{'address': 'partner@fabrikam.com', 'role': 'write'}])
    content = MailboxContent(permissions=[entry('partner@fabrikam.com', 'read', allowed=['none', 'freeBusyRead', 'limitedRead', 'read'])])
    plan = plan_mailbox(calendar, content)
    assert plan.update == [] and plan.problems == [
        "calendars[0].permissions[0].role: 'write' cannot be given to partner@fabrikam.com on this calendar; Graph allows none, freeBusyRead, "
        "limitedRead, read"]


def test_plan_for_a_mailbox_that_does_not_exist_yet():
    plan = plan_mailbox(spec(events=[EVENT], permissions=[{'address': 'm@contoso.com', 'role': 'read'}]), None, exact=True)
    assert len(plan.create) == 1 and len(plan.grant) == 1 and plan.remove == []
