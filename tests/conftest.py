"""Fixtures: the real app on a fresh SQLite file per test, with a clock the test moves; and the
test tiers (``live``: the tests that start a server process or a browser, see tests/live.py)."""

from __future__ import annotations

import datetime as dt
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
from tests import live

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
    return load(ROOT / "config.toml")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(WEDNESDAY)


@pytest.fixture
def store(tmp_path: Path, config: Config, clock: ManualClock) -> Iterator[Store]:
    """The core alone: a store on a fresh file, counters synced."""
    from core.queue import counters

    s = Store(tmp_path / "hall.db", config, clock, SECRET)
    s.write_sync(counters.sync)
    yield s
    s.close()


def hall_app(config: Config, db: Path, clock: Clock, limits: Limits | None = None) -> Any:
    """The real app on ``db``, without housekeeping, with ``limits`` instead of the config's."""
    from web.app import create_app

    if limits is not None:
        config = msgspec.structs.replace(config, limits=limits)
    return create_app(config, db, clock, secret=SECRET, housekeeping_every=None, public_url="http://testserver")


@pytest.fixture
def app(tmp_path: Path, config: Config, clock: ManualClock) -> Any:
    return hall_app(config, tmp_path / "hall.db", clock)


@pytest.fixture
def proxied(tmp_path: Path, config: Config, clock: ManualClock) -> Iterator[TestClient]:
    """The app behind a trusted proxy (the test client), so each request can say its address."""
    limits = msgspec.structs.replace(config.limits, trusted_proxies=["testclient"])
    app = hall_app(config, tmp_path / "hall.db", clock, limits)
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
