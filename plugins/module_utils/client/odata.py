# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Building Graph URLs: object ids, OData string literals, ``in`` filters and paths that address a user.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Every URL the collection sends that names an object is built here, so the rules live in one place:
a user is addressed by object id once it is known, and otherwise by the parenthesised key form
``/users('upn')``, which Graph accepts for every userPrincipalName, including the ones a plain
``/users/{upn}`` segment cannot carry (a leading ``$`` from synchronised directories, a guest's ``#EXT#``).
A URL a task writes itself (``graph_batch``) keeps its meaning through ``encode_request_url()``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# Graph allows at most 15 values in one ``in (...)`` clause without advanced queries.
MAX_IN_VALUES = 15
# The largest $top Graph's directory collections accept: the fewest pages per list.
PAGE_SIZE = 999
GUID = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
# Kept readable in $filter expressions; everything else that could break the URL is percent-encoded.
_FILTER_SAFE = "'(),@"
# Kept literal inside a parenthesised key: the OData quote, and characters a UPN may hold that mean nothing here.
_KEY_SAFE = "@'!$~"
# An absolute URL (a link Graph returned) rather than one relative to the API version.
ABSOLUTE_URL = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://')
# A '%' that does not start a percent-escape (``%23``) is a literal percent sign.
_LONE_PERCENT = re.compile(r'%(?![0-9A-Fa-f]{2})')
# Characters no URL may carry (line breaks, tabs, other control characters).
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')


def is_guid(value):
    """True for an object id (a GUID string)."""
    return isinstance(value, str) and bool(GUID.match(value.strip()))


def odata_string(value):
    """An OData string literal: single quotes around it, quotes inside doubled."""
    return "'%s'" % str(value).replace("'", "''")


def quote_filter(expression):
    """Percent-encode a ``$filter`` expression for a URL, keeping OData punctuation readable."""
    return quote(expression, safe=_FILTER_SAFE)


def chunked(values, size=MAX_IN_VALUES):
    """Consecutive slices of ``values`` with at most ``size`` elements."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def in_filter(prop, values):
    """``prop in ('a','b')`` for at most 15 values (quoted, not yet URL-encoded)."""
    return '%s in (%s)' % (prop, ','.join(odata_string(value) for value in values))


def filter_query(path, prop, values, fields=None):
    """Relative URL selecting ``fields`` of the objects under ``path`` whose ``prop`` is one of ``values`` (at most 15)."""
    url = '%s?$filter=%s' % (path, quote_filter(in_filter(prop, values)))
    if fields:
        url += '&$select=%s' % ','.join(fields)
    return url


def user_lookups(names, fields=None):
    """``[(names, url)]``: the ``in`` queries reading the users named by ``names`` (userPrincipalNames, and object
    ids told apart by their shape), 15 to a query, each with the names it asks for."""
    lookups = []
    for prop, values in (('userPrincipalName', [n for n in names if not is_guid(n)]), ('id', [n for n in names if is_guid(n)])):
        lookups.extend((chunk, filter_query('/users', prop, chunk, fields)) for chunk in chunked(values))
    return lookups


def key_segment(key):
    """A key in Graph's parenthesised form, ``('adele@contoso.com')``, quoted and percent-encoded."""
    return "(%s)" % quote(odata_string(key.strip()), safe=_KEY_SAFE)


def user_path(key, *segments):
    """The path of a user (and optionally of something below it) for an object id or a userPrincipalName.

    ``user_path('4f1c...', 'events')`` is ``/users/4f1c.../events``; ``user_path('$adm@contoso.com')`` is
    ``/users('$adm@contoso.com')``. Use the object id whenever it is known.
    """
    key = str(key).strip()
    path = '/users/%s' % key if is_guid(key) else '/users%s' % key_segment(key)
    for segment in segments:
        path += '/' + segment.strip('/')
    return path


def object_path(collection, object_id, *segments):
    """``/{collection}/{id}[/segments]`` for an object addressed by its id (groups, devices, ...)."""
    path = '/%s/%s' % (collection.strip('/'), quote(str(object_id).strip(), safe=''))
    for segment in segments:
        path += '/' + segment.strip('/')
    return path


def encode_request_url(url):
    """A relative request URL as written by a task, with each character that would change its meaning on the way
    to Graph percent-encoded; already encoded characters (``%23``) are kept.

    - ``#`` becomes ``%23`` (path and query): a raw ``#`` starts a URL fragment, which is never sent, so
      ``/users/ann_fabrikam.com#EXT#@contoso.com`` would address ``/users/ann_fabrikam.com``;
    - a ``%`` that starts no escape becomes ``%25`` (``'100%'``);
    - in the query, ``+`` becomes ``%2B`` (Graph reads a raw ``+`` in a query as a space, so ``'a+b@contoso.com'``
      would match nothing) and ``://`` becomes ``%3A%2F%2F`` (Graph refuses a whole ``$batch`` whose inner url
      holds ``://``, taking it for an absolute URL; decoded, the query value is the same).

    Raises ``ValueError`` for a URL no encoding can save: control characters (a line break), ``://`` in the path.
    """
    control = _CONTROL.search(url)
    if control:
        raise ValueError('holds the control character %r at position %d; write the url on one line, and encode '
                         'characters that must be sent as %%XX' % (control.group(0), control.start() + 1))
    path, mark, query = url.partition('?')
    path = _LONE_PERCENT.sub('%25', path).replace('#', '%23')
    if '://' in path:
        raise ValueError('is an absolute URL; give it relative to the API version, like /users?$top=5')
    if mark:
        query = _LONE_PERCENT.sub('%25', query).replace('#', '%23').replace('+', '%2B').replace('://', '%3A%2F%2F')
    return path + mark + query


def directory_object_url(settings, object_id):
    """The absolute ``@odata.id`` Graph takes in a reference body (``$ref``, ``@odata.bind``): ``{graph}/{version}/directoryObjects/{id}``."""
    return '%s/directoryObjects/%s' % (settings.graph_base, quote(str(object_id).strip(), safe=''))
