"""Fixtures: the real app on a fresh SQLite file per test, with a clock the test moves; and the
test tiers (``live``: the tests that start a server process or a browser, see tests/live.py)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from starlette.testclient import TestClient

from core import accounts
from core.config import Config, Limits, load
from core.days.clock import TZ, Clock, ManualClock
from core.store.db import Store
from tests import live, pgdb

ROOT = Path(__file__).resolve().parent.parent
WEDNESDAY = dt.datetime(2026, 5, 13, 9, 30, tzinfo=TZ)  # an ordinary working day, open
PASSWORD = "correct-horse-battery"
SECRET = b"test-secret-not-for-production"
BROWSER = ROOT / "tests" / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every real-browser test is ``live``."""
    for item in items:
        if Path(str(item.path)).is_relative_to(BROWSER):
            item.add_marker(pytest.mark.live)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test is set up (a module's or the session's server included)."""
    live.marked_live = item.get_closest_marker("live") is not None


@pytest.fixture(scope="session")
def config() -> Config:
    """config.toml, with the proof of work of public bookings off: tests/peak/ tests it on."""
    cfg = load(ROOT / "config.toml")
    return msgspec.structs.replace(cfg, peak=msgspec.structs.replace(cfg.peak, pow_max_number=0))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(WEDNESDAY)


def pytest_sessionfinish(session: pytest.Session) -> None:
    pgdb.drop_templates()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str | Path]:
    """Where the fixtures' hall keeps its data: a fresh SQLite file, or with ``HALL_TEST_DATABASE``
    a fresh PostgreSQL database (tests/pgdb.py), so that the suite proves both stores; its files
    (notifications, the platform export) in the test's own folder either way."""
    if not os.environ.get("HALL_TEST_DATABASE"):
        yield tmp_path / "hall.db"
        return
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path))
    with pgdb.database() as url:
        yield url


@pytest.fixture
def store(db: str | Path, config: Config, clock: ManualClock) -> Iterator[Store]:
    """The core alone: a store on a fresh file, counters synced."""
    from core.queue import counters

    s = Store(db, config, clock, SECRET)
    s.write_sync(counters.sync)
    yield s
    s.close()


def hall_app(config: Config, db: str | Path, clock: Clock, limits: Limits | None = None) -> Any:
    """The real app on ``db``, without housekeeping, with ``limits`` instead of the config's
    (on PostgreSQL with ``HALL_TEST_NATS``'s NATS when set)."""
    from web.app import create_app

    if limits is not None:
        config = msgspec.structs.replace(config, limits=limits)
    nats = os.environ.get("HALL_TEST_NATS") if str(db).startswith("postgresql://") else None
    return create_app(
        config, db, clock, secret=SECRET, housekeeping_every=None, public_url="http://testserver", nats_url=nats
    )


@pytest.fixture
def app(db: str | Path, config: Config, clock: ManualClock) -> Any:
    return hall_app(config, db, clock)


@pytest.fixture
def proxied(db: str | Path, config: Config, clock: ManualClock) -> Iterator[TestClient]:
    """The app behind a trusted proxy (the test client), so each request can say its address."""
    limits = msgspec.structs.replace(config.limits, trusted_proxies=["testclient"])
    app = hall_app(config, db, clock, limits)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


class Hall:
    """Test helpers that act as people would: staff sign in, kiosks get tokens."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.hall = client.app.state.hall  # type: ignore[attr-defined]

    def user(self, name: str, role: str = "clerk", site: str | None = "youyi") -> str:
        self.hall.store.write_sync(accounts.add_user, name, role, site, _hash())
        r = self.client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def device(self, device_id: str) -> str:
        return str(self.hall.store.write_sync(accounts.new_device_token, device_id))

    def clerk_at(self, counter: str, name: str | None = None, site: str = "youyi") -> dict[str, str]:
        """A clerk signed in at ``counter``; returns the auth header."""
        token = self.user(name or f"clerk-{counter}", "clerk", site)
        headers = {"Authorization": f"Bearer {token}"}
        r = self.client.post(f"/api/v1/counters/{counter}/open", headers=headers)
        assert r.status_code == 200, r.text
        return headers

    def take(self, service: str, kiosk: dict[str, str], site: str = "youyi", **extra: Any) -> dict[str, Any]:
        r = self.client.post(f"/api/v1/sites/{site}/tickets", json={"service": service, **extra}, headers=kiosk)
        assert r.status_code in (200, 201), r.text
        return dict(r.json())

    def act(self, where: str, action: str, headers: dict[str, str], **body: Any) -> Any:
        return self.client.post(f"/api/v1/counters/{where}/{action}", json=body or None, headers=headers)


_hashed: list[str] = []


def _hash() -> str:
    if not _hashed:
        _hashed.append(accounts.hash_password(PASSWORD))
    return _hashed[0]


@pytest.fixture
def hall(client: TestClient) -> Hall:
    return Hall(client)


@pytest.fixture
def kiosk(hall: Hall) -> dict[str, str]:
    return {"Authorization": f"Bearer {hall.device('youyi-k1')}"}
