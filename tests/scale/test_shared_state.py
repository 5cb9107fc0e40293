"""What must hold once across processes, not once per process (issue 17, SPEC 8): two apps on one
PostgreSQL database, each with its own memory, share the proof of work's used solutions, the
sign-in lockout, a device's budget, the guesses at a booking code and housekeeping's notices."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import msgspec
import pytest

from core.config import Config, load
from core.days.clock import ManualClock
from core.registry import appointments
from tests.conftest import PASSWORD, ROOT, Hall
from tests.peak.people import solve
from tests.peak.test_pow import booking
from tests.registry.test_appointments import HER, NEXT_MONDAY, at, book
from tests.scale.apps import apps
from tests.trust.test_credentials import login


@pytest.fixture
def shipped() -> Config:
    """config.toml as shipped: the proof of work on."""
    return load(ROOT / "config.toml")


def test_a_proof_of_work_solution_works_once_across_processes(pg_url: str, shipped: Config, clock: ManualClock) -> None:
    with apps(pg_url, shipped, clock) as (a, b):
        good = solve(a.get("/api/v1/pow/challenge").json())
        assert a.post("/api/v1/appointments", json=booking(), headers={"X-Altcha": good}).status_code == 201
        r = b.post("/api/v1/appointments", json=booking(1), headers={"X-Altcha": good})  # replayed on the other
        assert r.status_code == 403 and r.json()["error"]["replay"], r.text
        again = a.post("/api/v1/appointments", json=booking(2), headers={"X-Altcha": good})
        assert again.status_code == 403
        fresh = solve(b.get("/api/v1/pow/challenge").json())
        assert b.post("/api/v1/appointments", json=booking(3), headers={"X-Altcha": fresh}).status_code == 201


def test_the_sign_in_lockout_holds_once_across_processes(pg_url: str, config: Config, clock: ManualClock) -> None:
    limits = msgspec.structs.replace(config.limits, trusted_proxies=["testclient"],
                                     login_attempts_per_account_and_address=3,
                                     login_attempts_per_account_elsewhere_per_hour=8)  # fmt: skip
    with apps(pg_url, config, clock, limits=limits) as (a, b):
        Hall(a).user("bob")
        assert login(a, "bob", PASSWORD, "10.0.0.5") == 200  # the clerk's counter PC, known to process a
        codes = [login(a if n % 2 else b, "bob", f"guess-{n}-wrong", "203.0.113.7") for n in range(4)]
        assert codes == [401, 401, 401, 429]  # three from that machine in all, not three per process
        assert login(b, "bob", PASSWORD, "203.0.113.7") == 429
        assert [login(b if n % 2 else a, "bob", f"x-{n}-wrong", "198.51.100.1") for n in range(3)] == [401] * 3
        assert login(a, "bob", PASSWORD, "198.51.100.2") == 429  # 8 from unknown addresses in all: held
        assert login(b, "bob", PASSWORD, "10.0.0.5") == 200  # but not at the PC process a knows
        assert asyncio.run(Hall(b).hall.logins.unlock("bob")) >= 1  # a supervisor's unlock on b
        assert login(a, "bob", PASSWORD, "203.0.113.7") == 200  # lifts it on a


def test_a_device_budget_is_one_across_processes(pg_url: str, config: Config, clock: ManualClock) -> None:
    limits = msgspec.structs.replace(config.limits, requests_per_device_per_minute=6)
    with apps(pg_url, config, clock, limits=limits) as (a, b):
        kiosk = {"Authorization": f"Bearer {Hall(a).device('youyi-k1')}"}
        codes = [
            (a if i % 2 else b).post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=kiosk)
            for i in range(7)
        ]
        assert [r.status_code for r in codes] == [201] * 6 + [429]
        assert int(codes[-1].headers["Retry-After"]) >= 1


def test_guesses_at_a_booking_code_lock_it_once_across_processes(
    pg_url: str, config: Config, clock: ManualClock
) -> None:
    limits = msgspec.structs.replace(config.limits, trusted_proxies=["testclient"])
    with apps(pg_url, config, clock, limits=limits) as (a, b):
        code = book(Hall(a).hall.store, at(NEXT_MONDAY, "09:00"))["code"]
        for i in range(5):  # five misses in all, from rotating addresses and both processes
            r = (a if i % 2 else b).get(f"/api/v1/appointments/{code}", params={"verify": f"{1000 + i}"},
                                        headers={"X-Forwarded-For": f"198.51.100.{i}"})  # fmt: skip
            assert r.status_code == 404
        for c in (a, b):  # locked on both, even for the right digits
            r = c.get(f"/api/v1/appointments/{code}", params={"verify": HER.id_number[-4:]},
                      headers={"X-Forwarded-For": "198.51.100.99"})  # fmt: skip
            assert r.status_code == 429 and r.json()["error"]["code"] == "code_locked"
        kinds = Hall(b).hall.store.read_sync(lambda r: [x[0] for x in r.execute("SELECT kind FROM outbox").fetchall()])
        assert kinds.count("booking.guessed") == 2  # both holders told, once
        clock.advance(minutes=31)
        r = b.get(f"/api/v1/appointments/{code}", params={"verify": HER.id_number[-4:]})
        assert r.status_code == 200


def test_two_processes_send_each_notice_once(
    pg_url: str, config: Config, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path))  # both processes' notifications.log
    log = tmp_path / "notifications.log"
    with apps(pg_url, config, clock, housekeeping_every=0.02) as (a, _b):
        store = Hall(a).hall.store
        code = book(store, at(NEXT_MONDAY, "09:00"))["code"]
        for _ in range(10):  # 20 notices due at once (two holders each time)
            store.write_sync(appointments.warn_guessed, code)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _sent(log) < 20:
            time.sleep(0.05)
        time.sleep(0.5)  # more rounds of both processes' housekeeping
        sent = _sent(log)
    assert sent == 20  # not 40, nor some twice


def _sent(log: Path) -> int:
    if not log.exists():
        return 0
    return sum(
        1 for line in log.read_text(encoding="utf-8").splitlines() if json.loads(line)["kind"] == "booking.guessed"
    )
