# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`python -m graph_emulator` as a subprocess: announces itself, writes emulator.json/.env, stops on SIGTERM."""

import json
import os
import signal
import subprocess
import sys
import time

import jwt
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR_SRC = os.path.join(HERE, "..", "..", "emulator")


def test_cli_start_stop(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"users": [{"userPrincipalName": "cli@contoso.example"}]}))
    state = tmp_path / "state"
    env = dict(os.environ, PYTHONPATH=EMULATOR_SRC)
    proc = subprocess.Popen([sys.executable, "-m", "graph_emulator", "--port", "0", "--state-dir", str(state), "--seed", str(seed),
                             "--no-shuffle", "--tenant-id", "contoso-tenant", "--latency-ms", "1",
                             "--app-roles", "User.Read.All, Group.Read.All", "--verified-domain", "contoso.example"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        assert info == json.loads((state / "emulator.json").read_text())
        assert info["url"].startswith("https://127.0.0.1:") and info["graph_url"] == info["authority_url"] == info["url"]
        assert info["tenant_id"] == "contoso-tenant" and info["pid"] == proc.pid
        env_file = (state / "emulator.env").read_text()
        for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "MSGRAPH_URL", "MSGRAPH_AUTHORITY_URL", "MSGRAPH_CA_PATH"):
            assert f"export {name}=" in env_file
        assert os.path.exists(info["client_certificate_path"]) and os.path.exists(info["ca_path"])
        token = requests.post(f"{info['url']}/contoso-tenant/oauth2/v2.0/token", verify=info["ca_path"], timeout=30, data={
            "grant_type": "client_credentials", "client_id": info["client_id"], "client_secret": info["client_secret"],
            "scope": f"{info['url']}/.default"}).json()["access_token"]
        assert jwt.decode(token, options={"verify_signature": False})["roles"] == ["Group.Read.All", "User.Read.All"]
        users = requests.get(f"{info['url']}/v1.0/users", headers={"Authorization": f"Bearer {token}"}, verify=info["ca_path"], timeout=30)
        assert [u["userPrincipalName"] for u in users.json()["value"]] == ["cli@contoso.example"]
        config = requests.get(f"{info['url']}/_emulator/config", verify=info["ca_path"], timeout=30).json()
        assert config["shuffle"] is False and config["verified_domains"] == ["contoso.example"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        proc.stdout.close()
        proc.stderr.close()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cli_background_returns_when_ready(tmp_path):
    """--background returns only once the emulator serves, its seed is loaded and emulator.env is written."""
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"users": [{"userPrincipalName": "bg@contoso.example"}]}))
    state = tmp_path / "state"
    env = dict(os.environ, PYTHONPATH=EMULATOR_SRC)
    done = subprocess.run([sys.executable, "-m", "graph_emulator", "--background", "--state-dir", str(state), "--seed", str(seed),
                           "--tenant-id", "bg-tenant", "--verified-domain", "contoso.example"],
                          capture_output=True, env=env, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    try:
        assert info["pid"] != os.getpid() and _alive(info["pid"])
        env_file = (state / "emulator.env").read_text()
        assert f"export MSGRAPH_EMULATOR_PID={info['pid']}\n" in env_file and f"export MSGRAPH_URL={info['url']}\n" in env_file
        token = requests.post(f"{info['url']}/bg-tenant/oauth2/v2.0/token", verify=info["ca_path"], timeout=30, data={
            "grant_type": "client_credentials", "client_id": info["client_id"], "client_secret": info["client_secret"],
            "scope": f"{info['url']}/.default"}).json()["access_token"]
        users = requests.get(f"{info['url']}/v1.0/users", headers={"Authorization": f"Bearer {token}"}, verify=info["ca_path"], timeout=30)
        assert [u["userPrincipalName"] for u in users.json()["value"]] == ["bg@contoso.example"]
    finally:
        os.kill(info["pid"], signal.SIGTERM)
    for attempt in range(150):
        if not _alive(info["pid"]):
            break
        time.sleep(0.1)
    assert not _alive(info["pid"])


def test_cli_background_reports_a_failed_start(tmp_path):
    env = dict(os.environ, PYTHONPATH=EMULATOR_SRC)
    done = subprocess.run([sys.executable, "-m", "graph_emulator", "--background", "--state-dir", str(tmp_path), "--seed",
                           str(tmp_path / "missing.json")], capture_output=True, env=env, text=True, timeout=60, check=False)
    assert done.returncode != 0 and done.stdout == ""
    assert "missing.json" in done.stderr and "before it was ready" in done.stderr
    no_state = subprocess.run([sys.executable, "-m", "graph_emulator", "--background"], capture_output=True, env=env, text=True, timeout=60, check=False)
    assert no_state.returncode == 2 and "--background needs --state-dir" in no_state.stderr
