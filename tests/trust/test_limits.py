"""Abuse limits: per device, per address (unless HALL_LIMITS=off) and per identity, with 429 + Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.config import Config, Limits
from core.days.clock import ManualClock
from tests.conftest import Hall, hall_app

ELDER = "110105195001011234"


@pytest.fixture
def tight(tmp_path: Path, config: Config, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.delenv("HALL_LIMITS", raising=False)
    limits = Limits(
        requests_per_device_per_minute=5,
        tickets_per_identity_per_hour=3,
        bookings_per_address_per_minute=2,
        logins_per_address_per_minute=3,
    )
    app = hall_app(config, tmp_path / "h.db", clock, limits)
    with TestClient(app) as c:
        yield c


def post(c: TestClient, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return c.post(path, json=body, headers=headers or {})


def test_device_limit_then_refill(tight: TestClient, clock: ManualClock) -> None:
    kiosk = {"Authorization": f"Bearer {Hall(tight).device('youyi-k1')}"}
    codes = [post(tight, "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]
    r = post(tight, "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk)
    assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["Retry-After"]) >= 1
    other = {"Authorization": f"Bearer {Hall(tight).device('youyi-k2')}"}  # same address, another kiosk
    assert post(tight, "/api/v1/sites/youyi/tickets", {"service": "general"}, other).status_code == 201
    clock.advance(seconds=13)
    assert post(tight, "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk).status_code == 201


def test_identity_limit_holds_even_with_limits_off(tight: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    hall = Hall(tight)
    tight.app.state.hall.limits.per_address = False  # type: ignore[attr-defined]  # as HALL_LIMITS=off
    kiosks = [{"Authorization": f"Bearer {hall.device(k)}"} for k in ("youyi-k1", "youyi-k2")]
    codes = [
        post(
            tight, "/api/v1/sites/youyi/tickets", {"service": "general", "id_number": ELDER}, kiosks[i % 2]
        ).status_code
        for i in range(4)
    ]
    assert codes == [201, 200, 200, 429]


def test_booking_per_address(tight: TestClient) -> None:
    body = {
        "site": "registry",
        "service": "reissue",
        "start": "2026-05-18T09:00:00+08:00",
        "applicants": [{"name": "张三", "id_number": "110105199003071239", "phone": "13800138000"}],
    }
    codes = [post(tight, "/api/v1/appointments", body).status_code for _ in range(3)]
    assert codes[:2] == [201, 409] and codes[2] == 429  # the second is a duplicate; the third is one too many


def test_login_attempts_are_bounded(tight: TestClient) -> None:
    codes = [
        post(tight, "/api/v1/auth/token", {"username": "x", "password": "wrong-password"}).status_code for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/v1/sites", "/display/youyi"):
        r = client.get(path)
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "'unsafe-inline'" not in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"


def test_account_lockout_says_for_how_long(client: TestClient, hall: Hall) -> None:
    hall.user("ann")
    codes = [
        post(client, "/api/v1/auth/token", {"username": "ann", "password": "wrong-password!"}).status_code
        for _ in range(9)
    ]
    assert codes == [401] * 9  # (the fixture's own sign-in was the first attempt)
    r = post(client, "/api/v1/auth/token", {"username": "ANN", "password": "correct-horse-battery"})
    assert r.status_code == 429 and "locked" in r.json()["error"]["message"]
