"""Remote tickets in the queue (SPEC 6b): their place from issue time, never called before check-in,
expired when not checked in in time, counted ahead of those behind them."""

from __future__ import annotations

import datetime as dt

import pytest

from core.days.clock import TZ, ManualClock
from core.errors import RemoteClosed, RemoteExpired, RemoteHeld, SiteClosed
from core.queue import counters, remote, tickets, views
from core.registry import visits
from core.store import queries
from core.store.db import Store
from tests.registry.test_registry_rules import id_for

DAY = dt.date(2026, 5, 13)  # a Wednesday: 08:30-16:30 at 友谊路
RESIDENT = id_for("19850612", "013")
OTHER = id_for("19900307", "024")
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def at(clock: ManualClock, hhmm: str) -> None:
    h, m = hhmm.split(":")
    clock.set(dt.datetime(DAY.year, DAY.month, DAY.day, int(h), int(m), tzinfo=TZ))


def walk_in(store: Store) -> tickets.Issued:
    return store.write_sync(tickets.issue, "youyi", "general", source="kiosk", actor="youyi-k1")


def take_remote(
    store: Store, id_number: str = RESIDENT, site: str = "youyi", service: str = "general"
) -> tickets.Issued:
    return store.write_sync(remote.issue, site, service, id_number, actor="resident")


def call(store: Store) -> counters.Called:
    return store.write_sync(counters.call_next, "youyi-1", "clerk")


def finish(store: Store) -> None:
    store.write_sync(counters.done, "youyi-1", "clerk")


def test_called_in_its_place_from_issue_once_checked_in(store: Store, clock: ManualClock) -> None:
    at(clock, "08:55")
    early = walk_in(store).ticket
    at(clock, "09:00")
    mine = take_remote(store).ticket
    assert mine.status == "remote"
    at(clock, "09:20")
    later = walk_in(store).ticket
    at(clock, "09:40")
    checked = store.write_sync(visits.check_in, "youyi", ticket=mine.id)
    assert checked.appointment is None and checked.ticket.status == "waiting"
    store.write_sync(counters.open_counter, "youyi-1", "clerk", "youyi")
    first = call(store)
    assert first.ticket is not None and first.ticket.id == early.id
    finish(store)
    second = call(store)
    assert second.ticket is not None and second.ticket.id == mine.id
    assert "远程取号：09:00 取号、09:40 签到" in second.reason and "checked in 09:40" in second.reason
    finish(store)
    third = call(store)
    assert third.ticket is not None and third.ticket.id == later.id


def test_skipped_not_voided_while_not_checked_in(store: Store, clock: ManualClock) -> None:
    at(clock, "08:55")
    walk_in(store)
    at(clock, "09:00")
    mine = take_remote(store).ticket
    at(clock, "09:20")
    later = walk_in(store).ticket
    store.write_sync(counters.open_counter, "youyi-1", "clerk", "youyi")
    call(store)
    finish(store)
    picked = call(store)
    assert picked.ticket is not None and picked.ticket.id == later.id  # the remote one is not here yet
    finish(store)
    assert call(store).ticket is None  # nobody else present: the remote ticket is not called...
    still = store.read_sync(queries.ticket, mine.id)
    assert still is not None and still.status == "remote"  # ...and not voided


def test_counted_ahead_by_its_place(store: Store, clock: ManualClock) -> None:
    at(clock, "09:00")
    mine = take_remote(store).ticket
    at(clock, "09:05")
    behind = walk_in(store).ticket
    view = store.read_sync(views.ticket_view, behind)
    assert view["people_ahead"] == 1  # the remote ticket not yet here is ahead in the order
    assert store.read_sync(queries.waiting_counts, "youyi")["general"] == 2
    own = store.read_sync(views.ticket_view, mine)
    assert own["people_ahead"] == 0 and own["status"] == "remote"
    assert own["arrive_by"] == "2026-05-13T10:00:00+08:00" and own["site_address"]


def test_expires_when_not_checked_in_in_time(store: Store, clock: ManualClock) -> None:
    at(clock, "09:00")
    mine = take_remote(store).ticket
    at(clock, "09:59")
    store.write_sync(visits.sweep)
    assert store.read_sync(queries.ticket, mine.id).status == "remote"  # type: ignore[union-attr]
    at(clock, "10:00")
    store.write_sync(visits.sweep)
    gone = store.read_sync(queries.ticket, mine.id)
    assert gone is not None and gone.status == "expired"
    assert store.read_sync(queries.waiting_counts, "youyi").get("general", 0) == 0
    events = store.read_sync(queries.events_since, "youyi", 0, 10**9, 100)
    assert events[-1].type == "ticket.expired" and events[-1].ticket == mine.id
    with pytest.raises(RemoteExpired):
        store.write_sync(visits.check_in, "youyi", ticket=mine.id)


def test_one_live_remote_ticket_per_identity_per_day(store: Store, clock: ManualClock) -> None:
    at(clock, "09:00")
    first = take_remote(store).ticket
    with pytest.raises(RemoteHeld) as held:
        take_remote(store, RESIDENT.translate(FULLWIDTH), site="wusong", service="social")
    assert first.number not in held.value.message and "number" not in held.value.details  # nothing to whoever typed it
    take_remote(store, OTHER)  # someone else may
    store.write_sync(visits.check_in, "youyi", ticket=first.id)
    store.write_sync(counters.open_counter, "youyi-1", "clerk", "youyi")
    call(store)
    with pytest.raises(RemoteHeld):  # checked in and at the counter: still live
        take_remote(store, site="wusong", service="social")
    finish(store)
    assert take_remote(store, site="wusong", service="social").ticket.status == "remote"  # done: one more


def test_closed_services_hours_and_the_last_hour(store: Store, clock: ManualClock) -> None:
    at(clock, "09:00")
    with pytest.raises(RemoteClosed):
        take_remote(store, service="elderly")  # not remote = true
    at(clock, "15:31")
    with pytest.raises(RemoteClosed):  # 60 minutes would run past 16:30
        take_remote(store)
    at(clock, "15:30")
    assert take_remote(store).ticket.status == "remote"
    at(clock, "17:00")
    with pytest.raises(SiteClosed):
        take_remote(store, OTHER)


def test_check_in_by_identity_and_a_walk_in_ask_checks_it_in(store: Store, clock: ManualClock) -> None:
    at(clock, "09:00")
    mine = take_remote(store).ticket
    other = take_remote(store, OTHER).ticket
    at(clock, "09:30")
    by_id = store.write_sync(visits.check_in, "youyi", id_number=RESIDENT.translate(FULLWIDTH))
    assert by_id.ticket.id == mine.id and by_id.ticket.status == "waiting"
    again = store.write_sync(visits.check_in, "youyi", ticket=mine.id)
    assert again.ticket.id == mine.id and again.ticket.status == "waiting"  # already in: as it is
    asked = store.write_sync(tickets.issue, "youyi", "general", source="kiosk", actor="youyi-k1", id_number=OTHER)
    assert asked.existing and asked.ticket.id == other.id and asked.ticket.status == "waiting"
    types = [e.type for e in store.read_sync(queries.events_since, "youyi", 0, 10**9, 100)]
    assert types.count("ticket.checked_in") == 2
