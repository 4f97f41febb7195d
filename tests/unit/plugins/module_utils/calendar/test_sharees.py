# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""calendar/sharees.py: addresses of the tenant's domains must be someone's; others are external."""

from __future__ import annotations

import re
from urllib.parse import unquote

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import parse_calendars
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.sharees import check_sharees, lookup_requests, proxy_requests
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse


class FakeDirectory:
    """Answers the domains read and the user/group lookups from a small directory; ``refuse`` maps a URL prefix to a status."""

    def __init__(self, domains=('contoso.com', 'contoso.onmicrosoft.com'), users=(), groups=(), refuse=None):
        self.domains = domains
        self.objects = {'users': list(users), 'groups': list(groups)}
        self.refuse = refuse or {}
        self.batches = []

    def batch(self, requests, paginate=False):
        self.batches.append([unquote(r['url']) for r in requests])
        return [self._answer(r['id'], unquote(r['url'])) for r in requests]

    def _answer(self, request_id, url):
        for prefix, status in self.refuse.items():
            if url.startswith(prefix):
                return GraphResponse(request_id, status, {}, {'error': {'code': 'Authorization_RequestDenied', 'message': 'denied'}})
        if url.startswith('/organization'):
            return GraphResponse(request_id, 200, {}, {'value': [{'verifiedDomains': [{'name': d} for d in self.domains]}]})
        collection, expression = re.match(r'^/(users|groups)\?\$filter=(.*?)(?:&\$select=.*)?$', url).groups()
        proxy = re.match(r"^proxyAddresses/any\(p:p eq '(.*)'\)$", expression)
        if proxy:
            wanted = proxy.group(1).lower()
            found = [o for o in self.objects[collection] if wanted in [a.lower() for a in o.get('proxyAddresses', [])]]
        else:
            prop, values = re.match(r"^(\w+) in \((.*)\)$", expression).groups()
            names = [v.lower() for v in re.findall(r"'([^']*)'", values)]
            assert 1 <= len(names) <= 15
            found = [o for o in self.objects[collection] if str(o.get(prop, '')).lower() in names]
        return GraphResponse(request_id, 200, {}, {'value': found})


def specs(*addresses, mailbox='adele@contoso.com'):
    parsed, problems = parse_calendars([{'mailbox': mailbox, 'permissions': [{'address': a, 'role': 'read'} for a in addresses]}])
    assert problems == []
    return parsed


USERS = [{'id': '1', 'userPrincipalName': 'megan@contoso.com', 'mail': 'megan.bowen@contoso.com',
          'proxyAddresses': ['SMTP:megan.bowen@contoso.com', 'smtp:mb@contoso.com']}]
GROUPS = [{'id': 'g', 'mail': 'finance@contoso.com', 'proxyAddresses': ['SMTP:finance@contoso.com']}]


def test_a_typo_in_an_own_domain_is_refused_and_outside_addresses_are_external():
    client = FakeDirectory(users=USERS, groups=GROUPS)
    parsed = specs('megan@contoso.com', 'MEGAN.BOWEN@contoso.com', 'mb@contoso.com', 'finance@contoso.com', 'partner@fabrikam.com',
                   'megna@contoso.com')
    problems = check_sharees(client, parsed)
    assert [str(p) for p in problems] == [
        "calendars[0].permissions[5].address: 'megna@contoso.com' is in contoso.com, one of the tenant's verified domains, but no user "
        "or group has that address (as mail, userPrincipalName or proxy address); check the spelling, or create the recipient first"]
    assert problems[0].subject == 'adele@contoso.com'
    assert [p.external for p in parsed[0].permissions] == [False, False, False, False, True, False]
    assert parsed[0].permissions[4].view() == {'address': 'partner@fabrikam.com', 'role': 'read', 'external': True}
    assert parsed[0].permissions[4].body()['isInsideOrganization'] is False and parsed[0].permissions[0].body()['isInsideOrganization'] is True
    # one batch with the domains and the lookups; a second only for the own-domain addresses still unknown (mb@, megna@)
    assert len(client.batches) == 2
    proxied = sorted(re.search(r"eq 'smtp:([^']+)'", u).group(1) for u in client.batches[1] if u.startswith('/users'))
    assert proxied == ['mb@contoso.com', 'megna@contoso.com']


def test_nothing_is_refused_when_graph_does_not_tell():
    for refuse in ({'/organization': 403}, {'/groups': 403}, {'/users': 403}):
        parsed = specs('megna@contoso.com', 'partner@fabrikam.com')
        assert check_sharees(FakeDirectory(users=USERS, refuse=refuse), parsed) == [], refuse
    parsed = specs('megna@contoso.com')
    check_sharees(FakeDirectory(refuse={'/organization': 403}), parsed)
    assert parsed[0].permissions[0].external is None and parsed[0].permissions[0].view() == {'address': 'megna@contoso.com', 'role': 'read'}


def test_no_permissions_no_requests_and_lookups_go_fifteen_a_query():
    client = FakeDirectory()
    event = {'subject': 'Hi', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00'}
    parsed, dummy = parse_calendars([{'mailbox': 'adele@contoso.com', 'events': [event]}])
    assert check_sharees(client, parsed) == [] and client.batches == []
    addresses = ['p%02d@contoso.com' % i for i in range(16)]
    assert [len(chunk) for dummy, chunk in lookup_requests(addresses)] == [15, 1] * 3
    assert len(proxy_requests(addresses[:2])) == 4
