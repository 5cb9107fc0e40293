"""Booking and check-in over HTTP, and a booking rush against a real server process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from core.days.clock import ManualClock
from tests.conftest import Hall
from tests.live import LiveServer
from tests.registry.test_appointments import HER, HIM, at, person

MONDAY = "2026-05-18"


def applicants(*people: Any) -> list[dict[str, str]]:
    return [{"name": p.name, "id_number": p.id_number, "phone": p.phone} for p in people]


def book_marriage(client: TestClient, hhmm: str) -> Any:
    """HIM and HER book the marriage registration at ``hhmm`` on MONDAY."""
    body = {"site": "registry", "service": "marriage", "start": f"{MONDAY}T{hhmm}:00+08:00"}
    return client.post("/api/v1/appointments", json={**body, "applicants": applicants(HIM, HER)})


def test_slots_book_lookup_cancel(client: TestClient) -> None:
    r = client.get(f"/api/v1/sites/registry/services/marriage/slots?date={MONDAY}")
    assert r.status_code == 200 and r.json()[0] == {
        "start": f"{MONDAY}T09:00:00+08:00",
        "end": f"{MONDAY}T09:30:00+08:00",
        "capacity": 3,
        "remaining": 3,
    }
    r = book_marriage(client, "09:00")
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    assert "110105199003071239" not in r.text and "13800138000" not in r.text
    assert client.get(f"/api/v1/appointments/{code}?verify=1239").json()["status"] == "booked"
    assert client.get(f"/api/v1/appointments/{code}?verify=9999").status_code == 404
    r = client.post(
        f"/api/v1/appointments/{code}/reschedule", json={"verify": "174X", "start": f"{MONDAY}T10:00:00+08:00"}
    )
    assert r.status_code == 200 and r.json()["start"] == f"{MONDAY}T10:00:00+08:00"
    assert (
        client.post(f"/api/v1/appointments/{code}/cancel", json={"verify": "13900139000"}).json()["status"]
        == "cancelled"
    )
    assert client.get(f"/api/v1/sites/registry/services/marriage/slots?date={MONDAY}").json()[2]["remaining"] == 3


def test_booking_errors(client: TestClient) -> None:
    base = {"site": "registry", "service": "marriage", "start": f"{MONDAY}T09:00:00+08:00"}
    cases = [
        ({**base, "applicants": applicants(HIM)}, 422, "invalid_input"),
        ({**base, "start": "yesterday", "applicants": applicants(HIM, HER)}, 422, "invalid_date"),
        ({**base, "start": f"{MONDAY}T09:10:00+08:00", "applicants": applicants(HIM, HER)}, 422, "invalid_slot"),
        ({**base, "start": "2026-08-03T09:00:00+08:00", "applicants": applicants(HIM, HER)}, 422, "outside_horizon"),
        ({**base, "site": "youyi", "service": "general", "applicants": applicants(HIM)}, 409, "not_bookable"),
        ({**base, "applicants": [{**applicants(HIM)[0], "phone": "555"}, applicants(HER)[0]]}, 422, "invalid_phone"),
    ]
    for payload, status, code in cases:
        r = client.post("/api/v1/appointments", json=payload)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (payload, r.text)
    assert client.get("/api/v1/sites/registry/services/marriage/slots?date=2026-02-30").status_code == 422
    assert client.get(f"/api/v1/sites/registry/services/marriage/slots?date={MONDAY}").json()[0]["remaining"] == 3


def test_check_in_at_the_kiosk(client: TestClient, hall: Hall, clock: ManualClock) -> None:
    r = book_marriage(client, "10:00")
    code = r.json()["code"]
    clock.set(at(__import__("datetime").date(2026, 5, 18), "09:45"))
    kiosk = {"Authorization": f"Bearer {hall.device('registry-k1')}"}
    r = client.post("/api/v1/sites/registry/check-in", json={"code": code, "id_number": HIM.id_number}, headers=kiosk)
    assert r.status_code == 202 and r.json()["pending"] == ["**************174X"]
    r = client.post("/api/v1/sites/registry/check-in", json={"id_number": HER.id_number}, headers=kiosk)
    assert r.status_code == 201 and r.json()["number"] == "J001" and r.json()["priority"] == "appointment"
    youyi = {"Authorization": f"Bearer {hall.device('youyi-k1')}"}
    assert client.post("/api/v1/sites/registry/check-in", json={"code": code}, headers=youyi).status_code == 403


def test_supervisor_override_and_day_view(client: TestClient, hall: Hall) -> None:
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor', 'registry')}"}
    clerk = {"Authorization": f"Bearer {hall.user('carl', 'clerk', 'registry')}"}
    body = {"date": MONDAY, "capacity": 20, "open": "08:00", "close": "12:00"}
    assert (
        client.post("/api/v1/sites/registry/services/marriage/overrides", json=body, headers=clerk).status_code == 403
    )
    r = client.post("/api/v1/sites/registry/services/marriage/overrides", json=body, headers=sup)
    assert r.status_code == 200 and r.json()[0]["start"] == f"{MONDAY}T08:00:00+08:00" and r.json()[0]["capacity"] == 20
    book_marriage(client, "08:00")
    day = client.get(f"/api/v1/sites/registry/appointments?date={MONDAY}", headers=clerk).json()
    assert day["services"]["marriage"]["booked"] == 1


@pytest.mark.live
def test_rush_of_2000_for_20_places_over_http(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00").start()
    try:
        server.cli("user", "add", "sue", "--role", "supervisor", "--site", "registry", stdin="correct-horse-battery\n")
        token = server.call("POST", "/api/v1/auth/token", {"username": "sue", "password": "correct-horse-battery"})[1][
            "token"
        ]
        code, _ = server.call(
            "POST", "/api/v1/sites/registry/services/reissue/overrides", {"date": MONDAY, "capacity": 20}, token
        )
        assert code == 200
        results = asyncio.run(rush(server.base, 2000))
    finally:
        server.stop()
    assert results.get(201) == 20, results
    assert results.get(409) == 1980, results
    assert not any(status >= 500 for status in results)


async def rush(base: str, n: int) -> dict[int, int]:
    counts: dict[int, int] = {}
    limits = httpx2.Limits(max_connections=200)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=60) as c:

        async def one(i: int) -> None:
            p = person(i)
            r = await c.post(
                "/api/v1/appointments",
                json={
                    "site": "registry",
                    "service": "reissue",
                    "start": f"{MONDAY}T09:00:00+08:00",
                    "applicants": applicants(p),
                },
            )
            counts[r.status_code] = counts.get(r.status_code, 0) + 1

        await asyncio.gather(*(one(i) for i in range(n)))
    return counts
