# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`$batch` rules: every row of GRAPH-SEMANTICS Appendix A, plus execution and encoding details."""

import base64

from conftest import new_user

JSON = {"Content-Type": "application/json"}


def _get(i, url="/users"):
    return {"id": str(i), "method": "GET", "url": url}


def _outer_error(graph, items, message=None, prefix=None):
    resp = graph.batch(items)
    assert resp.status_code == 400, resp.text
    error = resp.json()["error"]
    assert error["code"] == "BadRequest"
    if message:
        assert error["message"] == message
    if prefix:
        assert error["message"].startswith(prefix)
    return error


def test_well_formed_batch_of_twenty(graph):
    got = graph.responses([_get(i) for i in range(20)])
    assert sorted(got, key=int) == [str(i) for i in range(20)]
    assert all(r["status"] == 200 and r["body"]["value"] == [] for r in got.values())
    assert all(r["headers"]["Content-Type"].startswith("application/json") for r in got.values())


def test_twenty_one_requests(graph):
    _outer_error(graph, [_get(i) for i in range(21)], "Number of requests inside batch exceeds the limit.")


def test_ids_are_case_insensitive(graph):
    _outer_error(graph, [_get("a"), _get("A")], "Request Id A has to be unique in a batch.")


def test_absolute_inner_url(graph):
    _outer_error(graph, [_get(1, "https://graph.microsoft.com/v1.0/users")], "Invalid batch payload format.")


def test_inner_url_holding_scheme_separator_fails_the_whole_batch(graph):
    # '://' anywhere in an inner url is taken for an absolute url: the whole batch is refused, unrelated requests too
    _outer_error(graph, [_get(1), _get(2, "/users?$filter=displayName eq 'https://contoso.example'")], "Invalid batch payload format.")
    # percent-encoded, the same query value is accepted
    got = graph.responses([_get(1), _get(2, "/users?$filter=displayName eq 'https%3A%2F%2Fcontoso.example'")])
    assert got["1"]["status"] == 200 and got["2"]["status"] == 200 and got["2"]["body"]["value"] == []


def test_inner_url_fragment_is_dropped_and_escapes_are_decoded(graph):
    uid = graph.seed(users=[{"userPrincipalName": "ann_fabrikam.com#EXT#@contoso.example", "usageLocation": "DK",
                             "mail": "ann+news@fabrikam.example"}])["users"][0]["id"]
    got = graph.responses([
        _get(1, "/users/ann_fabrikam.com%23EXT%23@contoso.example?$select=id"),
        _get(2, "/users/ann_fabrikam.com#EXT#@contoso.example"),  # a fragment: Graph looks up 'ann_fabrikam.com'
        _get(3, "/users?$filter=userPrincipalName eq 'ann_fabrikam.com%23EXT%23@contoso.example'&$select=id"),
        _get(4, "/users?$filter=mail eq 'ann%2Bnews@fabrikam.example'&$select=id"),
        _get(5, "/users?$filter=mail eq 'ann+news@fabrikam.example'&$select=id"),  # a raw '+' in a query is a space
        {"id": "6", "method": "PATCH", "url": "/users/ann_fabrikam.com%23EXT%23@contoso.example", "body": {"jobTitle": "Guest"},
         "headers": JSON},
    ])
    assert got["1"]["status"] == 200 and got["1"]["body"]["id"] == uid
    assert got["2"]["status"] == 404 and got["2"]["body"]["error"]["message"].startswith("Resource 'ann_fabrikam.com' does not exist")
    assert [u["id"] for u in got["3"]["body"]["value"]] == [uid]
    assert [u["id"] for u in got["4"]["body"]["value"]] == [uid]
    assert got["5"]["body"]["value"] == []
    assert got["6"]["status"] == 204
    assert graph.get(f"/users/{uid}?$select=jobTitle").json()["jobTitle"] == "Guest"


def test_inner_url_with_version_segment(graph):
    got = graph.responses([_get(1, "/v1.0/users"), _get(2, "users")])
    assert got["1"]["status"] == 400
    assert got["1"]["body"]["error"]["message"] == "Resource not found for the segment 'v1.0'."
    assert got["2"]["status"] == 200  # the leading slash is optional


def test_write_without_content_type(graph):
    message = "Write request with id '7' does not contain a Content-Type header."
    _outer_error(graph, [{"id": "7", "method": "POST", "url": "/users", "body": new_user("x"), "headers": {}}], message)
    _outer_error(graph, [{"id": "7", "method": "PATCH", "url": "/users/x", "body": {"city": "Oslo"}}], message)
    _outer_error(graph, [{"id": "7", "method": "POST", "url": "/users/x/revokeSignInSessions", "headers": JSON}], message)


def test_bad_dependencies(graph):
    later = [dict(_get(1), dependsOn=["2"]), _get(2)]
    _outer_error(graph, later, prefix="Invalid dependency for request Id 1")
    unknown = [_get(1), dict(_get(2), dependsOn=["9"])]
    _outer_error(graph, unknown, prefix="Invalid dependency for request Id 2")


def test_dependency_shapes(graph):
    shapes = "Batch should be either fully sequential or fully parallel."
    mixed = [_get(1), dict(_get(2), dependsOn=["1"]), _get(3)]
    _outer_error(graph, mixed, shapes)
    two_roots = [_get(1), _get(2), dict(_get(3), dependsOn=["1"]), dict(_get(4), dependsOn=["2"])]
    _outer_error(graph, two_roots, shapes)
    many = [_get(1), _get(2), dict(_get(3), dependsOn=["1", "2"])]
    _outer_error(graph, many, shapes)
    serial = [_get(1), dict(_get(2), dependsOn=["1"]), dict(_get(3), dependsOn=["2"])]
    same = [_get(1), dict(_get(2), dependsOn=["1"]), dict(_get(3), dependsOn=["1"])]
    for items in (serial, same):
        assert all(r["status"] == 200 for r in graph.responses(items).values())


def test_unparseable_envelopes(graph):
    for payload in (b"not json", b"{}", b'{"requests": []}', b'{"requests": [{"id": 1, "method": "GET", "url": "/users"}]}'):
        resp = graph.post("/$batch", data=payload, headers=JSON)
        assert resp.status_code == 400
        assert resp.json()["error"]["message"] == "Invalid batch payload format."
    assert graph.get("/$batch").status_code == 405


def test_failed_dependency_propagates(graph):
    items = [_get(1, "/users/no-such-user"), dict(_get(2), dependsOn=["1"]), dict(_get(3), dependsOn=["2"])]
    got = graph.responses(items)
    assert got["1"]["status"] == 404
    assert got["2"]["status"] == 424 and got["2"]["body"]["error"]["code"] == "FailedDependency"
    assert got["3"]["status"] == 424


def test_dependents_run_after_their_dependency(graph):
    create = {"id": "1", "method": "POST", "url": "/users", "headers": JSON, "body": new_user("dep")}
    read = dict(_get(2, "/users/dep@contoso.example"), dependsOn=["1"])
    got = graph.responses([create, read])
    assert got["1"]["status"] == 201 and got["2"]["status"] == 200


def test_one_request_throttled(graph):
    graph.configure(throttle_rate=1.0)
    got = graph.responses([_get(1), _get(2)])
    assert all(r["status"] == 429 and r["headers"]["Retry-After"] == "1" for r in got.values())
    assert got["1"]["body"]["error"]["code"] == "TooManyRequests"
    graph.configure(throttle_rate=0.5)
    statuses = {r["status"] for attempt in range(5) for r in graph.responses([_get(i) for i in range(20)]).values()}
    assert statuses == {200, 429}


def test_photo_value_is_base64_both_ways(graph):
    user_id = graph.seed(users=[{"userPrincipalName": "pic@contoso.example"}])["users"][0]["id"]
    jpeg = b"\xff\xd8\xff\xe0fake-jpeg\x00\x01"
    upload = {"id": "1", "method": "PUT", "url": f"/users/{user_id}/photo/$value", "headers": {"Content-Type": "image/jpeg"},
              "body": base64.b64encode(jpeg).decode()}
    got = graph.responses([upload, dict(_get(2, f"/users/{user_id}/photo/$value"), dependsOn=["1"])])
    assert got["1"]["status"] == 200
    assert got["2"]["status"] == 200 and got["2"]["headers"]["Content-Type"] == "image/jpeg"
    assert base64.b64decode(got["2"]["body"]) == jpeg


def test_membership_rows(graph):
    seeded = graph.seed(users=[{"userPrincipalName": "m@contoso.example"}], groups=[{"displayName": "Team", "members": ["m@contoso.example"]}])
    user_id, group_id = seeded["users"][0]["id"], seeded["groups"][0]["id"]
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{user_id}"}
    got = graph.responses([
        {"id": "add", "method": "POST", "url": f"/groups/{group_id}/members/$ref", "headers": JSON, "body": ref},
        {"id": "del", "method": "DELETE", "url": f"/groups/{group_id}/members/{'0' * 8}-0000-0000-0000-{'0' * 12}/$ref"},
    ])
    assert got["add"]["status"] == 400
    assert got["add"]["body"]["error"]["code"] == "Request_BadRequest"
    assert got["add"]["body"]["error"]["message"].endswith("already exist for the following modified properties: 'members'.")
    assert got["del"]["status"] == 404 and got["del"]["body"]["error"]["code"] == "Request_ResourceNotFound"


def test_new_user_before_replication(graph):
    graph.configure(replication_delay_ms=60000)
    created = graph.post("/users", json=new_user("fresh"))
    assert created.status_code == 201
    got = graph.responses([_get(1, f"/users/{created.json()['id']}")])
    assert got["1"]["status"] == 404 and got["1"]["body"]["error"]["code"] == "Request_ResourceNotFound"


def test_responses_shuffled_unless_disabled(graph):
    items = [_get(i) for i in range(10)]
    orders = {tuple(r["id"] for r in graph.batch(items).json()["responses"]) for attempt in range(4)}
    assert len(orders) > 1
    graph.configure(shuffle=False)
    assert [r["id"] for r in graph.batch(items).json()["responses"]] == [str(i) for i in range(10)]


def test_inner_204_has_null_body_and_nextlink_is_absolute(graph):
    graph.seed(users=[{"userPrincipalName": f"u{i}@contoso.example"} for i in range(3)])
    got = graph.responses([_get(1, "/users?$top=2&$select=id"), {"id": "2", "method": "DELETE", "url": "/users/u0@contoso.example"}])
    assert got["2"]["status"] == 204 and got["2"]["body"] is None
    assert got["1"]["body"]["@odata.nextLink"].startswith(f"{graph.url}/v1.0/users?")


def test_beta_batch_and_inner_headers(graph):
    resp = graph.request("POST", f"{graph.url}/beta/$batch", json={"requests": [
        {"id": "1", "method": "GET", "url": "/users?$count=true", "headers": {"ConsistencyLevel": "eventual"}}]})
    inner = resp.json()["responses"][0]
    assert inner["body"]["@odata.count"] == 0
    assert inner["body"]["@odata.context"].startswith(f"{graph.url}/beta/")


def test_stats_count_batches_and_inner_requests(graph):
    graph.batch([_get(i) for i in range(5)])
    graph.get("/users")
    stats = graph.stats()
    assert (stats["http_requests"], stats["batches"], stats["inner_requests"]) == (2, 1, 5)
    assert stats["requests_by_method"]["GET"] == 6
