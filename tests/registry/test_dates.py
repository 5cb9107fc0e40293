"""Every date a client sends is bounded (SPEC 7, 8): year 1, year 9999, a day of 1900 give a
clear 422 ``invalid_date`` with the range, never a 500, and change nothing."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import Hall
from tests.registry.test_appointments import HER, HIM
from tests.supervision.test_pages import sign_in

FAR = ["0001-01-01", "9999-12-31", "1900-01-01", "2200-05-18"]


@pytest.mark.parametrize("day", FAR)
def test_far_dates_are_refused_clearly_on_the_api(client: TestClient, hall: Hall, day: str) -> None:
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor')}"}
    for path in (
        f"/api/v1/sites/registry/services/marriage/slots?date={day}",
        f"/api/v1/sites/youyi/staffing?weekday=2&until={day}",
        f"/api/v1/sites/youyi/stats?from={day}&to=2026-05-13",
    ):
        r = client.get(path, headers=sup)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["error"]["code"] == "invalid_date"
    people = [{"name": p.name, "id_number": p.id_number, "phone": p.phone} for p in (HIM, HER)]
    body = {"site": "registry", "service": "marriage", "start": f"{day}T09:00:00+08:00", "applicants": people}
    r = client.post("/api/v1/appointments", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_date"


@pytest.mark.parametrize("day", FAR)
def test_far_dates_are_a_readable_page_on_the_appointments_page(client: TestClient, day: str) -> None:
    assert sign_in(client, "sue", "supervisor", "registry").status_code == 303
    r = client.get(f"/admin/appointments?site=registry&date={day}")
    assert r.status_code == 422 and "2026" in r.text  # says the range


def test_dates_near_today_still_work(client: TestClient, hall: Hall) -> None:
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor')}"}
    assert client.get("/api/v1/sites/registry/services/marriage/slots?date=2026-05-18").status_code == 200
    assert client.get("/api/v1/sites/youyi/staffing?weekday=2&until=2026-05-12", headers=sup).status_code == 200
    assert client.get("/api/v1/sites/youyi/stats?from=2026-04-01&to=2026-05-13", headers=sup).status_code == 200
