# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OData query options on /users and /groups: $filter, $select, $top, paging, $count, $expand, $orderby, $search."""

import urllib.parse

import pytest

EVENTUAL = {"ConsistencyLevel": "eventual"}


@pytest.fixture
def people(graph):
    """30 users u00..u29 (every third disabled), plus O'Brien and a manager link."""
    users = [{"userPrincipalName": f"u{i:02d}@contoso.example", "displayName": f"User {i:02d}", "accountEnabled": i % 3 != 0,
              "jobTitle": "Engineer" if i < 10 else None} for i in range(30)]
    users.append({"userPrincipalName": "obrien@contoso.example", "displayName": "Pat O'Brien", "manager": "u01@contoso.example"})
    graph.seed(users=users)
    return graph


def _ids(resp):
    assert resp.status_code == 200, resp.text
    return [u["userPrincipalName"] for u in resp.json()["value"]]


def _users(graph, headers=None, **params):
    return graph.get("/users", params={f"${k}": v for k, v in params.items()}, headers=headers)


def test_filters(people):
    assert _ids(_users(people, filter="userPrincipalName eq 'U05@CONTOSO.EXAMPLE'")) == ["u05@contoso.example"]
    assert sorted(_ids(_users(people, filter="userPrincipalName in ('u01@contoso.example','u02@contoso.example')"))) == [
        "u01@contoso.example", "u02@contoso.example"]
    assert len(_ids(_users(people, filter="startswith(displayName,'user 1')"))) == 10
    assert len(_ids(_users(people, filter="startswith(displayName,'User') and accountEnabled eq false"))) == 10
    assert _ids(_users(people, filter="displayName eq 'Pat O''Brien'")) == ["obrien@contoso.example"]
    assert len(_ids(_users(people, filter="jobTitle eq null"))) == 21
    assert len(_ids(_users(people, filter="(jobTitle eq 'engineer' or displayName eq 'User 20') and accountEnabled eq true"))) == 7
    assert len(_ids(_users(people, filter="DisplayName eq 'User 03'"))) == 1  # property names are case-insensitive


def test_in_limit_and_advanced_queries(people):
    values = ",".join(f"'u{i:02d}@contoso.example'" for i in range(16))
    too_many = _users(people, filter=f"userPrincipalName in ({values})")
    assert too_many.status_code == 400
    assert too_many.json()["error"]["code"] == "Request_UnsupportedQuery"
    assert "Max allowed: 15" in too_many.json()["error"]["message"]
    assert len(_ids(_users(people, EVENTUAL, filter=f"userPrincipalName in ({values})", count="true"))) == 16
    assert _users(people, filter="accountEnabled ne true").status_code == 400
    assert len(_ids(_users(people, EVENTUAL, filter="accountEnabled ne true", count="true"))) == 10


def test_filter_errors(people):
    unknown = _users(people, filter="colour eq 'red'")
    assert unknown.status_code == 400 and "colour" in unknown.json()["error"]["message"]
    assert _users(people, filter="aboutMe eq 'x'").json()["error"]["code"] == "Request_UnsupportedQuery"
    assert _users(people, filter="displayName eq").status_code == 400
    assert _users(people, filter="displayName eq 'x' and").status_code == 400


def test_lambda_on_collections(graph):
    graph.seed(groups=[{"displayName": "M365", "groupTypes": ["Unified"], "mailEnabled": True}, {"displayName": "Sec"}])
    resp = graph.get("/groups", params={"$filter": "groupTypes/any(c:c eq 'unified')"})
    assert [g["displayName"] for g in resp.json()["value"]] == ["M365"]


def test_select_and_default_properties(people):
    user = _users(people, filter="userPrincipalName eq 'u01@contoso.example'").json()["value"][0]
    assert set(user) == {"businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone", "officeLocation",
                         "preferredLanguage", "surname", "userPrincipalName"}
    selected = _users(people, select="displayName,accountEnabled,passwordProfile", top="1")
    assert set(selected.json()["value"][0]) == {"id", "displayName", "accountEnabled", "passwordProfile"}
    assert selected.json()["value"][0]["passwordProfile"] is None
    assert selected.json()["@odata.context"].endswith("#users(displayName,accountEnabled,passwordProfile)")
    assert _users(people, select="nope").status_code == 400


def test_top_bounds(people):
    for top in ("0", "1000", "x"):
        assert _users(people, top=top).status_code == 400
    assert len(_ids(_users(people, top="999"))) == 31


def test_paging_with_next_link(people):
    first = _users(people, top="7", select="userPrincipalName", filter="startswith(displayName,'User')")
    seen, link = [], None
    resp = first
    while True:
        body = resp.json()
        seen += [u["userPrincipalName"] for u in body["value"]]
        link = body.get("@odata.nextLink")
        if not link:
            break
        assert link.startswith(f"{people.url}/v1.0/users?")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
        assert query["$top"] == ["7"] and query["$filter"] == ["startswith(displayName,'User')"] and "$skiptoken" in query
        resp = people.get(link)
    assert len(seen) == 30 and len(set(seen)) == 30


def test_default_page_size_is_100(graph):
    graph.seed(users=[{"userPrincipalName": f"p{i:03d}@contoso.example"} for i in range(120)])
    body = graph.get("/users").json()
    assert len(body["value"]) == 100 and "@odata.nextLink" in body
    assert len(graph.get(body["@odata.nextLink"]).json()["value"]) == 20


def test_count(people):
    assert "@odata.count" not in _users(people, count="true").json()  # silently ignored without the header
    first = _users(people, EVENTUAL, count="true", top="10").json()
    assert first["@odata.count"] == 31
    assert "@odata.count" not in people.get(first["@odata.nextLink"], headers=EVENTUAL).json()
    segment = people.get("/users/$count", headers=EVENTUAL)
    assert segment.text == "31" and segment.headers["Content-Type"].startswith("text/plain")
    assert people.get("/users/$count").status_code == 400


def test_expand(people):
    user = people.get("/users/obrien@contoso.example", params={"$expand": "manager($select=id,displayName)"}).json()
    assert user["manager"]["displayName"] == "User 01" and user["manager"]["@odata.type"] == "#microsoft.graph.user"
    assert "manager" not in people.get("/users/u05@contoso.example", params={"$expand": "manager"}).json()
    people.seed(groups=[{"displayName": "Big", "members": [f"u{i:02d}@contoso.example" for i in range(25)]}])
    group = people.get("/groups", params={"$expand": "members($select=id)", "$filter": "displayName eq 'Big'"}).json()["value"][0]
    assert len(group["members"]) == 20
    assert people.get("/users", params={"$expand": "friends"}).status_code == 400


def test_expand_member_of_in_an_advanced_query(people):
    """The users list with $filter, $select, $expand=memberOf and $count=true under ConsistencyLevel: eventual."""
    people.seed(groups=[{"displayName": "Engineering", "members": ["u01@contoso.example", "u02@contoso.example"]},
                        {"displayName": "Parent", "members": ["group:Engineering"]},
                        {"displayName": "Many", "members": ["u01@contoso.example"]}])
    people.seed(groups=[{"displayName": f"Extra {i:02d}", "members": ["u02@contoso.example"]} for i in range(25)])
    url = ("/users?$filter=startswith(displayName,'User 0') and accountEnabled eq true&$select=id,displayName"
           "&$expand=memberOf($select=id,displayName)&$count=true")
    body = people.get(url, headers=EVENTUAL).json()
    assert body["@odata.count"] == 6, body  # u01 u02 u04 u05 u07 u08
    users = {u["displayName"]: u for u in body["value"]}
    assert sorted(g["displayName"] for g in users["User 01"]["memberOf"]) == ["Engineering", "Many"]  # direct groups only
    assert all(set(g) == {"@odata.type", "id", "displayName"} and g["@odata.type"] == "#microsoft.graph.group"
               for g in users["User 01"]["memberOf"])
    assert len(users["User 02"]["memberOf"]) == 20  # $expand returns at most 20 related objects
    assert users["User 04"]["memberOf"] == []
    assert set(users["User 04"]) == {"id", "displayName", "memberOf"}
    plain = people.get("/users/u01@contoso.example?$expand=memberOf").json()
    assert sorted(g["displayName"] for g in plain["memberOf"]) == ["Engineering", "Many"] and "groupTypes" in plain["memberOf"][0]
    search = people.get('/users?$search="displayName:User"&$expand=memberOf&$count=true', headers=EVENTUAL).json()
    assert search["error"]["code"] == "Request_UnsupportedQuery"  # $search with $expand is refused (docs-contrib#2577)


def test_orderby_and_search(people):
    names = [u["displayName"] for u in _users(people, orderby="displayName desc", top="3").json()["value"]]
    assert names == ["User 29", "User 28", "User 27"]
    assert _users(people, orderby="displayName", filter="accountEnabled eq true").status_code == 400
    assert _users(people, search='"displayName:brien"').json()["error"]["code"] == "Request_UnsupportedQuery"
    assert _ids(_users(people, EVENTUAL, search='"displayName:brien"')) == ["obrien@contoso.example"]


def test_get_by_id_upn_and_missing(people):
    user = people.get("/users/u03@contoso.example").json()
    assert people.get(f"/users/{user['id']}").json()["userPrincipalName"] == "u03@contoso.example"
    missing = people.get("/users/ghost@contoso.example")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "code": "Request_ResourceNotFound",
        "message": "Resource 'ghost@contoso.example' does not exist or one of its queried reference-property objects are not present.",
        "innerError": missing.json()["error"]["innerError"]}
    inner = missing.json()["error"]["innerError"]
    assert set(inner) == {"date", "request-id", "client-request-id"} and inner["request-id"] == missing.headers["request-id"]


def test_client_request_id_echoed(graph):
    resp = graph.get("/users/nobody", headers={"client-request-id": "abc-123"})
    assert resp.headers["client-request-id"] == "abc-123"
    assert resp.json()["error"]["innerError"]["client-request-id"] == "abc-123"


def test_unknown_segments_and_duplicate_options(graph):
    resp = graph.get("/userz")
    assert resp.status_code == 400 and resp.json()["error"]["message"] == "Resource not found for the segment 'userz'."
    assert graph.get("/users?$top=1&$top=2").status_code == 400
