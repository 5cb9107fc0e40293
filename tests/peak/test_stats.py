"""The registry's peak-day statistics as its supervisor reads them: demand (booking attempts, ballot
entries) against the places, no-shows, and the ceremonies held (2026-05-20 from config.toml)."""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from core.days.clock import TZ, ManualClock
from core.registry import visits
from tests.conftest import Hall
from tests.peak.people import body, couple

DAY = "2026-05-20"


def book(client: TestClient, i: int, hhmm: str, ceremony: str | None = None) -> str:
    extra = {"ceremony": ceremony} if ceremony else {}
    r = client.post("/api/v1/appointments", json={"site": "registry", "service": "marriage",
                    "start": f"{DAY}T{hhmm}:00+08:00", "applicants": body(*couple(i)), **extra})  # fmt: skip
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def test_demand_no_shows_and_ceremonies_held(client: TestClient, hall: Hall, clock: ManualClock) -> None:
    came = book(client, 0, "10:00", "morning")
    book(client, 1, "10:00", "morning")
    book(client, 2, "14:00")
    refused = client.post("/api/v1/appointments", json={"site": "registry", "service": "marriage",
                          "start": f"{DAY}T10:00:00+08:00", "applicants": body(*couple(0))})  # fmt: skip
    assert refused.json()["error"]["code"] == "duplicate_booking"  # an attempt all the same
    client.get("/api/v1/sites/registry/services/marriage/slots?date=2026-05-18")  # not a peak day: not counted
    clock.set(dt.datetime(2026, 5, 20, 9, 45, tzinfo=TZ))
    kiosk = {"Authorization": f"Bearer {hall.device('registry-k1')}"}
    him, her = couple(0)
    assert client.post("/api/v1/sites/registry/check-in", json={"code": came, "id_number": him.id_number},
                       headers=kiosk).status_code == 202  # fmt: skip
    assert client.post("/api/v1/sites/registry/check-in", json={"id_number": her.id_number},
                       headers=kiosk).status_code == 201  # fmt: skip
    clock.set(dt.datetime(2026, 5, 20, 17, 30, tzinfo=TZ))
    hall.hall.store.write_sync(visits.sweep)
    sup = {"Authorization": f"Bearer {hall.user('reg-sup', 'supervisor', 'registry')}"}
    r = client.get("/api/v1/sites/registry/peak-stats?from=2026-05-01&to=2026-05-31", headers=sup)
    assert r.status_code == 200, r.text
    (day,) = r.json()
    assert day["date"] == DAY and day["places"] == 17 * 6  # 08:30-17:00, 6 a slot (special date)
    assert day["attempts"] == 4 and day["entries"] == 0 and day["booked"] == 3
    assert day["no_show"] == 2 and day["ceremony_sessions"] == 2
    assert day["ceremonies_held"] == 1 and day["ceremony_couples"] == 1
    clerk = {"Authorization": f"Bearer {hall.user('reg-clerk', 'clerk', 'registry')}"}
    assert client.get("/api/v1/sites/registry/peak-stats", headers=clerk).status_code == 403
