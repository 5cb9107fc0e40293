"""The draw and what follows it (SPEC 5b): places offered in the drawn order as real bookings,
confirmed by the couple within the set time, or passed down the waiting list.

The draw runs once, at or after its time (the housekeeping sweep, or a supervisor): every entry
gets its position (core/peak/draw.py), the first entries get a booking in the day's slots (the
earliest positions the earliest slots), the rest wait. An entry whose couple meanwhile holds
another booking of the service is void and takes no place. An offer not confirmed in time is
cancelled and its slot goes, in the same transaction, to the next entry waiting.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from core.days.clock import TZ
from core.model import iso
from core.peak import ballot as bl
from core.peak import ceremonies, draw
from core.peak.errors import BallotClosed, NotConfirmable
from core.peak.settings import instant
from core.registry import appointments as ap
from core.store import booking as booking_sql
from core.store.db import Tx
from core.store.peak import ballot as sql


def run(tx: Tx, ballot_id: str) -> dict[str, Any]:
    """Draw the ballot now.

    :raises BallotClosed: before the draw time, or drawn already.
    """
    day, ballot, service = bl.configured(tx, ballot_id)
    if sql.draw(tx, ballot_id) is not None:
        raise BallotClosed("已经开奖 / this ballot has been drawn")
    if tx.now < instant(ballot.draw_at, "draw_at"):
        raise BallotClosed(f"开奖时间为 {ballot.draw_at} / the draw is at {ballot.draw_at}", draw_at=ballot.draw_at)
    seed = draw.seed(tx.secret, ballot_id)
    rows = {r["code"]: r for r in sql.entries(tx, ballot_id)}
    slots = [start for start, n in bl.places(tx, day, ballot) for _ in range(n)]
    sql.insert_draw(tx, ballot_id, seed, draw.seed_hash(seed), len(slots), len(rows), tx.now.timestamp())
    free = iter(slots)
    for position, code in enumerate(draw.order(seed, list(rows)), start=1):
        sql.update_entry(tx, code, position=position, status="waiting")
        if _void(tx, service.id, code):
            continue
        start = next(free, None)
        if start is not None:
            _offer(tx, code, start, "ballot.won")
    return bl.view(tx, ballot_id)


def _void(tx: Tx, service: str, code: str) -> bool:
    """An entry whose couple holds another booking of the service now takes no place."""
    for p in sql.people(tx, code):
        if booking_sql.active_for_identity(tx, service, p["id_hash"]) is not None:
            sql.update_entry(tx, code, status="void")
            return True
    return False


def _offer(tx: Tx, code: str, start: dt.datetime, kind: str) -> None:
    """Book the slot at ``start`` for the entry (a place of the ballot's share) and tell them."""
    row = sql.entry(tx, code)
    day, ballot, service = bl.configured(tx, row["ballot"])
    assert service.booking is not None
    end = start + dt.timedelta(minutes=service.booking.slot_minutes)
    capacity = next(s.capacity for s, _ in ap.slots_of_day(tx, day.site, service.id, start.date()) if s.start == start)
    if not booking_sql.take_place(tx, day.site, service.id, start.timestamp(), capacity):
        return  # cannot happen while the ballot's share is its own: the slot stays with nobody
    now = tx.now.timestamp()
    appt = {
        "id": secrets.token_urlsafe(12),
        "code": ap.new_code(),
        "site": day.site,
        "service": service.id,
        "day": day.date,
        "start_ts": start.timestamp(),
        "end_ts": end.timestamp(),
        "status": "booked",
        "created_ts": now,
        "updated_ts": now,
        "ticket": None,
        "divorce_case": None,
        "eligible_from": row["eligible_from"],
    }
    people = [dict(p) for p in sql.people(tx, code)]
    booking_sql.insert_appointment(tx, appt, people)
    confirm_by = tx.now + dt.timedelta(hours=ballot.confirm_hours)
    sql.update_entry(
        tx, code, status="won", appointment=appt["id"], offered_ts=now, confirm_by_ts=confirm_by.timestamp()
    )
    if row["ceremony"]:
        ceremonies.join_booked(tx, ap.view(tx, booking_sql.appointment(tx, appt["id"])), row["ceremony"])
    bl.notice(tx, code, kind, {"code": code, "booking": appt["code"], "start": start.isoformat(),
                               "confirm_by": confirm_by.isoformat()}, appointment=appt["id"])  # fmt: skip


def confirm(tx: Tx, ballot_id: str, code: str, verify: str) -> dict[str, Any]:
    """The couple confirms the place offered (``POST /ballots/{id}/entries/{code}/confirm``).

    :raises NotConfirmable: nothing offered, confirmed already, or too late.
    """
    row = bl.verified_entry(tx, ballot_id, code, verify)
    if row["status"] == "confirmed":
        return bl.entry_view(tx, row["code"])
    if row["status"] != "won" or tx.now.timestamp() > row["confirm_by_ts"]:
        raise NotConfirmable("没有待确认的名额 / there is no place waiting for your confirmation", status=row["status"])
    sql.update_entry(tx, row["code"], status="confirmed", confirmed_ts=tx.now.timestamp())
    return bl.entry_view(tx, row["code"])


def pass_expired(tx: Tx, ballot_id: str) -> int:
    """Offers not confirmed in time: cancel their bookings and offer each slot to the next waiting
    entry (if the slot has not begun). Returns how many offers passed."""
    _, _, service = bl.configured(tx, ballot_id)
    passed = 0
    for row in sql.expired_offers(tx, ballot_id, tx.now.timestamp()):
        appt = booking_sql.appointment(tx, row["appointment"])
        sql.update_entry(tx, row["code"], status="passed")
        passed += 1
        if appt is None or appt["status"] != "booked":
            continue
        booking_sql.release_place(tx, appt["site"], appt["service"], appt["start_ts"])
        booking_sql.update_appointment(tx, appt["id"], status="cancelled", updated_ts=tx.now.timestamp())
        bl.notice(tx, row["code"], "ballot.passed", {"code": row["code"], "booking": appt["code"]})
        start = dt.datetime.fromtimestamp(appt["start_ts"], TZ)
        while start > tx.now and (nxt := sql.next_waiting(tx, ballot_id)) is not None:
            if not _void(tx, service.id, nxt["code"]):
                _offer(tx, nxt["code"], start, "ballot.offered")
                break
    return passed


def sweep(tx: Tx) -> None:
    """Housekeeping: draw every ballot whose time has come, pass expired offers down the lists."""
    for day in tx.config.peak.days:
        if day.ballot is None or tx.now < instant(day.ballot.draw_at, "draw_at"):
            continue
        if sql.draw(tx, day.ballot.id) is None:
            run(tx, day.ballot.id)
        pass_expired(tx, day.ballot.id)


def summary(tx: Tx, ballot_id: str) -> dict[str, Any]:
    """Counts per status (staff and statistics)."""
    done = sql.draw(tx, ballot_id)
    return {"drawn_at": iso(done["drawn_ts"]) if done else None, "statuses": sql.status_counts(tx, ballot_id)}
