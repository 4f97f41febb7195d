# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Users read back as graph_user_bulk entries (graph_user_info): by name or id, by ``$filter``, or all.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import name_of
from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import PROPERTY_NAME, READ_ONLY_KEYS, REFUSED_KEYS
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import (
    LICENSE_FIELDS,
    SkuCatalog,
    current_licenses,
    inherited_licences,
    read_licence_groups,
    subscriptions_request,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.users.mailboxes import mailbox_licences
from ansible_collections.mynster.msgraph.plugins.module_utils.users.reader import UserReads, filter_url, user_queries
from ansible_collections.mynster.msgraph.plugins.module_utils.users.synchronised import is_synchronised


def user_item(user, properties, catalog=None, include_licenses=False, include_manager=False):
    """A user read from Graph as a ``graph_user_bulk`` entry: the ``properties`` (null ones too), direct licences, manager.

    Licences are named by skuPartNumber, with ``disabled_plans`` by service plan name when some are disabled;
    licences inherited from groups are left out. The manager is named by userPrincipalName (by id when it has none).
    """
    item = {'userPrincipalName': user.get('userPrincipalName')}
    spelled = dict((str(key).lower(), key) for key in user)
    for name in properties:
        if name.lower() == 'userprincipalname':
            continue
        key = spelled.get(name.lower(), name)
        item[key] = user.get(key)
    if include_licenses:
        direct, dummy = current_licenses(user)
        catalog = catalog or SkuCatalog([])
        entries = []
        for sku_id, disabled in direct.items():
            name = catalog.part_number(sku_id)
            entries.append(name if not disabled else {'sku': name, 'disabled_plans': catalog.plan_names(sku_id, disabled)})
        item['licenses'] = sorted(entries, key=lambda entry: str(entry if isinstance(entry, str) else entry['sku']).lower())
    if include_manager:
        item['manager'] = name_of(user.get('manager'))
    return item


# Keys of a graph_user_bulk entry that are not Graph properties, with where graph_user_info puts them instead.
_NOT_PROPERTIES = {
    'licenses': 'licences come with include_licenses',
    'manager': 'the manager comes with include_manager',
    'password': 'Graph never returns passwords',
    'force_change_password': 'it is an option of graph_user_bulk, not a property',
    'account_state': 'accountEnabled tells whether the account is enabled',
}


def readable_property_problems(names):
    """Problems with property names to read back as task entries (``graph_user_info``'s ``properties``)."""
    problems = []
    for index, name in enumerate(names or ()):
        label = 'properties[%d]' % index
        low = str(name).lower()
        if not isinstance(name, str) or not PROPERTY_NAME.match(name):
            problems.append(Problem('%r is not a Graph property name' % (name,), label))
        elif low in _NOT_PROPERTIES:
            problems.append(Problem("'%s' is not a user property; %s" % (name, _NOT_PROPERTIES[low]), label))
        elif low in REFUSED_KEYS or low in READ_ONLY_KEYS:
            why = ' (read-only in Graph)' if low in READ_ONLY_KEYS else ''
            problems.append(Problem("'%s' cannot be written back by graph_user_bulk%s; the users returned must be valid "
                                    "graph_user_bulk entries" % (name, why), label))
    return problems


class UserExport:
    """Users read back as ``graph_user_bulk`` entries (``graph_user_info``): by name or id, by ``$filter``, or all.

    ``names`` (userPrincipalNames or object ids; None when the task named nobody) or ``expression`` (a ``$filter``;
    with neither, every user). ``read(client)`` returns ``(items, ids, missing, unknown)``: the entries, each found
    user's object id by userPrincipalName (ids cannot go in the entries, which graph_user_bulk must take back), the
    names that matched no user, and the property names Graph does not know (when there are any, nothing else is
    returned). After ``read``, ``synchronised`` lists the userPrincipalNames of the users found that are synchronised
    from on-premises AD (``onPremisesSyncEnabled``, always read; read-only, so never in the entries).

    With ``include_licenses``, ``read`` also fills ``inherited``: for each found user that inherits licences from groups,
    by userPrincipalName, ``licences.inherited_licences`` (SKU, granting group's id and name, state, error; the names
    read in one more batched read), ``mailboxes``: for each found user holding a licence with an Exchange Online mailbox
    plan, ``mailboxes.mailbox_licences``, and ``warnings`` when the groups' names could not be read.
    """

    def __init__(self, names=None, expression=None, properties=(), include_licenses=False, include_manager=False):
        self.names = None if names is None else list(dict.fromkeys(str(n).strip() for n in names))
        self.expression = expression
        self.properties = [p for p in properties if p.lower() not in ('id', 'userprincipalname')]
        self.include_licenses = include_licenses
        self.include_manager = include_manager
        self.synchronised = []
        self.inherited = {}
        self.mailboxes = {}
        self.warnings = []

    def fields(self):
        fields = ['id', 'userPrincipalName', 'onPremisesSyncEnabled'] + self.properties + (list(LICENSE_FIELDS) if self.include_licenses else [])
        return list(dict((f.lower(), f) for f in reversed(fields)).values())[::-1]

    def build(self, fields):
        if self.names is None:
            urls = [filter_url(self.expression, fields, self.include_manager)]
        else:
            urls = user_queries(self.names, fields, self.include_manager)
        requests_ = [{'id': 'users:%d' % n, 'url': url} for n, url in enumerate(urls)]
        if self.include_licenses:
            requests_.append(subscriptions_request())
        return requests_

    def read(self, client):
        if self.names == []:
            return [], {}, [], []
        answers, unknown = UserReads(self.build).read(client, self.fields(), self.properties, reread=False)
        if unknown:
            return [], {}, [], unknown
        catalog = SkuCatalog([])
        found = []
        for request_id in sorted(answers, key=_order):
            answer = answers[request_id]
            if not answer.ok:
                raise answer.error(context=_context(request_id, self.expression))
            values = (answer.body or {}).get('value') or []
            if request_id == 'skus':
                catalog = SkuCatalog(values)
            else:
                found.extend(values)
        users, missing = found, []
        if self.names is not None:
            by_key = {}
            for user in found:
                by_key[str(user.get('id')).lower()] = user
                by_key[str(user.get('userPrincipalName')).lower()] = user
            chosen = dict((by_key[n.lower()]['id'], by_key[n.lower()]) for n in self.names if n.lower() in by_key)
            users, missing = list(chosen.values()), [n for n in self.names if n.lower() not in by_key]
        items = [user_item(user, self.properties, catalog, self.include_licenses, self.include_manager) for user in users]
        if self.include_licenses:
            groups = read_licence_groups(client, users)
            self.warnings = [w for w in [groups.warning()] if w]
            for user in users:
                inherited = inherited_licences(user, catalog, groups)
                if inherited:
                    self.inherited[user['userPrincipalName']] = inherited
                mailbox = mailbox_licences(user, catalog, groups)
                if mailbox:
                    self.mailboxes[user['userPrincipalName']] = mailbox
        ids = dict((user['userPrincipalName'], user['id']) for user in users)
        self.synchronised = [user['userPrincipalName'] for user in users if is_synchronised(user)]
        return items, ids, missing, []


def _order(request_id):
    kind, dummy, number = request_id.partition(':')
    return (kind, int(number) if number.isdigit() else 0)


def _context(request_id, expression):
    if request_id == 'skus':
        return 'Reading subscribedSkus (include_licenses)'
    if expression:
        return 'Reading users with filter %s' % expression
    return 'Reading users'
