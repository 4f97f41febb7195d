# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Who a calendar permission is for: someone of the tenant, or an outside address.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

An address in one of the tenant's verified domains that no user or group of the directory has (as mail,
userPrincipalName or proxy address) is a typo far more often than not, and Outlook would share the calendar with it
without a word. It is refused before anything is written, naming the item and the field. An address in any other
domain is external: it is granted as listed, and marked ``external`` in the result and the diff.

Nothing is refused when Graph does not tell: without permission to read the organization (its verified domains),
users or groups, or for an answer that failed, the addresses are left unmarked and granted as before.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import problem_at
from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import chunked, filter_query, odata_string, quote_filter

DOMAINS_REQUEST = {'id': 'domains', 'url': '/organization?$select=verifiedDomains'}
# (collection, property) an address of the tenant is looked up by, 15 addresses a query.
LOOKUPS = (('users', 'mail'), ('users', 'userPrincipalName'), ('groups', 'mail'))
# Looked up one address a query, only for the addresses of the tenant's domains that the lookups above did not find.
PROXY_LOOKUPS = ('users', 'groups')
FIELDS = ('id', 'mail', 'userPrincipalName', 'proxyAddresses')


def domain_of(address):
    return str(address).rpartition('@')[2].strip().lower()


def verified_domains(answer):
    """The tenant's verified domain names (lower case) from the ``/organization`` answer, or ``None`` when it failed."""
    body = answer.body if answer is not None and answer.ok else None
    if not isinstance(body, dict) or not isinstance(body.get('value'), list):
        return None
    return set(str(domain.get('name')).lower() for org in body['value'] if isinstance(org, dict)
               for domain in org.get('verifiedDomains') or [] if isinstance(domain, dict) and domain.get('name'))


def lookup_requests(addresses):
    """``[(request, addresses)]``: the ``in`` queries for the users and groups having one of ``addresses``."""
    pairs = []
    for collection, prop in LOOKUPS:
        fields = [f for f in FIELDS if collection == 'users' or f != 'userPrincipalName']
        for n, chunk in enumerate(chunked(addresses)):
            request = {'id': '%s-%s:%d' % (collection, prop, n), 'url': filter_query('/' + collection, prop, chunk, fields)}
            pairs.append((request, chunk))
    return pairs


def proxy_requests(addresses):
    """``[(request, [address])]``: a ``proxyAddresses`` query per address and collection (an alias of a user or group)."""
    pairs = []
    for collection in PROXY_LOOKUPS:
        for n, address in enumerate(addresses):
            expression = 'proxyAddresses/any(p:p eq %s)' % odata_string('smtp:' + address)
            request = {'id': '%s-proxy:%d' % (collection, n), 'url': '/%s?$filter=%s&$select=id' % (collection, quote_filter(expression))}
            pairs.append((request, [address]))
    return pairs


def _found(answers, pairs):
    """``(found, unanswered)``: the lower-case addresses some answer lists, and those of queries Graph did not answer."""
    found, unanswered = set(), set()
    for request, addresses in pairs:
        answer = answers.get(request['id'])
        body = answer.body if answer is not None and answer.ok else None
        if not isinstance(body, dict) or not isinstance(body.get('value'), list):
            unanswered.update(addresses)
        elif request['id'].split(':')[0].endswith('-proxy'):
            found.update(addresses if body['value'] else ())
        else:
            for obj in body['value']:
                if isinstance(obj, dict):
                    found.update(str(obj.get(key) or '').lower() for key in ('mail', 'userPrincipalName'))
    return found, unanswered


def _batch(client, requests):
    return dict((answer.id, answer) for answer in client.batch(requests, paginate=True)) if requests else {}


def check_sharees(client, specs):
    """Mark each permission of ``specs`` (``CalendarSpec``) ``external`` or not, and return the problems: addresses in the
    tenant's verified domains that no user or group has.

    One ``client.batch`` reads the verified domains and looks every address up; a second one, only for addresses of the
    tenant's domains not found yet, looks them up among proxy addresses (aliases).
    """
    permissions = [(spec, permission) for spec in specs for permission in spec.permissions or []]
    if not permissions:
        return []
    addresses = sorted(set(permission.key for dummy, permission in permissions))
    pairs = lookup_requests(addresses)
    answers = _batch(client, [DOMAINS_REQUEST] + [request for request, dummy in pairs])
    domains = verified_domains(answers.get(DOMAINS_REQUEST['id']))
    if not domains:
        return []
    found, unknown = _found(answers, pairs)
    missing = [a for a in addresses if domain_of(a) in domains and a not in found and a not in unknown]
    proxies = proxy_requests(missing)
    found_by_proxy, unknown_by_proxy = _found(_batch(client, [request for request, dummy in proxies]), proxies)
    found, unknown = found | found_by_proxy, unknown | unknown_by_proxy
    problems = []
    for spec, permission in permissions:
        inside = domain_of(permission.address) in domains
        permission.external = not inside
        if inside and permission.key not in found and permission.key not in unknown:
            problems.append(problem_at(permission.path + '.address', (
                "'%s' is in %s, one of the tenant's verified domains, but no user or group has that address (as mail, "
                "userPrincipalName or proxy address); check the spelling, or create the recipient first"
                % (permission.address, domain_of(permission.address))), spec.mailbox))
    return problems
