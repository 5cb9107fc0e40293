"""Check-in follows one rule (core/slots.checkin_window), whatever the opening hours say: the
registry opens at 09:00, a 09:00 couple checks in from 08:30, and a special date's 16:30 slot
checks in after the usual closing time. The kiosk never hides check-in behind "closed"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from starlette.testclient import TestClient

from core.days.clock import TZ, ManualClock
from core.errors import TooEarly
from core.registry import appointments as ap
from core.registry import visits
from tests.registry.test_appointments import HER, HIM, NEXT_MONDAY, at

SPECIAL = dt.date(2026, 5, 20)  # 520: the registry is open 08:30-17:00 that day


def book(client: TestClient, start: dt.datetime) -> dict:  # type: ignore[type-arg]
    store = client.app.state.hall.store  # type: ignore[attr-defined]
    return store.write_sync(ap.book, "registry", "marriage", start, [HIM, HER])  # type: ignore[no-any-return]


def check_in_both(client: TestClient, code: str) -> visits.CheckIn:
    store = client.app.state.hall.store  # type: ignore[attr-defined]
    store.write_sync(visits.check_in, "registry", code=code, id_number=HIM.id_number)
    return store.write_sync(visits.check_in, "registry", code=code, id_number=HER.id_number)  # type: ignore[no-any-return]


def test_the_booking_page_and_the_kiosk_agree_before_opening(client: TestClient, clock: ManualClock) -> None:
    a = book(client, at(NEXT_MONDAY, "09:00"))
    assert a["checkin_from"] == at(NEXT_MONDAY, "08:30").isoformat()  # what the booking page shows
    assert a["checkin_until"] == at(NEXT_MONDAY, "09:15").isoformat()
    clock.set(at(NEXT_MONDAY, "08:50"))
    page = client.get("/kiosk/registry-k1").text
    closed = re.search(r'<section id="screen-closed".*?</section>', page, re.S)
    assert closed and " hidden" not in closed.group(0).split(">")[0]  # 不在办公时间 until 09:00...
    assert 'id="checkin-closed"' in closed.group(0)  # ...but check-in is right there
    done = check_in_both(client, a["code"])
    assert done.ticket is not None and done.ticket.priority == "appointment"


def test_a_special_dates_late_slot_checks_in_after_the_usual_closing(client: TestClient, clock: ManualClock) -> None:
    a = book(client, at(SPECIAL, "16:30"))  # weekday hours end at 16:30; the special date runs to 17:00
    clock.set(at(SPECIAL, "16:40"))
    assert check_in_both(client, a["code"]).ticket is not None


def test_too_early_names_the_same_time_as_the_booking(client: TestClient, clock: ManualClock) -> None:
    a = book(client, at(NEXT_MONDAY, "09:00"))
    clock.set(dt.datetime(2026, 5, 18, 8, 0, tzinfo=TZ))
    store = client.app.state.hall.store  # type: ignore[attr-defined]
    with pytest.raises(TooEarly) as e:
        store.write_sync(visits.check_in, "registry", code=a["code"], id_number=HIM.id_number)
    assert e.value.details["come_back_at"] == a["checkin_from"]
