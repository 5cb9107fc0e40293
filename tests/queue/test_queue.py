"""Tickets and counters through the real store (a SQLite file), without HTTP."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from core import accounts
from core.days.clock import TZ, ManualClock
from core.errors import (
    AppointmentOnly,
    CounterBusy,
    InvalidIdNumber,
    InvalidInput,
    NotSignedIn,
    RecallLimit,
    SiteClosed,
)
from core.queue import counters, tickets
from core.store import queries
from core.store.db import Store

ELDER = "110105195001011234"  # born 1950: 76 in 2026


def issue(store: Store, service: str = "general", **kw: object) -> tickets.Issued:
    kw.setdefault("source", "kiosk")
    kw.setdefault("actor", "youyi-k1")
    return store.write_sync(tickets.issue, "youyi", service, **kw)


def open_(store: Store, counter: str, clerk: str) -> None:
    store.write_sync(counters.open_counter, counter, clerk, "youyi")


def call(store: Store, counter: str, clerk: str) -> counters.Called:
    return store.write_sync(counters.call_next, counter, clerk)


def test_numbers_per_service_and_day_reset_at_midnight(store: Store, clock: ManualClock) -> None:
    assert [issue(store).ticket.number for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue(store, "social").ticket.number == "B001"
    clock.set(dt.datetime(2026, 5, 14, 9, 0, tzinfo=TZ))
    assert issue(store).ticket.number == "A001"


def test_numbers_never_repeat_under_concurrency(store: Store) -> None:
    with ThreadPoolExecutor(16) as pool:
        numbers = list(pool.map(lambda _: issue(store).ticket.number, range(200)))
    assert len(set(numbers)) == 200
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 201)]


def test_closed_site_and_appointment_only(store: Store, clock: ManualClock) -> None:
    clock.set(dt.datetime(2026, 5, 13, 17, 0, tzinfo=TZ))
    with pytest.raises(SiteClosed):
        issue(store)
    clock.set(dt.datetime(2026, 5, 13, 10, 0, tzinfo=TZ))
    with pytest.raises(AppointmentOnly):
        store.write_sync(tickets.issue, "registry", "marriage", source="kiosk", actor="k")


def test_real_name_one_live_ticket_and_elderly_priority(store: Store) -> None:
    first = issue(store, id_number=ELDER)
    again = issue(store, id_number=ELDER.lower())
    assert again.existing and again.ticket.id == first.ticket.id
    assert first.ticket.priority == "elderly" and first.ticket.id_masked == "**************1234"
    with pytest.raises(InvalidIdNumber):
        issue(store, id_number="110105195001011235")
    # the reissue service at the registry requires a real name
    with pytest.raises(InvalidInput):
        store.write_sync(tickets.issue, "registry", "reissue", source="kiosk", actor="k")


def test_full_lifecycle_and_event_log(store: Store, clock: ManualClock) -> None:
    t = issue(store).ticket
    open_(store, "youyi-1", "ann")
    called = call(store, "youyi-1", "ann")
    assert called.ticket is not None and called.ticket.id == t.id and called.ticket.status == "called"
    with pytest.raises(CounterBusy):
        call(store, "youyi-1", "ann")
    clock.advance(minutes=1)
    store.write_sync(counters.start, "youyi-1", "ann")
    clock.advance(minutes=8)
    done = store.write_sync(counters.done, "youyi-1", "ann")
    assert done.status == "done"
    events = store.read_sync(lambda r: queries.events_since(r, "youyi", 0, 10**9, 100))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.type for e in events if e.ticket == t.id] == [
        "ticket.issued",
        "ticket.called",
        "ticket.serving",
        "ticket.done",
    ]
    # the counter's time per ticket, from the call (1 min before the start) to done
    assert store.read_sync(lambda r: queries.recent_cycles(r, "youyi", "general", 5)) == [9.0]


def test_only_the_signed_in_clerk_acts(store: Store) -> None:
    issue(store)
    open_(store, "youyi-1", "ann")
    with pytest.raises(NotSignedIn):
        call(store, "youyi-1", "bob")


def test_two_counters_never_get_the_same_ticket(store: Store) -> None:
    for _ in range(40):
        issue(store)
    open_(store, "youyi-1", "ann")
    open_(store, "youyi-2", "bob")

    def work(args: tuple[str, str]) -> list[str]:
        counter, clerk = args
        got = []
        while (c := call(store, counter, clerk)).ticket is not None:
            got.append(c.ticket.id)
            store.write_sync(counters.done, counter, clerk)
        return got

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(work, [("youyi-1", "ann"), ("youyi-2", "bob")])
    assert len(a) + len(b) == 40 and not set(a) & set(b)


def test_recall_limit(store: Store) -> None:
    issue(store)
    open_(store, "youyi-1", "ann")
    call(store, "youyi-1", "ann")
    for i in range(3):
        assert store.write_sync(counters.recall, "youyi-1", "ann").recalls == i + 1
    with pytest.raises(RecallLimit):
        store.write_sync(counters.recall, "youyi-1", "ann")


def test_no_show_requeue_once_then_void_then_reinstate(store: Store, clock: ManualClock) -> None:
    first = issue(store).ticket  # general: requeue behind the next 3, once
    for _ in range(4):
        clock.advance(minutes=1)
        issue(store)
    open_(store, "youyi-1", "ann")
    assert call(store, "youyi-1", "ann").ticket.id == first.id  # type: ignore[union-attr]
    back = store.write_sync(counters.no_show, "youyi-1", "ann")
    assert back.status == "waiting" and back.requeued
    order = []
    while (c := call(store, "youyi-1", "ann")).ticket is not None:
        order.append(c.ticket.number)
        if c.ticket.id == first.id:
            voided = store.write_sync(counters.no_show, "youyi-1", "ann")
            assert voided.status == "no_show"
        else:
            store.write_sync(counters.done, "youyi-1", "ann")
    assert order == ["A002", "A003", "A004", "A001", "A005"]  # behind the next 3, once
    again = store.write_sync(counters.reinstate, "youyi-1", "ann", "a001")
    assert again.status == "waiting"
    assert call(store, "youyi-1", "ann").ticket.id == first.id  # type: ignore[union-attr]


def test_void_policy_service(store: Store) -> None:
    issue(store, "certificate")  # certificate: void on no-show
    open_(store, "youyi-1", "ann")  # counter 1 serves general and social only? use the certificate counter
    site = store.config.site("youyi")
    counter = next(k.id for k in site.counters if "certificate" in k.services)
    store.write_sync(counters.close_counter, "youyi-1", "ann")
    open_(store, counter, "ann")
    call(store, counter, "ann")
    assert store.write_sync(counters.no_show, counter, "ann").status == "no_show"


def test_transfer_keeps_number_and_arrival(store: Store, clock: ManualClock) -> None:
    t = issue(store).ticket
    clock.advance(minutes=10)
    later = issue(store, "social").ticket
    open_(store, "youyi-1", "ann")
    call(store, "youyi-1", "ann")
    moved = store.write_sync(counters.transfer, "youyi-1", "ann", service="social", position="arrival")
    assert (moved.number, moved.arrived_ts, moved.service, moved.status) == (
        t.number,
        t.arrived_ts,
        "social",
        "waiting",
    )
    social = next(k.id for k in store.config.site("youyi").counters if k.services[0] == "social")
    open_(store, social, "bob")
    assert call(store, social, "bob").ticket.id == t.id  # type: ignore[union-attr]  # earlier arrival than B001
    store.write_sync(counters.transfer, social, "bob", to_counter="youyi-1", position="front")
    assert call(store, social, "bob").ticket.id == later.id  # type: ignore[union-attr]  # targeted elsewhere
    got = call(store, "youyi-1", "ann")
    assert got.ticket is not None and got.ticket.id == t.id and "transferred" in got.reason


def test_pause_needs_a_reason(store: Store) -> None:
    open_(store, "youyi-1", "ann")
    with pytest.raises(InvalidInput):
        store.write_sync(counters.pause, "youyi-1", "ann", "lunch")
    assert store.write_sync(counters.pause, "youyi-1", "ann", "break").state == "paused"
    assert store.write_sync(counters.resume, "youyi-1", "ann").state == "open"


def test_expiry_at_closing_time(store: Store, clock: ManualClock) -> None:
    waiting = issue(store).ticket
    issue(store)
    open_(store, "youyi-1", "ann")
    call(store, "youyi-1", "ann")
    clock.set(dt.datetime(2026, 5, 13, 16, 31, tzinfo=TZ))
    n = store.write_sync(counters.expire_open, "youyi", statuses=("waiting", "called"))
    assert n == 2
    assert store.read_sync(queries.ticket, waiting.id).status == "expired"  # type: ignore[union-attr]
    assert store.read_sync(queries.counter, "youyi-1").current is None  # type: ignore[union-attr]
    assert store.read_sync(queries.waiting_counts, "youyi")["general"] == 0


def test_device_and_user_tokens(store: Store) -> None:
    token = store.write_sync(accounts.new_device_token, "youyi-k1")
    who = store.read_sync(accounts.principal, token)
    assert who == accounts.Principal("youyi-k1", "kiosk", "youyi")
    assert store.read_sync(accounts.principal, "nope") is None


def test_people_ahead_counted_from_either_end_agrees(store: Store, clock: ManualClock) -> None:
    made = []
    for i in range(30):
        clock.advance(minutes=1)
        made.append(issue(store, priority="disabled" if i % 4 == 0 else "normal").ticket)
    open_(store, "youyi-1", "ann")
    call(store, "youyi-1", "ann")
    store.write_sync(counters.no_show, "youyi-1", "ann")  # requeued: ranked among the others

    def both(r: object) -> list[tuple[int, int]]:
        now = clock.now().timestamp()
        out = []
        for t in made:
            fresh = queries.ticket(r, t.id)  # type: ignore[arg-type]
            assert fresh is not None
            out.append(
                (
                    queries.people_ahead(r, fresh, now, from_tail=False),  # type: ignore[arg-type]
                    queries.people_ahead(r, fresh, now, from_tail=True),
                )
            )  # type: ignore[arg-type]
        return out

    pairs = store.read_sync(both)
    assert all(a == b for a, b in pairs), pairs
    assert sorted(a for a, _ in pairs) == list(range(30))  # every position in the line exactly once


def test_leftovers_of_earlier_days_expire_even_if_serving(store: Store, clock: ManualClock) -> None:
    issue(store)
    open_(store, "youyi-1", "ann")
    call(store, "youyi-1", "ann")
    store.write_sync(counters.start, "youyi-1", "ann")
    clock.set(dt.datetime(2026, 5, 14, 8, 0, tzinfo=TZ))
    assert store.write_sync(counters.expire_open, "youyi", before_day="2026-05-14") == 1
    assert store.write_sync(counters.expire_open, "youyi", before_day="2026-05-14") == 0
