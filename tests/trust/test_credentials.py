"""Credentials that can be taken back (SPEC 7, 8): device tokens replaced and revoked, accounts
disabled, new passwords ending old sessions, and a sign-in lockout that costs the attacker rather
than the clerk. Command-line changes are tried against a running server in another process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.config import Config
from core.days.clock import ManualClock
from tests.conftest import PASSWORD, Hall
from tests.live import LiveServer
from tests.supervision.test_pages import csrf_of, sign_in

TICKET = {"service": "general"}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00")
    server.cli("user", "add", "ann", "--role", "clerk", "--site", "youyi", stdin=PASSWORD + "\n")
    server.start()
    yield server
    server.stop()


def token_of(live: LiveServer, device: str) -> str:
    return live.cli("device", "token", device).split()[-1]


@pytest.mark.live
def test_a_new_device_token_replaces_the_old_one_at_once(live: LiveServer) -> None:
    old = token_of(live, "youyi-k1")
    new = token_of(live, "youyi-k1")
    assert live.call("POST", "/api/v1/sites/youyi/tickets", TICKET, old)[0] == 401
    assert live.call("POST", "/api/v1/sites/youyi/tickets", TICKET, new)[0] == 201
    other = token_of(live, "youyi-k2")  # a token of another kiosk is not touched
    assert live.call("POST", "/api/v1/sites/youyi/tickets", TICKET, other)[0] == 201


@pytest.mark.live
def test_device_revoke_ends_the_token_and_says_so(live: LiveServer) -> None:
    token = token_of(live, "youyi-k1")
    assert "revoked" in live.cli("device", "revoke", "youyi-k1")
    assert live.call("POST", "/api/v1/sites/youyi/tickets", TICKET, token)[0] == 401
    assert "had no token" in live.cli("device", "revoke", "youyi-k1")


@pytest.mark.live
def test_user_disable_and_a_new_password_end_bearer_tokens_from_the_command_line(live: LiveServer) -> None:
    code, body = live.call("POST", "/api/v1/auth/token", {"username": "ann", "password": PASSWORD})
    assert code == 200
    token = body["token"]
    assert "disabled" in live.cli("user", "disable", "ann")
    assert live.call("POST", "/api/v1/counters/youyi-1/open", None, token)[0] == 401
    assert live.call("POST", "/api/v1/auth/token", {"username": "ann", "password": PASSWORD})[0] == 401
    live.cli("user", "enable", "ann")
    code, body = live.call("POST", "/api/v1/auth/token", {"username": "ann", "password": PASSWORD})
    assert code == 200
    live.cli("user", "add", "ann", "--role", "clerk", "--site", "youyi", stdin="another-long-password\n")
    assert live.call("POST", "/api/v1/counters/youyi-1/open", None, body["token"])[0] == 401
    code, _ = live.call("POST", "/api/v1/auth/token", {"username": "ann", "password": "another-long-password"})
    assert code == 200


@pytest.mark.live
def test_disabling_an_unknown_account_fails_clearly(live: LiveServer) -> None:
    r = subprocess.run([sys.executable, "server.py", "--config", "config.toml", "--db", str(live.tmp / "hall.db"),
                        "user", "disable", "nobody"], capture_output=True, text=True, cwd=Path(__file__).parents[2],
                       env=live.env, timeout=60)  # fmt: skip
    assert r.returncode == 1 and "nobody" in r.stderr


# -- the accounts page -----------------------------------------------------------------------
def post_action(client: TestClient, name: str, action: str) -> Any:
    page = client.get("/admin/accounts")
    return client.post("/admin/accounts", data={"csrf": csrf_of(page.text), "username": name, "action": action},
                       follow_redirects=False)  # fmt: skip


def test_a_supervisor_disables_a_clerk_whose_page_session_and_token_end_at_once(
    client: TestClient, hall: Hall, app: Any, config: Config, clock: ManualClock, tmp_path: Path
) -> None:
    token = hall.user("bob")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/counters/youyi-1/open", headers=headers).status_code == 200  # now cached
    with TestClient(app) as clerk_browser:
        assert sign_in(clerk_browser, "bob").status_code == 303
        assert clerk_browser.get("/counter/youyi-1").status_code == 200
        assert sign_in(client, "sue", "supervisor").status_code == 303
        r = post_action(client, "bob", "disable")
        assert r.status_code == 303 and "done=disabled" in r.headers["location"]
        assert "已停用" in client.get("/admin/accounts").text
        assert (
            client.post("/api/v1/counters/youyi-1/pause", json={"reason": "break"}, headers=headers).status_code == 401
        )
        r = clerk_browser.get("/counter/youyi-1", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/counter?next=")  # signed out
        assert post_action(client, "bob", "enable").headers["location"].startswith("/admin/accounts?done=enabled")
        assert client.post("/api/v1/auth/token", json={"username": "bob", "password": PASSWORD}).status_code == 200


def test_who_may_change_which_account(client: TestClient, hall: Hall) -> None:
    hall.user("bob")  # a clerk of youyi
    hall.user("wes", "clerk", "wusong")
    hall.user("sam", "supervisor", "youyi")
    assert sign_in(client, "sue", "supervisor").status_code == 303
    page = client.get("/admin/accounts").text
    assert 'data-username="bob"' in page and 'data-username="wes"' not in page  # other sites are not listed
    assert "done=unknown" in post_action(client, "wes", "disable").headers["location"]
    assert "done=refused" in post_action(client, "sam", "disable").headers["location"]  # a fellow supervisor
    assert "done=refused" in post_action(client, "sue", "disable").headers["location"]  # oneself
    assert client.post("/api/v1/auth/token", json={"username": "wes", "password": PASSWORD}).status_code == 200
    assert post_action(client, "bob", "reboot").status_code == 422
    forged = client.post("/admin/accounts", data={"csrf": "forged", "username": "bob", "action": "disable"})
    assert forged.status_code == 403
    assert client.post("/api/v1/auth/token", json={"username": "bob", "password": PASSWORD}).status_code == 200
    with TestClient(client.app) as clerk:
        sign_in(clerk, "cal")
        assert clerk.get("/admin/accounts", follow_redirects=False).status_code == 403
    assert "done=" not in client.get("/admin/accounts?done=<script>alert(1)</script>").text.split("</h1>")[1][:200]


# -- the sign-in lockout ---------------------------------------------------------------------
def login(client: TestClient, name: str, password: str, address: str) -> int:
    r = client.post("/api/v1/auth/token", json={"username": name, "password": password},
                    headers={"X-Forwarded-For": address})  # fmt: skip
    return r.status_code


def test_an_attacker_cannot_lock_a_clerk_out_of_their_own_computer(proxied: TestClient) -> None:
    Hall(proxied).user("bob")  # signs in once from the test client's own address
    assert login(proxied, "bob", PASSWORD, "10.0.0.5") == 200  # the counter PC
    for i in range(8):  # guesses from eight machines, ten each
        codes = [login(proxied, "bob", f"guess-{i}-{n}-wrong", f"203.0.113.{i}") for n in range(11)]
        assert codes[:10] == [401] * 10 or 429 in codes[:10]
        assert codes[-1] == 429  # that machine waits
    assert login(proxied, "bob", PASSWORD, "203.0.113.99") == 429  # elsewhere: the account's own budget is spent
    assert login(proxied, "bob", PASSWORD, "10.0.0.5") == 200  # the clerk at their counter is not held


def test_a_supervisor_lifts_a_lockout(proxied: TestClient) -> None:
    hall = Hall(proxied)
    hall.user("bob")
    for n in range(10):
        login(proxied, "bob", f"typo-{n}-wrong", "10.0.0.7")
    assert login(proxied, "bob", PASSWORD, "10.0.0.7") == 429
    r = proxied.post("/api/v1/auth/token", json={"username": "bob", "password": PASSWORD},
                     headers={"X-Forwarded-For": "10.0.0.7"})  # fmt: skip
    assert "主管解锁" in r.json()["error"]["message"]
    assert sign_in(proxied, "sue", "supervisor").status_code == 303
    assert "done=unlocked" in post_action(proxied, "bob", "unlock").headers["location"]
    assert login(proxied, "bob", PASSWORD, "10.0.0.7") == 200


def test_the_devices_page_says_when_each_token_was_issued(client: TestClient, hall: Hall, clock: ManualClock) -> None:
    hall.device("youyi-k1")
    assert sign_in(client, "sue", "supervisor").status_code == 303
    html = client.get("/admin/devices?site=youyi").text
    row = html[html.index('data-device="youyi-k1"') :].split("</tr>")[0]
    assert f'datetime="{clock.now().isoformat()}"' in row
    row2 = html[html.index('data-device="youyi-k2"') :].split("</tr>")[0]
    assert "无令牌" in row2
