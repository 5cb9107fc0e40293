"""The role matrix of docs/security.md, walked with every role against the real app."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from core.config import Config, Limits
from core.days.clock import ManualClock
from tests.conftest import ROOT, Hall, hall_app

ROLES = [
    "anonymous",
    "kiosk_here",
    "kiosk_other",
    "display",
    "clerk_here",
    "clerk_other_counter",
    "clerk_other_site",
    "supervisor",
    "district_supervisor",
    "admin",
]
NAMES = {
    "clerk_here": "ann",
    "clerk_other_counter": "bob",
    "clerk_other_site": "cat",
    "supervisor": "sue",
    "district_supervisor": "dee",
    "admin": "ada",
}
ROW = re.compile(r"^\| (GET|POST|WS) \| (\S+) \| (\S+)(?: (\{.*\}))? \| ([^|]+) \|$")


def table() -> list[tuple[str, str, str, Any, set[str]]]:
    rows = []
    for line in (ROOT / "docs" / "security.md").read_text().splitlines():
        m = ROW.match(line)
        if m:
            method, path, example, body, who = m.groups()
            allowed = set(ROLES) if who.strip() == "anyone" else {w.strip() for w in who.split(",")}
            assert allowed <= set(ROLES), f"unknown role in {line}"
            if "supervisor" in allowed:  # one site rule (web/deps.can_see): the district's supervisor may too
                allowed.add("district_supervisor")
            rows.append((method, path, example, json.loads(body) if body else None, allowed))
    return rows


ROWS = table()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, config: Config) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    from tests.conftest import WEDNESDAY

    roomy = Limits(
        requests_per_device_per_minute=100_000,
        tickets_per_address_per_minute=100_000,
        logins_per_address_per_minute=100_000,
        bookings_per_address_per_minute=100_000,
    )
    app = hall_app(config, tmp_path_factory.mktemp("authz") / "h.db", ManualClock(WEDNESDAY), roomy)
    with TestClient(app) as client:
        h = Hall(client)
        tokens: dict[str, str | None] = {
            "anonymous": None,
            "kiosk_here": h.device("youyi-k1"),
            "kiosk_other": h.device("wusong-k1"),
            "display": h.device("youyi-d1"),
            "clerk_here": h.user("ann"),
            "clerk_other_counter": h.user("bob"),
            "clerk_other_site": h.user("cat", site="wusong"),
            "supervisor": h.user("sue", "supervisor"),
            "district_supervisor": h.user("dee", "supervisor", None),
            "admin": h.user("ada", "admin", None),
        }
        ticket = h.take("general", {"Authorization": f"Bearer {tokens['kiosk_here']}"})
        yield client, {"tokens": tokens, "ticket": ticket["id"]}


def reset(client: TestClient, tokens: dict[str, str | None]) -> None:
    """Put the clerks back where the roles say, whatever the previous call did."""
    for role, counter in (("clerk_here", "youyi-1"), ("clerk_other_counter", "youyi-2")):
        r = client.post(f"/api/v1/counters/{counter}/open", headers={"Authorization": f"Bearer {tokens[role]}"})
        assert r.status_code == 200, r.text


def ws_status(client: TestClient, url: str, headers: dict[str, str]) -> int:
    """A socket's first message means "let in"; a close with 4401/4403 means 401/403."""
    try:
        with client.websocket_connect(url, headers=headers) as ws:
            first = json.loads(ws.receive_text())["type"]
    except WebSocketDisconnect as e:
        return {4401: 401, 4403: 403}.get(e.code, 500)
    return 200 if first in ("snapshot", "welcome", "agent") else 500


@pytest.mark.parametrize(("method", "path", "example", "body", "allowed"), ROWS, ids=[f"{r[0]} {r[1]}" for r in ROWS])
def test_role_matrix(
    world: tuple[TestClient, dict[str, Any]], method: str, path: str, example: str, body: Any, allowed: set[str]
) -> None:
    client, ctx = world
    tokens = ctx["tokens"]
    url = example.replace("{ticket}", ctx["ticket"])
    for role in ROLES:
        reset(client, tokens)
        headers = {"Authorization": f"Bearer {tokens[role]}"} if tokens[role] else {}
        if path == "/api/v1/auth/logout" and tokens[role] and role in NAMES:
            # a spare token: logging out revokes the one it is called with
            r = client.post("/api/v1/auth/token", json={"username": NAMES[role], "password": "correct-horse-battery"})
            headers = {"Authorization": f"Bearer {r.json()['token']}"}
        if method == "WS":
            status = ws_status(client, url, headers)
        else:
            r = client.request(method, url, json=body, headers=headers)
            # a wrong password in the sign-in row is an answer about credentials, not a refusal
            status = 200 if r.status_code == 401 and r.json()["error"]["code"] == "bad_credentials" else r.status_code
        if role in allowed:
            assert status not in (401, 403), f"{role} refused {method} {url}: {status}"
        else:
            assert status == (401 if role == "anonymous" else 403), f"{role} got {status} for {method} {url}"


def test_every_route_is_in_the_table(world: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = world
    listed = {(m, p) for m, p, *_ in ROWS}
    missing = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount) and route.path == "/api/v1":
            for sub in route.routes:
                assert isinstance(sub, Route)
                if not sub.include_in_schema:
                    continue
                for m in sorted((sub.methods or set()) - {"HEAD"}):
                    if (m, "/api/v1" + sub.path) not in listed:
                        missing.append(f"{m} /api/v1{sub.path}")
        elif isinstance(route, WebSocketRoute) and ("WS", route.path) not in listed:
            missing.append(f"WS {route.path}")
    assert missing == [], f"add these to docs/security.md: {missing}"


def test_weak_secret_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import ConfigError
    from web.app import load_secret

    monkeypatch.setenv("HALL_SECRET", "change-me")
    with pytest.raises(ConfigError):
        load_secret(tmp_path / "h.db")
    monkeypatch.delenv("HALL_SECRET")
    first = load_secret(tmp_path / "h.db")
    assert len(first) >= 32 and load_secret(tmp_path / "h.db") == first
    assert (tmp_path / "hall.secret").stat().st_mode & 0o077 == 0
