"""The 4-digit verify of a booking is limited per code as well as per address (SPEC 8): rotating
addresses get five wrong tries, then the code is locked for everyone for half an hour and its
holders are told; a kiosk's print answers the same for a wrong verify and another site's booking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.testclient import TestClient

from core.days.clock import ManualClock
from tests.conftest import Hall
from tests.registry.test_appointments import HER, HIM, NEXT_MONDAY, at, book
from tests.registry.test_registry_rules import id_for


def look(client: TestClient, code: str, verify: str, address: str) -> Any:
    return client.get(f"/api/v1/appointments/{code}", params={"verify": verify}, headers={"X-Forwarded-For": address})


def outbox(client: TestClient) -> list[str]:
    store = client.app.state.hall.store  # type: ignore[attr-defined]
    return [r[0] for r in store.read_sync(lambda r: r.execute("SELECT kind FROM outbox ORDER BY id").fetchall())]


def test_guesses_from_rotating_addresses_lock_the_code_and_tell_its_holders(
    proxied: TestClient, clock: ManualClock
) -> None:
    made = book(proxied.app.state.hall.store, at(NEXT_MONDAY, "09:00"))  # type: ignore[attr-defined]
    code = made["code"]
    for i in range(5):
        r = look(proxied, code, f"{1000 + i}", f"198.51.100.{i}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "appointment_not_found"
    assert outbox(proxied).count("booking.guessed") == 2  # both applicants
    r = look(proxied, code, HER.id_number[-4:], "198.51.100.77")  # even the right digits wait
    assert r.status_code == 429 and r.json()["error"]["code"] == "code_locked" and "Retry-After" in r.headers
    r = proxied.post(f"/api/v1/appointments/{code}/cancel", json={"verify": HER.id_number[-4:]},
                     headers={"X-Forwarded-For": "198.51.100.78"})  # fmt: skip
    assert r.status_code == 429
    clock.advance(minutes=31)
    assert look(proxied, code, HER.id_number[-4:], "198.51.100.79").status_code == 200


def test_unknown_codes_lock_alike_and_a_right_answer_clears_the_misses(proxied: TestClient) -> None:
    for i in range(5):
        assert look(proxied, "NOSUCH99", "1234", f"203.0.113.{i}").status_code == 404
    assert look(proxied, "NOSUCH99", "1234", "203.0.113.9").status_code == 429
    made = book(proxied.app.state.hall.store, at(NEXT_MONDAY, "09:00"))  # type: ignore[attr-defined]
    for _ in range(2):
        for i in range(4):
            assert look(proxied, made["code"], "0000", f"192.0.2.{i}").status_code == 404
        assert look(proxied, made["code"], HIM.phone, "192.0.2.50").status_code == 200  # the holder
    assert "booking.guessed" not in outbox(proxied)


def test_a_kiosk_print_is_no_oracle(client: TestClient, hall: Hall) -> None:
    kiosk = {"Authorization": f"Bearer {hall.device('youyi-k1')}"}
    made = book(hall.hall.store, at(NEXT_MONDAY, "09:00"))  # a booking at the registry
    body = {"kind": "appointment", "code": made["code"]}
    other_site = client.post("/api/v1/kiosks/youyi-k1/print", json={**body, "verify": HER.id_number[-4:]},
                             headers=kiosk)  # fmt: skip
    wrong = client.post("/api/v1/kiosks/youyi-k1/print", json={**body, "verify": "0000"}, headers=kiosk)
    assert other_site.status_code == wrong.status_code == 404
    assert other_site.json() == wrong.json()


def test_a_duplicate_booking_says_who_holds_it_only_to_whoever_knows_their_phone(client: TestClient) -> None:
    """Someone who has only a person's ID number learns nothing about which booking they hold."""
    book(client.app.state.hall.store, at(NEXT_MONDAY, "09:00"), service="divorce-apply")  # type: ignore[attr-defined]
    start = at(NEXT_MONDAY + dt.timedelta(days=1), "09:00").isoformat()
    stranger = {"name": HER.name, "id_number": HER.id_number, "phone": "13700000009"}
    someone = {"name": "赵六", "id_number": id_for("19800101", "013"), "phone": "13600000006"}
    r = client.post("/api/v1/appointments", json={"site": "registry", "service": "divorce-apply", "start": start,
                                                  "applicants": [someone, stranger]})  # fmt: skip
    err = r.json()["error"]
    assert r.status_code == 409 and err["code"] == "duplicate_booking"
    assert "held_code" not in err and "applicant" not in err and HER.id_number[-4:] not in err["message"]
    her = {"name": HER.name, "id_number": HER.id_number, "phone": HER.phone}
    r = client.post("/api/v1/appointments", json={"site": "registry", "service": "divorce-apply", "start": start,
                                                  "applicants": [someone, her]})  # fmt: skip
    err = r.json()["error"]
    assert err["code"] == "duplicate_booking" and err["held_code"].endswith("******")
