"""Holidays and adjusted working days: the calendar package plus the admin's override table."""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from core.days import calendar
from core.days.clock import TZ, ManualClock
from core.registry.divorce import periods
from tests.conftest import Hall


def test_package_knows_statutory_days() -> None:
    assert calendar.is_rest_day(dt.date(2026, 10, 1), {})  # 国庆
    assert not calendar.is_rest_day(dt.date(2026, 5, 13), {})  # an ordinary Wednesday
    assert calendar.is_statutory_holiday(dt.date(2025, 5, 5), {})
    assert calendar.is_rest_day(dt.date(2027, 1, 2), {})  # a Saturday in a year the package does not know


def test_admin_override_changes_hours_and_periods(client: TestClient, hall: Hall, clock: ManualClock) -> None:
    admin = {"Authorization": f"Bearer {hall.user('ada', 'admin', None)}"}
    store = hall.hall.store
    r = client.post("/api/v1/calendar", json={"date": "2026-05-13", "kind": "holiday", "note": "test"}, headers=admin)
    assert r.status_code == 200 and r.json() == {"2026-05-13": "holiday"}
    sites = {s["id"]: s for s in client.get("/api/v1/sites").json()}
    assert sites["youyi"]["open_now"] is True  # 09:30 is inside the holiday hours 08:30-11:30
    assert sites["registry"]["open_now"] is False  # the registry closes on rest days
    clock.set(dt.datetime(2026, 5, 13, 12, 0, tzinfo=TZ))
    assert client.get("/api/v1/sites").json()[0]["open_now"] is False
    # a received application whose cooling-off would end on the new holiday runs one day longer
    assert periods(dt.date(2026, 4, 13), store.schedule).cooling_end == dt.date(2026, 5, 14)
    client.post("/api/v1/calendar", json={"date": "2026-05-13"}, headers=admin)  # cleared
    assert client.get("/api/v1/sites").json()[0]["open_now"] is True  # 12:00 on a weekday
    assert periods(dt.date(2026, 4, 13), store.schedule).cooling_end == dt.date(2026, 5, 13)
