"""Appointments through the real store: booking, limits, check-in, the registry's rules."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.days.calendar import Schedule
from core.days.clock import TZ, ManualClock
from core.errors import (
    AppointmentNotFound,
    BookingBlocked,
    DuplicateBooking,
    HallError,
    InvalidIdNumber,
    InvalidPhone,
    InvalidSlot,
    OutsideDivorceWindow,
    OutsideHorizon,
    SlotFull,
    SlotPast,
    TooEarly,
    TooLate,
)
from core.queue import counters
from core.registry import appointments as ap
from core.registry import visits
from core.registry.divorce import periods
from core.store.db import Store

HIM = ap.Applicant("张三", "110105199003071239", "13800138000")
HER = ap.Applicant("李四", "31011519850612174X", "13900139000")
NEXT_MONDAY = dt.date(2026, 5, 18)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)


def book(store: Store, start: dt.datetime, people: list[ap.Applicant] | None = None,
         service: str = "marriage") -> dict:  # type: ignore[type-arg]  # fmt: skip
    return store.write_sync(ap.book, "registry", service, start, people or [HIM, HER])


def person(i: int) -> ap.Applicant:
    """A distinct valid applicant: ID numbers with a correct check digit, distinct phones."""
    base = f"3101151985{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"[:17]
    weights = [2 ** (17 - k) % 11 for k in range(17)]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11]
    return ap.Applicant(f"申请人{i}", base + check, f"137{i:08d}")


def test_spec_divorce_example() -> None:
    p = periods(dt.date(2025, 3, 3), Schedule())  # nothing entered: the published 2025 schedule
    assert (p.cooling_end, p.window_start, p.window_end) == (
        dt.date(2025, 4, 2), dt.date(2025, 4, 3), dt.date(2025, 5, 6)
    )  # fmt: skip


def test_slots_follow_hours_capacity_and_special_dates(store: Store) -> None:
    slots = store.read_sync(ap.slots_view, "registry", "marriage", NEXT_MONDAY)
    assert slots[0]["start"] == "2026-05-18T09:00:00+08:00" and slots[-1]["end"] == "2026-05-18T16:30:00+08:00"
    assert {s["capacity"] for s in slots} == {3} and {s["remaining"] for s in slots} == {3}
    special = store.read_sync(ap.slots_view, "registry", "marriage", dt.date(2026, 5, 20))
    assert special[0]["start"].startswith("2026-05-20T08:30") and special[0]["capacity"] == 6
    assert store.read_sync(ap.slots_view, "registry", "marriage", dt.date(2026, 5, 16)) == []  # Saturday


def test_book_lookup_cancel_reschedule(store: Store) -> None:
    a = book(store, at(NEXT_MONDAY, "10:00"))
    assert a["status"] == "booked" and len(a["code"]) == 8
    assert [p["id_masked"] for p in a["applicants"]] == ["**************1239", "**************174X"]
    assert a["applicants"][0]["name"] == "张*" and a["applicants"][0]["phone"] == "138****8000"
    assert store.read_sync(ap.lookup, a["code"], "174x")["id"] == a["id"]
    assert store.read_sync(ap.lookup, a["code"].lower(), "13800138000")["id"] == a["id"]
    with pytest.raises(AppointmentNotFound):
        store.read_sync(ap.lookup, a["code"], "0000")
    moved = store.write_sync(ap.reschedule, a["code"], "1239", at(NEXT_MONDAY, "11:00"))
    assert moved["start"] == "2026-05-18T11:00:00+08:00"
    left = {s["start"][11:16]: s["remaining"] for s in store.read_sync(ap.slots_view, "registry", "marriage",
                                                                      NEXT_MONDAY)}  # fmt: skip
    assert (left["10:00"], left["11:00"]) == (3, 2)
    assert store.write_sync(ap.cancel, a["code"], "1239")["status"] == "cancelled"
    assert book(store, at(NEXT_MONDAY, "11:00"))["status"] == "booked"  # no longer a duplicate


@pytest.mark.parametrize(
    ("start", "people", "error"),
    [
        (at(NEXT_MONDAY, "10:10"), None, InvalidSlot),
        (at(dt.date(2026, 5, 13), "10:00"), None, SlotPast),  # today, already past (clock at 09:30)
        (at(dt.date(2026, 5, 14), "10:00"), None, OutsideHorizon),  # tomorrow: closed at 16:00 the day before? no
        (at(dt.date(2026, 7, 1), "10:00"), None, OutsideHorizon),  # beyond 30 days
        (at(NEXT_MONDAY, "10:00"), [HIM], HallError),  # marriage needs both parties
        (at(NEXT_MONDAY, "10:00"), [HIM, ap.Applicant("李四", "310115198506121070", "13900139000")], InvalidIdNumber),
        (at(NEXT_MONDAY, "10:00"), [HIM, ap.Applicant("李四", HER.id_number, "12345")], InvalidPhone),
    ],
)
def test_bad_bookings_get_their_own_error_and_change_nothing(store: Store, clock: ManualClock, start: dt.datetime,
                                                             people: list[ap.Applicant] | None,
                                                             error: type[Exception]) -> None:  # fmt: skip
    clock.set(at(dt.date(2026, 5, 13), "16:30"))  # after the 16:00 close for tomorrow
    if error is SlotPast:
        clock.set(at(dt.date(2026, 5, 13), "10:30"))
    with pytest.raises(error):
        book(store, start, people)
    assert store.read_sync(lambda r: r.one("SELECT COUNT(*) FROM appointments")[0]) == 0
    assert store.read_sync(lambda r: r.one("SELECT COALESCE(SUM(booked), 0) FROM slot_usage")[0]) == 0


def test_one_active_booking_per_identity(store: Store) -> None:
    book(store, at(NEXT_MONDAY, "10:00"))
    with pytest.raises(DuplicateBooking):
        book(store, at(NEXT_MONDAY, "14:00"), [HIM, person(8)])


def test_rush_books_exactly_the_capacity(store: Store) -> None:
    start = at(NEXT_MONDAY, "09:00")
    results: list[str] = []

    def one(i: int) -> str:
        try:
            book(store, start, [person(2 * i), person(2 * i + 1)])
            return "booked"
        except SlotFull as e:
            assert e.details["next_free"], "slot_full must offer the next free slots"
            return "full"

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(one, range(200)))
    assert results.count("booked") == 3 and results.count("full") == 197


def test_no_show_policy_blocks_with_a_date(store: Store, clock: ManualClock) -> None:
    for day in (dt.date(2026, 5, 18), dt.date(2026, 5, 19)):
        a = store.write_sync(ap.book, "registry", "reissue", at(day, "10:00"), [HIM])
        assert a["status"] == "booked"
        clock.set(at(day, "11:00"))
        assert store.write_sync(visits.sweep) == 1
    with pytest.raises(BookingBlocked) as e:
        store.write_sync(ap.book, "registry", "reissue", at(dt.date(2026, 5, 25), "10:00"), [HIM])
    assert e.value.details["until"] == "2026-06-03"
    # matched on the phone as well
    with pytest.raises(BookingBlocked):
        store.write_sync(ap.book, "registry", "reissue", at(dt.date(2026, 5, 25), "10:00"),
                         [ap.Applicant("王五", person(3).id_number, HIM.phone)])  # fmt: skip


def test_check_in_both_parties_then_called_before_earlier_walk_ins(store: Store, clock: ManualClock) -> None:
    a = book(store, at(NEXT_MONDAY, "10:00"))
    clock.set(at(NEXT_MONDAY, "09:00"))
    with pytest.raises(TooEarly) as early:
        store.write_sync(visits.check_in, "registry", code=a["code"])
    assert early.value.details["come_back_at"] == "2026-05-18T09:30:00+08:00"
    from core.queue import tickets

    clock.set(at(NEXT_MONDAY, "09:40"))
    walk_in = store.write_sync(tickets.issue, "registry", "counselling", source="kiosk", actor="k").ticket
    half = store.write_sync(visits.check_in, "registry", code=a["code"], id_number=HIM.id_number)
    assert half.ticket is None and half.pending == ("**************174X",)
    done = store.write_sync(visits.check_in, "registry", id_number=HER.id_number)
    assert done.ticket is not None and done.ticket.priority == "appointment" and done.ticket.number == "J001"
    clock.set(at(NEXT_MONDAY, "10:01"))
    counter = "registry-5"  # serves counselling, reissue and marriage
    store.write_sync(counters.open_counter, counter, "ann", "registry")
    called = store.write_sync(counters.call_next, counter, "ann")
    assert called.ticket.id == done.ticket.id and called.ticket.id != walk_in.id  # type: ignore[union-attr]
    store.write_sync(counters.done, counter, "ann")
    assert store.read_sync(ap.lookup, a["code"], "1239")["status"] == "completed"


def test_late_check_in_offers_walk_in_where_allowed(store: Store, clock: ManualClock) -> None:
    a = store.write_sync(ap.book, "registry", "reissue", at(NEXT_MONDAY, "10:00"), [HIM])
    clock.set(at(NEXT_MONDAY, "10:20"))
    with pytest.raises(TooLate) as late:
        store.write_sync(visits.check_in, "registry", code=a["code"])
    assert late.value.details["walk_in"] is True


def test_divorce_issue_bookable_only_inside_the_window(store: Store, clock: ManualClock) -> None:
    apply = book(store, at(NEXT_MONDAY, "10:00"), service="divorce-apply")
    clock.set(at(NEXT_MONDAY, "09:45"))
    for _ in range(2):  # the same party twice: still waiting for the other
        assert store.write_sync(visits.check_in, "registry", code=apply["code"], id_number=HIM.id_number).pending
    t = store.write_sync(visits.check_in, "registry", code=apply["code"], id_number=HER.id_number).ticket
    store.write_sync(counters.open_counter, "registry-3", "ann", "registry")
    clock.set(at(NEXT_MONDAY, "10:00"))
    assert store.write_sync(counters.call_next, "registry-3", "ann").ticket.id == t.id  # type: ignore[union-attr]
    store.write_sync(counters.done, "registry-3", "ann")
    case = store.read_sync(lambda r: dict(r.one("SELECT * FROM divorce_cases")))
    assert (case["received_day"], case["cooling_end"], case["window_end"]) == ("2026-05-18", "2026-06-17",
                                                                                "2026-07-17")  # fmt: skip
    # before the window (still cooling off): refused; the booking horizon is 30 days, so move the clock
    clock.set(at(dt.date(2026, 6, 1), "09:00"))
    with pytest.raises(OutsideDivorceWindow):
        book(store, at(dt.date(2026, 6, 17), "10:00"), service="divorce-issue")
    inside = book(store, at(dt.date(2026, 6, 18), "10:00"), service="divorce-issue")
    assert inside["status"] == "booked"
    store.write_sync(ap.cancel, inside["code"], "1239")
    clock.set(at(dt.date(2026, 7, 1), "09:00"))
    with pytest.raises(OutsideDivorceWindow):
        book(store, at(dt.date(2026, 7, 20), "10:00"), [HER, HIM], service="divorce-issue")
    # strangers have no case
    with pytest.raises(OutsideDivorceWindow):
        book(store, at(dt.date(2026, 7, 6), "10:00"), [person(1), person(2)], service="divorce-issue")


def test_withdrawal_during_cooling_off(store: Store, clock: ManualClock) -> None:
    apply = book(store, at(NEXT_MONDAY, "10:00"), service="divorce-apply")
    clock.set(at(NEXT_MONDAY, "09:45"))
    for p in (HIM, HER):
        store.write_sync(visits.check_in, "registry", code=apply["code"], id_number=p.id_number)
    store.write_sync(counters.open_counter, "registry-3", "ann", "registry")
    store.write_sync(counters.call_next, "registry-3", "ann")
    store.write_sync(counters.done, "registry-3", "ann")
    case_id = store.read_sync(lambda r: r.one("SELECT id FROM divorce_cases")[0])
    clock.set(at(dt.date(2026, 6, 1), "10:00"))
    store.write_sync(visits.withdraw_case, case_id, "ann")
    with pytest.raises(OutsideDivorceWindow):
        book(store, at(dt.date(2026, 6, 22), "10:00"), service="divorce-issue")
    assert store.read_sync(lambda r: r.one("SELECT status FROM divorce_cases")[0]) == "withdrawn"
    assert store.schedule.days == {}


def test_late_after_the_sweep_still_says_too_late(store: Store, clock: ManualClock) -> None:
    a = store.write_sync(ap.book, "registry", "reissue", at(NEXT_MONDAY, "10:00"), [HIM])
    clock.set(at(NEXT_MONDAY, "10:30"))
    assert store.write_sync(visits.sweep) == 1
    for how in ({"code": a["code"]}, {"id_number": HIM.id_number}):
        with pytest.raises(TooLate) as late:
            store.write_sync(visits.check_in, "registry", **how)
        assert late.value.details == {"walk_in": True, "service": "reissue"}


def test_check_in_before_opening_time(store: Store, clock: ManualClock) -> None:
    a = store.write_sync(ap.book, "registry", "reissue", at(NEXT_MONDAY, "09:00"), [HIM])
    clock.set(at(NEXT_MONDAY, "08:40"))  # the registry opens at 09:00
    done = store.write_sync(visits.check_in, "registry", code=a["code"])
    assert done.ticket is not None and done.ticket.number == "N001"


def test_errors_name_the_applicant(store: Store) -> None:
    with pytest.raises(InvalidPhone) as e:
        book(store, at(NEXT_MONDAY, "10:00"), [HIM, ap.Applicant("李四", HER.id_number, "123")])
    assert e.value.details["applicant"] == 1
    with pytest.raises(InvalidIdNumber) as e2:
        book(store, at(NEXT_MONDAY, "10:00"), [ap.Applicant("张三", "110105199003071230", HIM.phone), HER])
    assert e2.value.details["applicant"] == 0
