"""Peak-day fixtures: the app with the proof of work on (config.toml as shipped), on a clock in the
2027-05-20 ballot's window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.config import Config, load
from core.days.clock import TZ, ManualClock
from tests.conftest import ROOT, hall_app

IN_WINDOW = dt.datetime(2027, 4, 2, 10, 0, tzinfo=TZ)
DRAW = dt.datetime(2027, 4, 12, 10, 0, tzinfo=TZ)
BALLOT = "520-2027"


@pytest.fixture(scope="session")
def shipped() -> Config:
    """config.toml as shipped: the proof of work on."""
    return load(ROOT / "config.toml")


@pytest.fixture
def peak_clock() -> ManualClock:
    return ManualClock(IN_WINDOW)


@pytest.fixture
def peak(tmp_path: Path, shipped: Config, peak_clock: ManualClock) -> Iterator[TestClient]:
    with TestClient(hall_app(shipped, tmp_path / "hall.db", peak_clock)) as c:
        yield c


def hall_of(client: TestClient) -> Any:
    return client.app.state.hall  # type: ignore[attr-defined]
