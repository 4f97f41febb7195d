# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared by the users tests: a catalogue of subscriptions, and a fake Graph answering the reads users are planned from."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import parse_users
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import SkuCatalog
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeWaits

E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900'
EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e'
TEAMS = '57ff2da0-773e-42df-b2af-ffb7a2317929'
EXCHANGE = 'efb87545-963c-4e0d-99df-69c6916d9eb0'
CATALOG = SkuCatalog([
    {'skuId': E3, 'skuPartNumber': 'ENTERPRISEPACK', 'consumedUnits': 8, 'prepaidUnits': {'enabled': 10},
     'servicePlans': [{'servicePlanId': TEAMS, 'servicePlanName': 'TEAMS1'}, {'servicePlanId': EXCHANGE, 'servicePlanName': 'EXCHANGE_S_ENTERPRISE'}]},
    {'skuId': EMS, 'skuPartNumber': 'EMS', 'consumedUnits': 3, 'prepaidUnits': {'enabled': 3}, 'servicePlans': []},
])


KNOWN = set(p.lower() for p in ('id', 'userPrincipalName', 'displayName', 'accountEnabled', 'usageLocation', 'assignedLicenses',
                                'licenseAssignmentStates', 'jobTitle', 'state', 'department', 'onPremisesSyncEnabled'))
SKUS = [{'skuId': E3, 'skuPartNumber': 'ENTERPRISEPACK', 'consumedUnits': 0, 'prepaidUnits': {'enabled': 5}, 'servicePlans': []}]
BOSS_ID = '00000000-0000-0000-0000-00000000b055'


class FakeDirectory(FakeWaits):
    """Answers the reads the plan sends, like Graph: in-queries, $select checks, subscribedSkus, organization."""

    def __init__(self, users=(), organization_status=200, groups=(), groups_status=200):
        super().__init__()
        self.users = [dict(u) for u in users]
        self.groups = [dict(g) for g in groups]
        self.organization_status = organization_status
        self.groups_status = groups_status
        self.calls = []  # one list of urls per batch call

    def batch(self, requests_, paginate=False):
        self.calls.append([r['url'] for r in requests_])
        return [self.answer(r['id'], r['url']) for r in requests_]

    def answer(self, request_id, url):
        parts = urlsplit(url)
        query = dict((k, v[0]) for k, v in parse_qs(parts.query).items())
        if parts.path == '/subscribedSkus':
            return GraphResponse(request_id, 200, body={'value': SKUS})
        if parts.path == '/organization':
            if self.organization_status == 403:
                denied = {'code': 'Authorization_RequestDenied', 'message': 'Insufficient privileges to complete the operation.'}
                return GraphResponse(request_id, 403, body={'error': denied})
            return GraphResponse(request_id, 200, body={'value': [{'verifiedDomains': [{'name': 'contoso.example'}]}]})
        for name in query.get('$select', '').split(','):
            if name and name.lower() not in KNOWN:
                return GraphResponse(request_id, 400, body={'error': {'code': 'BadRequest', 'message': (
                    "Parsing OData Select and Expand failed: Could not find a property named '%s' on type 'microsoft.graph.user'." % name)}})
        if parts.path == '/groups' and self.groups_status == 403:
            denied = {'code': 'Authorization_RequestDenied', 'message': 'Insufficient privileges to complete the operation.'}
            return GraphResponse(request_id, 403, body={'error': denied})
        objects = self.groups if parts.path == '/groups' else self.users
        match = re.match(r"(\w+) in \((.*)\)", unquote(query.get('$filter', '')))
        if not match:
            return GraphResponse(request_id, 200, body={'value': objects[:1]})
        prop, values = match.group(1), [v.replace("''", "'").lower() for v in re.findall(r"'((?:[^']|'')*)'", match.group(2))]
        found = [u for u in objects if str(u.get(prop)).lower() in values]
        return GraphResponse(request_id, 200, body={'value': found})


def one(entry, **kwargs):
    specs, problems = parse_users([entry], **kwargs)
    assert problems == [], problems
    return specs[0]


def specs_of(*entries, **kwargs):
    specs, problems = parse_users(list(entries), **kwargs)
    assert problems == []
    return specs
