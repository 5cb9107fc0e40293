"""The proof of work of public booking as a script meets it: no solution, a wrong one, a replayed one
and an expired one are refused with a clear code and change nothing; a solved one books; kiosks
and staff book without one."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from pathlib import Path

from starlette.testclient import TestClient

from core.config import Config
from core.days.clock import TZ, ManualClock
from core.peak.pow import Guard
from core.peak.settings import Peak
from tests.conftest import Hall, hall_app
from tests.peak.people import body, couple, solve

MONDAY = "2026-05-18T10:00:00+08:00"  # the fixed clock is 2026-05-13 09:30 (an ordinary Wednesday)


def booking(i: int = 0, start: str = MONDAY) -> dict[str, object]:
    return {"site": "registry", "service": "marriage", "start": start, "applicants": body(*couple(i))}


def remaining(client: TestClient) -> int:
    slots = client.get("/api/v1/sites/registry/services/marriage/slots?date=2026-05-18").json()
    return sum(s["remaining"] for s in slots)


def test_refusals_change_nothing_and_a_solution_books_once(tmp_path: Path, shipped: Config, clock: ManualClock) -> None:
    with TestClient(hall_app(shipped, tmp_path / "h.db", clock)) as client:
        left = remaining(client)
        r = client.post("/api/v1/appointments", json=booking())
        assert r.status_code == 403 and r.json()["error"]["code"] == "pow_required"
        assert "自助机" in r.json()["error"]["message"] and "X-Altcha" in r.json()["error"]["message"]
        challenge = client.get("/api/v1/pow/challenge").json()
        assert challenge["maxnumber"] == 50_000 and challenge["algorithm"] == "SHA-256"
        good = solve(challenge)
        payload = json.loads(base64.b64decode(good))
        wrong = base64.b64encode(json.dumps({**payload, "number": payload["number"] + 1}).encode()).decode()
        shaped = base64.b64encode(b'"algorithm challenge number salt signature"').decode()  # a string, not an object
        for bad in (wrong, "not base64 at all", "x" * 5000, base64.b64encode(b"[]").decode(), shaped):
            r = client.post("/api/v1/appointments", json=booking(), headers={"X-Altcha": bad})
            assert r.status_code == 403 and r.json()["error"]["code"] == "pow_invalid", (bad[:20], r.text)
        assert remaining(client) == left
        r = client.post("/api/v1/appointments", json=booking(), headers={"X-Altcha": good})
        assert r.status_code == 201, r.text
        r = client.post("/api/v1/appointments", json=booking(1), headers={"X-Altcha": good})  # replayed
        assert r.status_code == 403 and r.json()["error"]["code"] == "pow_invalid" and r.json()["error"]["replay"]
        assert remaining(client) == left - 1
        # a solution past its expiry (five minutes by the hall's clock)
        late = solve(client.get("/api/v1/pow/challenge").json())
        clock.advance(minutes=6)
        r = client.post("/api/v1/appointments", json=booking(2), headers={"X-Altcha": late})
        assert r.status_code == 403 and r.json()["error"]["expired"]


def test_kiosks_and_staff_are_exempt(tmp_path: Path, shipped: Config, clock: ManualClock) -> None:
    with TestClient(hall_app(shipped, tmp_path / "h.db", clock)) as client:
        h = Hall(client)
        kiosk = {"Authorization": f"Bearer {h.device('registry-k1')}"}
        clerk = {"Authorization": f"Bearer {h.user('reg-clerk', site='registry')}"}
        display = {"Authorization": f"Bearer {h.device('registry-d1')}"}
        assert client.post("/api/v1/appointments", json=booking(0), headers=kiosk).status_code == 201
        assert client.post("/api/v1/appointments", json=booking(1), headers=clerk).status_code == 201
        r = client.post("/api/v1/appointments", json=booking(2), headers=display)  # a display is no kiosk
        assert r.json()["error"]["code"] == "pow_required"


def test_checking_costs_far_less_than_solving() -> None:
    guard = Guard(b"s" * 32, ManualClock(dt.datetime(2026, 5, 13, 9, 30, tzinfo=TZ)), Peak())
    solved = [solve(guard.challenge()) for _ in range(20)]
    t = time.perf_counter()
    for s in solved:
        guard.check(s)
    per_check = (time.perf_counter() - t) / 20
    assert per_check < 0.002, per_check  # about 0.1 ms here; solving takes thousands of hashes


def test_a_script_without_a_solution_cannot_spend_a_persons_booking_rate(
    tmp_path: Path, shipped: Config, clock: ManualClock
) -> None:
    """Someone else's ID numbers sent without a proof of work, more often than a person may book in
    an hour: each is refused for the proof, and that person still books."""
    with TestClient(hall_app(shipped, tmp_path / "h.db", clock)) as client:
        for _ in range(shipped.limits.bookings_per_identity_per_hour + 2):
            r = client.post("/api/v1/appointments", json=booking(3))
            assert r.status_code == 403 and r.json()["error"]["code"] == "pow_required"
        good = solve(client.get("/api/v1/pow/challenge").json())
        r = client.post("/api/v1/appointments", json=booking(3), headers={"X-Altcha": good})
        assert r.status_code == 201, r.text
