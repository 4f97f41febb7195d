# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_batch through ansible-playbook against the emulator over HTTPS, MSAL doing its real token flow."""

from __future__ import annotations

import json

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
%s
"""


def play(tasks):
    return PLAY % '\n'.join('    ' + line for line in tasks.strip('\n').splitlines())


def users(count, prefix='user'):
    return [{'displayName': '%s %03d' % (prefix.title(), i), 'userPrincipalName': '%s%03d@contoso.example' % (prefix, i),
             'mailNickname': '%s%03d' % (prefix, i), 'accountEnabled': True, 'jobTitle': 'Engineer' if i % 2 else 'Analyst'}
            for i in range(count)]


def test_two_gets_travel_in_one_batch_and_one_token(emulator, playbook):
    emulator.seed(users=users(3), groups=[{'displayName': 'Sales', 'mailNickname': 'sales', 'mailEnabled': False, 'securityEnabled': True}])
    run = playbook(play("""
- name: Two GETs
  mynster.msgraph.graph_batch:
    requests:
      - id: users
        url: /users?$select=id,displayName
      - id: groups
        url: /groups?$select=id,displayName
"""))
    assert run.rc == 0, run
    result = run.result('Two GETs')
    assert result['changed'] is False
    assert [r['id'] for r in result['responses']] == ['users', 'groups']
    assert len(result['responses'][0]['body']['value']) == 3
    assert result['responses'][1]['body']['value'][0]['displayName'] == 'Sales'
    stats = emulator.stats()
    assert (stats['http_requests'], stats['batches'], stats['inner_requests'], stats['token_requests']) == (1, 1, 2, 1)
    assert result['stats']['batches'] == 1


def test_many_requests_are_chunked_by_twenty_and_answered_in_request_order(emulator, playbook):
    seeded = emulator.seed(users=users(45))
    ids = [u['id'] for u in seeded['users']]
    requests_ = [{'id': 'r%02d' % i, 'url': '/users/%s?$select=id' % uid} for i, uid in enumerate(ids)]
    run = playbook(play("""
- name: Read 45 users
  mynster.msgraph.graph_batch:
    requests: %s
""" % json.dumps(requests_)))
    assert run.rc == 0, run
    responses = run.result('Read 45 users')['responses']
    assert [r['id'] for r in responses] == ['r%02d' % i for i in range(45)]
    assert [r['body']['id'] for r in responses] == ids
    stats = emulator.stats()
    assert stats['batches'] == 3 and stats['inner_requests'] == 45 and stats['http_requests'] == 3


def test_post_with_headers_and_body_check_mode_then_apply(emulator, playbook):
    tasks = """
- name: Create group
  mynster.msgraph.graph_batch:
    requests:
      - id: create
        method: POST
        url: /groups
        headers:
          Content-Type: application/json
        body:
          displayName: Project Falcon
          mailNickname: project-falcon
          mailEnabled: false
          securityEnabled: true
"""
    preview = playbook(play(tasks), check=True, diff=True)
    assert preview.rc == 0, preview
    result = preview.result('Create group')
    assert result['changed'] is True
    assert result['responses'][0]['planned'] is True and result['responses'][0]['status'] is None
    assert result['diff']['after']['writes'][0]['url'] == '/groups'
    assert emulator.stats()['writes'] == 0
    assert emulator.objects('group') == []

    applied = playbook(play(tasks))
    assert applied.rc == 0, applied
    result = applied.result('Create group')
    assert result['changed'] is True
    assert result['responses'][0]['status'] == 201
    assert [g['displayName'] for g in emulator.objects('group')] == ['Project Falcon']


def test_advanced_query_with_filter_select_expand_and_count(emulator, playbook):
    emulator.seed(users=users(30))
    run = playbook(play("""
- name: Advanced query
  mynster.msgraph.graph_batch:
    requests:
      - id: engineers
        url: /users?$filter=startswith(displayName,'User') and jobTitle eq 'Engineer'&$select=id,displayName,jobTitle&$expand=manager&$count=true&$top=5
        headers:
          ConsistencyLevel: eventual
    paginate: true
"""))
    assert run.rc == 0, run
    body = run.result('Advanced query')['responses'][0]['body']
    assert body['@odata.count'] == 15
    assert len(body['value']) == 15
    assert all(set(u) >= {'id', 'displayName', 'jobTitle'} and u['jobTitle'] == 'Engineer' for u in body['value'])
    assert '@odata.nextLink' not in body
    # 15 results, 5 per page: the two follow-up pages travel in later batches
    assert emulator.stats()['inner_requests'] == 3


def test_paginate_follows_next_links_and_merges_pages(emulator, playbook):
    emulator.seed(users=users(250))
    run = playbook(play("""
- name: All users
  mynster.msgraph.graph_batch:
    requests:
      - url: /users?$select=id
    paginate: true
"""))
    assert run.rc == 0, run
    assert len(run.result('All users')['responses'][0]['body']['value']) == 250


def test_failed_head_gives_424_to_its_dependents(emulator, playbook):
    run = playbook(play("""
- name: Chain
  mynster.msgraph.graph_batch:
    requests:
      - id: group
        method: POST
        url: /groups
        body:
          displayName: missing mailNickname and flags
      - id: after
        url: /groups?$select=id
        depends_on: [group]
      - id: independent
        url: /users?$select=id
    fail_on_error: false
"""))
    assert run.rc == 0, run
    result = run.result('Chain')
    statuses = dict((r['id'], r['status']) for r in result['responses'])
    assert statuses == {'group': 400, 'after': 424, 'independent': 200}
    assert result['changed'] is False
    failed = dict((f['id'], f) for f in result['failed_requests'])
    assert failed['group']['code'] == 'Request_BadRequest'
    assert failed['after']['status'] == 424
    # Graph's own message cites the batch's ids ('1', '2'); the task names the requests as the playbook does.
    assert failed['after']['message'] == "Not run: request 'group', which it depends on, failed."


def test_fail_on_error_lists_every_failed_request(emulator, playbook):
    run = playbook(play("""
- name: Failing
  mynster.msgraph.graph_batch:
    requests:
      - id: nobody
        url: /users/00000000-0000-0000-0000-000000000001
      - id: fine
        url: /users
      - id: nothing
        url: /groups/00000000-0000-0000-0000-000000000002
"""))
    assert run.rc != 0
    assert run.failed('Failing')
    result = run.result('Failing')
    assert '2 of 3 Graph requests failed' in result['msg']
    assert 'nobody: GET /users/00000000-0000-0000-0000-000000000001: 404 Request_ResourceNotFound' in result['msg']
    assert 'nothing: GET /groups/' in result['msg']


def test_bad_input_fails_before_anything_is_sent(emulator, playbook):
    cases = {
        'duplicate id': ("[{id: a, url: /users}, {id: A, url: /groups}]", "request 'A': id is used twice"),
        'absolute url': ("[{id: a, url: 'https://graph.microsoft.com/v1.0/users'}]",
                         "request 'a': url https://graph.microsoft.com/v1.0/users must be relative"),
        'unknown dependency': ("[{id: a, url: /users, depends_on: [zz]}]", "request 'a': depends_on names 'zz'"),
        'cycle': ("[{id: a, url: /users, depends_on: [b]}, {id: b, url: /users, depends_on: [a]}]", 'depends_on forms a cycle'),
        'bad method': ("[{id: a, method: FETCH, url: /users}]", 'value of method must be one of'),
    }
    for name, (requests_, message) in cases.items():
        run = playbook(play("""
- name: Bad input
  mynster.msgraph.graph_batch:
    requests: %s
""" % requests_))
        assert run.rc != 0, name
        assert message in run.result('Bad input')['msg'], (name, run.result('Bad input')['msg'])
    stats = emulator.stats()
    assert stats['http_requests'] == 0 and stats['token_requests'] == 0


def test_throttled_inner_requests_are_retried_until_they_succeed(emulator, playbook):
    seeded = emulator.seed(users=users(60))
    emulator.configure(throttle_rate=0.3)
    requests_ = [{'id': u['id'], 'url': '/users/%s?$select=id' % u['id']} for u in seeded['users']]
    run = playbook(play("""
- name: Throttled reads
  mynster.msgraph.graph_batch:
    requests: %s
    max_retry_wait: 1
    max_retries: 20
""" % json.dumps(requests_)))
    # 20 retries: with 30 % random 429s the default 6 leaves about a 1 % chance that one of 60 requests is refused
    # 7 times in a row, which would make this test fail at random.
    assert run.rc == 0, run
    result = run.result('Throttled reads')
    assert all(r['status'] == 200 for r in result['responses'])
    stats = emulator.stats()
    assert stats['throttled'] > 0
    assert result['stats']['throttled'] == stats['throttled']
    assert result['stats']['retries'] >= stats['throttled']
    assert stats['inner_requests'] == 60 + result['stats']['retries']


def test_outer_503_is_retried(emulator, playbook):
    emulator.configure(outer_503_rate=0.5)
    run = playbook(play("""
- name: Unreliable
  mynster.msgraph.graph_batch:
    requests: [{url: /users}, {url: /groups}, {url: /users?$top=1}]
    max_retry_wait: 0.5
    max_retries: 20
"""))
    assert run.rc == 0, run
    assert all(r['status'] == 200 for r in run.result('Unreliable')['responses'])


def test_certificate_auth_and_module_defaults_group(emulator, playbook):
    info = emulator.info
    run = playbook(play("""
- name: Certificate
  module_defaults:
    group/mynster.msgraph.graph:
      tenant_id: %s
      client_id: %s
      client_certificate_path: %s
      graph_url: %s
      authority_url: %s
      ca_path: %s
  mynster.msgraph.graph_batch:
    requests: [{url: /users}]
""" % (info['tenant_id'], info['client_id'], info['client_certificate_path'], info['graph_url'], info['authority_url'], info['ca_path'])),
        credentials=False)
    assert run.rc == 0, run
    assert emulator.stats()['token_requests'] == 1


def test_wrong_secret_fails_with_a_clear_message(emulator, playbook):
    run = playbook(play("""
- name: Wrong secret
  mynster.msgraph.graph_batch:
    requests: [{url: /users}]
"""), env={'AZURE_CLIENT_SECRET': 'not-the-secret'})
    assert run.rc != 0
    assert 'Could not get a token for Graph (client_secret): invalid_client' in run.result('Wrong secret')['msg']
    assert emulator.stats()['http_requests'] == 0


def test_secrets_never_appear_in_verbose_output(emulator, playbook):
    secret = emulator.info['client_secret']
    run = playbook(play("""
- name: Verbose
  mynster.msgraph.graph_batch:
    requests: [{url: /users}]
    client_secret: "{{ lookup('ansible.builtin.env', 'AZURE_CLIENT_SECRET') }}"
"""), verbosity=3)
    assert run.rc == 0, run
    assert secret not in run.stdout and secret not in run.stderr
    assert 'Bearer' not in run.stdout


GUEST = 'ann_fabrikam.com#EXT#@contoso.example'


def test_guest_upns_and_urls_in_queries_reach_what_was_written(emulator, playbook):
    seeded = emulator.seed(users=users(2) + [{'displayName': 'Ann (Fabrikam)', 'userPrincipalName': GUEST, 'mailNickname': 'ann_fabrikam.com',
                                              'accountEnabled': True, 'userType': 'Guest', 'usageLocation': 'DK'}])
    guest_id = seeded['users'][-1]['id']
    run = playbook(play("""
- name: Guest and query urls
  mynster.msgraph.graph_batch:
    requests:
      - id: read-guest
        url: /users/%(guest)s?$select=id,userPrincipalName
      - id: patch-guest
        method: PATCH
        url: /users/%(guest)s
        body:
          jobTitle: External reviewer
      - id: by-filter
        url: "/users?$filter=userPrincipalName eq '%(guest)s'&$select=id"
      - id: url-in-query
        url: "/users?$filter=displayName eq 'https://contoso.example/x'&$select=id"
      - id: unrelated
        url: /users?$select=id
""" % {'guest': GUEST}))
    assert run.rc == 0, run
    answers = dict((r['id'], r) for r in run.result('Guest and query urls')['responses'])
    # a raw '#' would have cut the path at 'ann_fabrikam.com' (a 404, or another object)
    assert answers['read-guest']['status'] == 200 and answers['read-guest']['body']['id'] == guest_id
    assert answers['patch-guest']['status'] == 204
    assert [u['id'] for u in answers['by-filter']['body']['value']] == [guest_id]
    # '://' in the query is sent encoded: Graph would refuse the whole batch otherwise, the unrelated request with it
    assert answers['url-in-query']['status'] == 200 and answers['url-in-query']['body']['value'] == []
    assert answers['unrelated']['status'] == 200 and len(answers['unrelated']['body']['value']) == 3
    guest = [u for u in emulator.objects('user') if u['id'] == guest_id][0]
    assert guest['jobTitle'] == 'External reviewer'
    assert emulator.stats()['batches'] == 1


def test_a_url_no_encoding_can_save_is_refused_before_anything_is_sent(emulator, playbook):
    run = playbook(play("""
- name: Line break in a url
  mynster.msgraph.graph_batch:
    requests:
      - id: fine
        method: PATCH
        url: /users/user000@contoso.example
        body:
          jobTitle: Changed
      - id: broken
        url: "/users?$select=id\\n&$top=5"
"""))
    assert run.rc != 0, run
    result = run.result('Line break in a url')
    assert "request 'broken': url /users?$select=id\\n&$top=5 holds the control character" in result['msg'], result['msg']
    assert [(p['subject'], p['field']) for p in result['problems']] == [('broken', 'url')]
    stats = emulator.stats()
    assert stats['http_requests'] == 0 and stats['token_requests'] == 0
