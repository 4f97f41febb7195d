# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Reading users in bulk: the queries, and what Graph's answer says about property names it does not know.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Users are read 15 to an ``in`` query with the properties a task names in ``$select`` (and the manager
through ``$expand``), every query of a read in one ``client.batch`` call. Graph checks ``$select``
itself: a property it does not know answers 400 ``Could not find a property named 'X' on type
'microsoft.graph.user'.``, so no list of valid names is kept here. Graph names only the first unknown
property, so on such an answer every name the task gave is tried once (one small query each, in one
batch) and the read is repeated without the unknown ones.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import PAGE_SIZE, quote_filter, user_lookups

USER_TYPE = 'microsoft.graph.user'
MANAGER_FIELDS = ('id', 'userPrincipalName')
# The answer to a $select naming a property the type does not have.
_UNKNOWN_PROPERTY = re.compile(r"Could not find a property named '([^']+)' on type '([\w.]+)'")


def unknown_property(answer, type_name=USER_TYPE):
    """The property Graph says ``type_name`` does not have, from a 400 answer; else None."""
    if answer.status != 400:
        return None
    error = answer.error()
    match = _UNKNOWN_PROPERTY.search((error.message if error else '') or '')
    if match and match.group(2) == type_name:
        return match.group(1)
    return None


def expand_manager():
    """The ``$expand`` that reads each user's manager with its id and userPrincipalName."""
    return '$expand=manager($select=%s)' % ','.join(MANAGER_FIELDS)


def user_queries(names, fields, with_manager=False):
    """URLs reading the users named by ``names`` (userPrincipalNames and object ids), 15 per query."""
    urls = [url for dummy, url in user_lookups(names, fields)]
    if with_manager:
        urls = [url + '&' + expand_manager() for url in urls]
    return urls


def filter_url(expression, fields, with_manager=False):
    """The first page of the users matching a ``$filter`` expression (or every user, for None)."""
    url = '/users?$select=%s&$top=%d' % (','.join(fields), PAGE_SIZE)
    if expression:
        url += '&$filter=' + quote_filter(expression)
    if with_manager:
        url += '&' + expand_manager()
    return url


def probe_url(name):
    """A query only Graph's check of ``$select`` matters for: does a user have property ``name``?"""
    return '/users?$top=1&$select=%s' % quote(name, safe='')


class UserReads:
    """One batched read whose user queries all select the same properties.

    ``build(fields)`` returns the requests (dicts with ``id`` and ``url``) for a list of property names;
    ``read(client, fields, given)`` sends them and returns ``(answers by id, unknown names)``, where
    ``given`` are the names the task chose (the ones that may be unknown to Graph). When some are unknown,
    the queries Graph refused are read again without them, unless ``reread`` is false (the caller stops there).
    """

    def __init__(self, build):
        self.build = build

    def read(self, client, fields, given=(), reread=True):
        answers = _send(client, self.build(fields))
        refused = [answer for answer in answers.values() if unknown_property(answer)]
        if not refused:
            return answers, []
        unknown = find_unknown_properties(client, list(dict.fromkeys(given)))
        if not unknown:
            # Graph named something the task did not choose: report Graph's answer as it is.
            raise refused[0].error(context='Reading users')
        if reread:
            # Only the refused queries are sent again, without the unknown names; their ids do not depend on the fields.
            known = [f for f in fields if f not in unknown]
            refused_ids = set(answer.id for answer in refused)
            answers.update(_send(client, [request for request in self.build(known) if request['id'] in refused_ids]))
        return answers, unknown


def find_unknown_properties(client, names):
    """The names in ``names`` Graph does not know on users: one probe each, all in one batch."""
    requests_ = [{'id': 'probe:%d' % n, 'url': probe_url(name)} for n, name in enumerate(names)]
    unknown = []
    for name, answer in zip(names, client.batch(requests_)):
        if unknown_property(answer):
            unknown.append(name)
        elif not answer.ok:
            raise answer.error(context="Checking the user property '%s'" % name)
    return unknown


def _send(client, requests_):
    return dict((answer.id, answer) for answer in client.batch(requests_, paginate=True))
