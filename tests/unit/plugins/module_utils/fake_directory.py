# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake client answering the directory reads the resolver and the membership planner send, from a dict of objects."""

from __future__ import annotations

import re
from urllib.parse import unquote

from ansible_collections.mynster.msgraph.plugins.module_utils.client.client import GraphClient
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.client.stats import ClientStats
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import MEMBER_TYPES

TYPES = {'users': 'user', 'groups': 'group', 'devices': 'device', 'servicePrincipals': 'servicePrincipal', 'contacts': 'orgContact'}
FILTER = re.compile(r"^/(\w+)\?\$filter=(\w+) in \((.*)\)(?:&\$select=(.*))?$")
LIST = re.compile(r"^/(\w+)\?\$select=[^&]*&\$top=999$")
RELATION = re.compile(r"^/(\w+)/([^/?]+)/(members|memberOf)\?")


class Settings:
    graph_base = 'https://graph.example/v1.0'
    api_version = 'v1.0'


class FakeClock:
    """A clock that moves only when something sleeps on it; ``on_sleep(now)`` runs after each sleep."""

    def __init__(self, now=0.0):
        self.now = now
        self.slept = []
        self.on_sleep = None

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep(self.now)


class FakeWaits:
    """GraphClient's own waiting (``wait``, ``poll``, ``wait_to_look_again``, ``stats``) on a ``FakeClock``."""

    wait = GraphClient.wait
    poll = GraphClient.poll
    wait_to_look_again = GraphClient.wait_to_look_again

    def __init__(self, clock=None):
        self.clock = clock or FakeClock()
        self._sleep = self.clock.sleep
        self.stats = ClientStats()


class FakeDirectory(FakeWaits):
    """Objects by id (each with ``@odata.type``) and ``members`` {group id: [ids]}; records every batch sent."""

    def __init__(self, *objects, members=None, clock=None):
        super().__init__(clock)
        self.settings = Settings()
        self.objects = dict((obj['id'], dict(obj)) for obj in objects)
        self.members = dict((group, list(ids)) for group, ids in (members or {}).items())
        self.sent = []  # [(api_version, [requests])]
        self.write_answer = lambda request: GraphResponse(request['id'], 204)

    def batch(self, requests_, paginate=False, api_version=None):
        self.sent.append((api_version or self.settings.api_version, list(requests_)))
        return [self._answer(request, api_version or 'v1.0') for request in requests_]

    def requests(self, method=None):
        return [r for dummy, batch in self.sent for r in batch if method is None or r.get('method', 'GET') == method]

    def _answer(self, request, version):
        method = request.get('method', 'GET')
        url = unquote(request['url'])
        if method == 'POST' and url == '/directoryObjects/getByIds':
            ids = [i.lower() for i in request['body']['ids']]
            return self._ok(request, [self.objects[i] for i in ids if i in self.objects])
        if method != 'GET':
            return self.write_answer(request)
        match = FILTER.match(url)
        if match:
            collection, prop, values, dummy = match.groups()
            wanted = [v.strip("'").replace("''", "'").lower() for v in re.findall(r"'(?:[^']|'')*'", values)]
            assert len(wanted) <= 15, url
            kind = TYPES[collection]
            found = [dict((k, v) for k, v in obj.items() if k != '@odata.type') for obj in self.objects.values()
                     if obj['@odata.type'] == '#microsoft.graph.' + kind and str(obj.get(prop, '')).lower() in wanted]
            return self._ok(request, found)
        match = LIST.match(url)
        if match:
            kind = TYPES[match.group(1)]
            return self._ok(request, [dict((k, v) for k, v in o.items() if k != '@odata.type') for o in self.objects.values()
                                      if o['@odata.type'] == '#microsoft.graph.' + kind])
        match = RELATION.match(url)
        if match:
            dummy, owner, relation = match.groups()
            if relation == 'members':
                ids = self.members.get(owner, [])
                if version == 'v1.0':  # Graph's known issue: v1.0 leaves service principals out
                    ids = [i for i in ids if self.objects[i]['@odata.type'] != '#microsoft.graph.servicePrincipal']
            else:
                ids = [group for group, members in self.members.items() if owner in members]
            return self._ok(request, [self.objects[i] for i in ids])
        raise AssertionError('unexpected request %s %s' % (method, url))

    @staticmethod
    def _ok(request, values):
        return GraphResponse(request['id'], 200, body={'value': [dict(v) for v in values]})


def obj(kind, object_id, **props):
    """A directory object of ``kind`` with ``@odata.type``."""
    body = {'id': object_id, '@odata.type': '#microsoft.graph.' + kind}
    body.update(props)
    return body


def guid(number):
    return '00000000-0000-0000-0000-%012d' % number


TEAM = obj('group', guid(10), displayName='Team', groupTypes=['Unified'])
SECURITY = obj('group', guid(11), displayName='Sec', groupTypes=[])
ADMINS = obj('group', guid(12), displayName='Admins', groupTypes=[], isAssignableToRole=True)


def membership_tenant():
    """Users u1..u4 and groups of every kind (Mixed holds members of every type), as the membership tests use them."""
    users = [obj('user', guid(i), userPrincipalName='u%d@x' % i, displayName='U%d' % i) for i in range(1, 5)]
    return FakeDirectory(
        *users,
        obj('group', guid(20), displayName='Mixed', groupTypes=[]),
        obj('group', guid(21), displayName='Nested', groupTypes=[]),
        obj('group', guid(22), displayName='Dynamic', groupTypes=['DynamicMembership']),
        dict(ADMINS),
        dict(TEAM),
        obj('device', guid(30), displayName='PC-1'),
        obj('servicePrincipal', guid(31), displayName='HR sync', appId=guid(310)),
        obj('orgContact', guid(32), displayName='Partner', mail='p@f'),
        members={guid(20): [guid(1), guid(21), guid(30), guid(31), guid(32)], guid(22): [guid(1)], guid(12): [guid(1)], guid(21): [guid(1)]},
    )


def membership_params(**overrides):
    """graph_group_membership's task parameters with their defaults, ``overrides`` applied."""
    base = dict(group=None, members=None, user=None, groups=None, memberships=None, state='present', allow_empty=False,
                max_removals=None, replication_timeout=0.0, member_types=list(MEMBER_TYPES), on_missing_permission='fail',
                recently_created=None)
    base.update(overrides)
    return base
