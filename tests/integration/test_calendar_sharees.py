# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_calendar's sharees: an address of the tenant's own domains must be someone's; outside addresses are external."""

from __future__ import annotations

from .test_graph_calendar import DEFAULT_ENTRY, calendar, play, seed, task, upn, writes


def test_external_addresses_are_granted_and_marked_and_aliases_are_the_tenants(emulator, playbook):
    seed(emulator, 'adele', 'megan')
    emulator.seed(users=[{'userPrincipalName': upn('lynne'), 'displayName': 'Lynne', 'mail': 'lynne.robbins@contoso.com',
                          'proxyAddresses': ['SMTP:lynne.robbins@contoso.com', 'smtp:lr@contoso.com']}],
                  groups=[{'displayName': 'Finance', 'mailNickname': 'finance', 'mailEnabled': True, 'securityEnabled': False,
                           'groupTypes': ['Unified'], 'mail': 'finance@contoso.com'}])
    emulator.reset_stats()
    permissions = [{'address': upn('megan'), 'role': 'read'}, {'address': 'Partner@Fabrikam.example', 'role': 'read'},
                   {'address': 'lr@contoso.com', 'role': 'read'}, {'address': 'finance@contoso.com', 'role': 'limitedRead'}]
    text = play(task('Share', calendars=[calendar('adele', permissions=permissions)]))
    preview = playbook(text, check=True, diff=True)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0
    granted = preview.result('Share')['calendars'][0]['permissions']['granted']
    assert granted == [{'address': upn('megan'), 'role': 'read'}, {'address': 'Partner@Fabrikam.example', 'role': 'read', 'external': True},
                       {'address': 'lr@contoso.com', 'role': 'read'}, {'address': 'finance@contoso.com', 'role': 'limitedRead'}]
    assert preview.result('Share')['diff']['after'][upn('adele')]['external'] == ['Partner@Fabrikam.example']

    run = playbook(text, diff=True)
    assert run.rc == 0, run
    assert run.result('Share')['diff']['before'][upn('adele')] == {'events': [], 'permissions': {DEFAULT_ENTRY: 'freeBusyRead'}}
    again = playbook(text, diff=True)
    assert again.rc == 0 and again.result('Share')['changed'] is False, again
    unchanged = again.result('Share')['calendars'][0]['permissions']['unchanged']
    assert [p for p in unchanged if p.get('external')] == [{'address': 'Partner@Fabrikam.example', 'role': 'read', 'external': True}]


def test_without_the_tenants_domains_nothing_is_refused_or_marked(emulator, playbook):
    """No Organization.Read.All: the domains are unknown, so a typo cannot be told from an outside address."""
    seed(emulator, 'adele', 'megan')
    roles = [r for r in emulator.default_config()['app_roles'] if r not in ('Organization.Read.All', 'Directory.Read.All')]
    emulator.configure(app_roles=roles)
    run = playbook(play(task('Share', calendars=[calendar('adele', permissions=[{'address': upn('megna'), 'role': 'read'}])])))
    assert run.rc == 0, run
    assert run.result('Share')['calendars'][0]['permissions']['granted'] == [{'address': upn('megna'), 'role': 'read'}]
