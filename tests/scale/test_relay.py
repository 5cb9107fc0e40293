"""Two apps (two processes' worth: each its store, hub and relay) on one PostgreSQL database:
what one commits reaches the other's sockets in seq order, with NATS and without it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from core.config import Config
from core.days.clock import ManualClock
from tests import pgdb
from tests.conftest import Hall, hall_app
from tests.scale.apps import apps
from tests.sockets import receive_json, receive_many


@contextlib.contextmanager
def two(url: str, config: Config, clock: ManualClock, nats: str | None) -> Iterator[tuple[TestClient, TestClient]]:
    with apps(url, config, clock, nats=nats) as (a, b):
        yield a, b


@pytest.mark.parametrize("with_nats", [True, False], ids=["nats", "poll-only"])
def test_a_socket_on_one_app_sees_the_other_apps_tickets_in_order(
    pg_url: str, config: Config, clock: ManualClock, with_nats: bool
) -> None:
    nats = pgdb.require_nats() if with_nats else None
    with two(pg_url, config, clock, nats) as (a, b):
        kiosk = {"Authorization": f"Bearer {Hall(b).device('youyi-k1')}"}
        with a.websocket_connect("/ws/sites/youyi") as ws:
            start = receive_json(ws)["seq"]
            numbers = [Hall(b).take("general", kiosk)["number"] for _ in range(3)]
            numbers.append(Hall(a).take("general", kiosk)["number"])
            seen = receive_many(ws, 4)
    assert [e["seq"] for e in seen] == [start + 1, start + 2, start + 3, start + 4]
    assert [e["data"]["ticket"]["number"] for e in seen] == numbers == ["A001", "A002", "A003", "A004"]


def test_hall_app_fixture_is_on_postgresql_when_asked(pg_url: str, config: Config, clock: ManualClock) -> None:
    with TestClient(hall_app(config, pg_url, clock)) as c:
        assert c.app.state.hall.relay is not None  # type: ignore[attr-defined]
        assert c.get("/api/v1/sites").status_code == 200


def test_an_identity_is_limited_once_across_processes(pg_url: str, config: Config, clock: ManualClock) -> None:
    per_hour = config.limits.tickets_per_identity_per_hour
    with two(pg_url, config, clock, None) as (a, b):
        kiosk = {"Authorization": f"Bearer {Hall(a).device('youyi-k1')}"}
        body = {"service": "general", "id_number": "110105199003071239"}
        codes = [
            (a if i % 2 else b).post("/api/v1/sites/youyi/tickets", json=body, headers=kiosk).status_code
            for i in range(per_hour + 1)
        ]
        other = b.post("/api/v1/sites/youyi/tickets", json={**body, "id_number": "31011519850612107X"}, headers=kiosk)
    assert set(codes[:per_hour]) <= {200, 201} and codes[per_hour] == 429  # not 2 x per_hour with two processes
    assert other.status_code == 201  # another person is not limited by it


def test_a_silent_socket_fails_the_test_instead_of_hanging(tmp_path: Path, config: Config, clock: ManualClock) -> None:
    with TestClient(hall_app(config, tmp_path / "h.db", clock)) as c, c.websocket_connect("/ws/sites/youyi") as ws:
        receive_json(ws)  # the snapshot
        started = time.monotonic()
        with pytest.raises(TimeoutError, match=r"0\.3 s"):
            receive_json(ws, timeout=0.3)  # no event comes: starlette's own receive_json waits forever
        assert time.monotonic() - started < 3
