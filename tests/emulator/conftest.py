# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures: one in-process emulator for the session, reset before every test."""

import os

import msal
import pytest
import requests

from graph_emulator import Emulator, EmulatorConfig

# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a Session's `verify` (and so MSAL's
# `verify=`); drop them so the emulator's CA is used the way a client would configure it.
for _name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_name, None)


class Graph:
    """A tiny Graph client for tests: bearer session plus control-endpoint helpers."""

    def __init__(self, emulator, token):
        self.emulator = emulator
        self.url = emulator.url
        self.session = requests.Session()
        self.session.verify = emulator.ca_path
        self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, path, **kwargs):
        """`path` is relative to /v1.0 unless it is absolute."""
        url = path if path.startswith("https://") else f"{self.url}/v1.0{path}"
        return self.session.request(method, url, timeout=30, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def batch(self, items, **kwargs):
        """POST /$batch; returns the HTTP response."""
        return self.post("/$batch", json={"requests": items}, **kwargs)

    def responses(self, items):
        """POST /$batch and return {id: inner response}."""
        resp = self.batch(items)
        assert resp.status_code == 200, resp.text
        return {r["id"]: r for r in resp.json()["responses"]}

    def control(self, method, path, **kwargs):
        return requests.request(method, f"{self.url}/_emulator/{path}", verify=self.emulator.ca_path, timeout=30, **kwargs)

    def seed(self, **objects):
        resp = self.control("POST", "seed", json=objects)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def configure(self, **knobs):
        resp = self.control("PATCH", "config", json=knobs)
        assert resp.status_code == 200, resp.text

    def stats(self):
        return self.control("GET", "stats").json()

    def as_app(self, roles):
        """A client whose token carries exactly these application permissions (app_roles is set, a new token fetched)."""
        self.configure(app_roles=list(roles))
        resp = requests.post(f"{self.url}/{self.emulator.tenant_id}/oauth2/v2.0/token", verify=self.emulator.ca_path, timeout=30, data={
            "grant_type": "client_credentials", "client_id": self.emulator.client_id, "client_secret": self.emulator.client_secret,
            "scope": f"{self.url}/.default"})
        return Graph(self.emulator, resp.json()["access_token"])


def new_user(name, **extra):
    """A valid POST /users body."""
    body = {"accountEnabled": True, "displayName": name.title(), "mailNickname": name, "userPrincipalName": f"{name}@contoso.example",
            "passwordProfile": {"password": "Sup3r-secret!", "forceChangePasswordNextSignIn": False}}
    body.update(extra)
    return body


def msal_app(emulator, credential, **kwargs):
    """A ConfidentialClientApplication pointed at the emulator as a real client would be."""
    return msal.ConfidentialClientApplication(emulator.client_id, authority=f"{emulator.url}/{emulator.tenant_id}",
                                              client_credential=credential, instance_discovery=False, verify=emulator.ca_path, **kwargs)


@pytest.fixture(scope="session")
def emulator():
    """The shared emulator."""
    emu = Emulator(random_seed=1234)
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def token(emulator):
    """An access token obtained through MSAL with the client secret."""
    result = msal_app(emulator, emulator.client_secret).acquire_token_for_client(scopes=[f"{emulator.url}/.default"])
    return result["access_token"]


@pytest.fixture(autouse=True)
def default_knobs(emulator):
    """Every test starts with default knobs, also those that use the emulator without `graph`."""
    emulator.update_config(EmulatorConfig().as_dict())


@pytest.fixture
def graph(emulator, token):
    """A client on a freshly reset emulator with default knobs."""
    emulator.reset()
    emulator.update_config(EmulatorConfig().as_dict())
    return Graph(emulator, token)
