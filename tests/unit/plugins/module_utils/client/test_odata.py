# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import (
    encode_request_url,
    filter_query,
    is_guid,
    object_path,
    odata_string,
    user_lookups,
    user_path,
)

ID = '6e7b768e-07e2-4810-8459-485f84f8f204'


def test_guids():
    assert is_guid(ID) and is_guid(ID.upper()) and is_guid(' %s ' % ID)
    assert not is_guid('adele@contoso.example') and not is_guid(None) and not is_guid(ID[:-1])


def test_odata_strings_double_their_quotes():
    assert odata_string("o'brien@contoso.example") == "'o''brien@contoso.example'"


def test_user_paths_use_the_id_or_the_parenthesised_key():
    assert user_path(ID) == '/users/%s' % ID
    assert user_path(ID, 'events') == '/users/%s/events' % ID
    assert user_path('$adm@contoso.example') == "/users('$adm@contoso.example')"
    assert user_path("o'brien@contoso.example", '/calendar/', 'calendarPermissions') == \
        "/users('o''brien@contoso.example')/calendar/calendarPermissions"
    assert user_path('ann_x.com#EXT#@contoso.onmicrosoft.com', 'revokeSignInSessions') == \
        "/users('ann_x.com%23EXT%23@contoso.onmicrosoft.com')/revokeSignInSessions"
    assert user_path('a%b c@contoso.example') == "/users('a%25b%20c@contoso.example')"


def test_object_paths():
    assert object_path('groups', ID, 'members', '$ref') == '/groups/%s/members/$ref' % ID


def test_in_filters_are_chunked_by_15_and_encoded():
    guid = '4F1C2D3E-0000-4000-8000-000000000001'
    lookups = user_lookups(['u%d#x@c.example' % n for n in range(31)] + [guid], ('id',))
    urls = [url for dummy, url in lookups]
    assert len(urls) == 4 and [len(names) for names, dummy in lookups] == [15, 15, 1, 1]
    assert urls[3] == "/users?$filter=id%20in%20('" + guid + "')&$select=id"
    assert urls[0].startswith("/users?$filter=userPrincipalName%20in%20('u0%23x@c.example','u1%23x@c.example',")
    assert urls[0].endswith('&$select=id')
    assert filter_query('/groups', 'displayName', ["Bob's team"]) == "/groups?$filter=displayName%20in%20('Bob''s%20team')"


@pytest.mark.parametrize('written, sent', [
    # a guest's #EXT#: a raw '#' would start a fragment and cut the path short
    ('/users/ann_fabrikam.com#EXT#@contoso.example', '/users/ann_fabrikam.com%23EXT%23@contoso.example'),
    ("/users('ann_fabrikam.com#EXT#@contoso.example')/memberOf", "/users('ann_fabrikam.com%23EXT%23@contoso.example')/memberOf"),
    ("/users?$filter=userPrincipalName eq 'ann_fabrikam.com#EXT#@contoso.example'",
     "/users?$filter=userPrincipalName eq 'ann_fabrikam.com%23EXT%23@contoso.example'"),
    # '://' in the query: Graph takes it for an absolute url and refuses the whole batch; encoded, the value is the same
    ("/sites?$filter=webUrl eq 'https://contoso.sharepoint.com/sites/hr'",
     "/sites?$filter=webUrl eq 'https%3A%2F%2Fcontoso.sharepoint.com/sites/hr'"),
    # a raw '+' in a query is a space to Graph
    ("/users?$filter=mail eq 'a+b@contoso.example'", "/users?$filter=mail eq 'a%2Bb@contoso.example'"),
    ('/users?$filter=createdDateTime ge 2026-01-01T00:00:00+01:00', '/users?$filter=createdDateTime ge 2026-01-01T00:00:00%2B01:00'),
    # a '%' that starts no escape is a percent sign; escapes already written stay as they are
    ("/groups?$filter=displayName eq '100% remote'", "/groups?$filter=displayName eq '100%25 remote'"),
    ('/users/ann_fabrikam.com%23EXT%23@contoso.example', '/users/ann_fabrikam.com%23EXT%23@contoso.example'),
    ("/users?$filter=mail eq 'a%2Bb@contoso.example'", "/users?$filter=mail eq 'a%2Bb@contoso.example'"),
    # '+' in a path is a plus, and what needs no encoding is left as written
    ('/groups/a+b/members', '/groups/a+b/members'),
    ("/users?$filter=startswith(displayName,'a') and accountEnabled eq true&$select=id,displayName&$top=5",
     "/users?$filter=startswith(displayName,'a') and accountEnabled eq true&$select=id,displayName&$top=5"),
    ('/me/drive/root:/report.xlsx:/content', '/me/drive/root:/report.xlsx:/content'),
])
def test_request_urls_keep_their_meaning(written, sent):
    assert encode_request_url(written) == sent
    assert encode_request_url(sent) == sent  # encoding twice changes nothing


@pytest.mark.parametrize('url, message', [
    ('/users\n/me', "holds the control character '\\n' at position 7; write the url on one line"),
    ('/users\t', 'control character'),
    ('/redirect/https://evil.example/x', 'is an absolute URL; give it relative to the API version'),
])
def test_request_urls_no_encoding_can_save_are_refused(url, message):
    with pytest.raises(ValueError) as caught:
        encode_request_url(url)
    assert message in str(caught.value)
