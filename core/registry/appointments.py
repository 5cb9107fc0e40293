"""Appointments (SPEC 5): booking, lookup, cancel, reschedule, check-in, no-shows.

Every change is one write job on the writer thread: a booking checks its limits and takes
its place with one conditional statement in the same transaction, so a rush for the last
places books exactly the capacity.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from core import identity, store
from core.config import Service, Site
from core.days.clock import TZ
from core.errors import (
    AppointmentClosed,
    AppointmentNotFound,
    InvalidSlot,
    NotBookable,
    OutsideDivorceWindow,
    OutsideHorizon,
    SlotFull,
    SlotPast,
)
from core.matters import views as matters
from core.model import iso
from core.queue import tickets
from core.registry import applicants, eligibility
from core.registry.applicants import Applicant as Applicant  # booking's callers know it from here
from core.registry.applicants import phone_hash
from core.registry.slots import Override, Slot, bookable, checkin_window, closes_at, day_slots, opens_at
from core.store import booking as sql
from core.store.db import Reader, Tx

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
ACTIVE = ("booked", "checked_in")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _bookable_service(c: Tx | Reader, site_id: str, service_id: str) -> tuple[Site, Service]:
    site, service = tickets.site_and_service(c, site_id, service_id)
    if service.booking is None:
        raise NotBookable("该业务不接受预约 / this service cannot be booked")
    return site, service


def _override(c: Tx | Reader, site: str, service: str, day: dt.date) -> Override | None:
    row = sql.override(c, site, service, day.isoformat())
    return None if row is None else Override(row["capacity"], row["open"], row["close"])


def _slots(c: Tx | Reader, site: Site, service_id: str, day: dt.date) -> list[Slot]:
    return day_slots(c.config, site, service_id, day, _override(c, site.id, service_id, day), c.schedule)


def slots_of_day(c: Tx | Reader, site_id: str, service_id: str, day: dt.date) -> list[tuple[Slot, int]]:
    """The day's slots with places left."""
    site, _ = _bookable_service(c, site_id, service_id)
    slots = _slots(c, site, service_id, day)
    if not slots:
        return []
    used = sql.usage(c, site_id, service_id, slots[0].start.timestamp(), slots[-1].end.timestamp())
    return [(s, max(0, s.capacity - used.get(s.start.timestamp(), 0))) for s in slots]


def slots_view(r: Reader, site_id: str, service_id: str, day: dt.date) -> list[dict[str, Any]]:
    """``GET .../slots``: every slot of the day; ``remaining`` is 0 outside the booking horizon."""
    _, service = _bookable_service(r, site_id, service_id)
    assert service.booking is not None
    open_now = bookable(service.booking, day, r.now)
    return [
        {
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "capacity": s.capacity,
            "remaining": left if open_now and s.start > r.now else 0,
        }
        for s, left in slots_of_day(r, site_id, service_id, day)
    ]


def next_free(c: Tx | Reader, site_id: str, service_id: str, after: dt.datetime, limit: int = 3) -> list[str]:
    """The next slots with places left, for a ``slot_full`` answer."""
    _, service = _bookable_service(c, site_id, service_id)
    assert service.booking is not None
    out: list[str] = []
    day = after.astimezone(TZ).date()
    for i in range(service.booking.opens_days + 1):
        d = day + dt.timedelta(days=i)
        if not bookable(service.booking, d, c.now):
            continue
        free = slots_of_day(c, site_id, service_id, d)
        out += [s.start.isoformat() for s, left in free if left and s.start > after]
        if len(out) >= limit:
            break
    return out[:limit]


def _divorce_case_for(tx: Tx, site: Site, people: list[dict[str, Any]], day: dt.date) -> str:
    """离婚登记（发证） needs the couple's open case at this registry, inside its window."""
    a, b = sorted(p["id_hash"] for p in people)
    case = sql.case_for_parties(tx, site.id, a, b)
    if case is None:
        raise OutsideDivorceWindow("未找到本登记处受理的离婚申请 / no divorce application received here for these two")
    start, end = dt.date.fromisoformat(case["window_start"]), dt.date.fromisoformat(case["window_end"])
    if not start <= day <= end:
        raise OutsideDivorceWindow(
            f"只能在 {start} 至 {end} 之间预约 / bookable only from {start} to {end}",
            window_start=start.isoformat(),
            window_end=end.isoformat(),
        )
    return str(case["id"])


def _find_slot(tx: Tx, site: Site, service: Service, start: dt.datetime) -> Slot:
    day = start.astimezone(TZ).date()
    assert service.booking is not None
    for s in _slots(tx, site, service.id, day):
        if s.start == start:
            if s.start <= tx.now:
                raise SlotPast("该时段已过 / this slot has passed")
            if not bookable(service.booking, day, tx.now):
                first, last = opens_at(service.booking, day), closes_at(service.booking, day)
                raise OutsideHorizon(
                    f"该日可预约时间为 {first:%m-%d %H:%M} 至 {last:%m-%d %H:%M} / "
                    f"booking for this day is open from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}",
                    opens_at=first.isoformat(),
                    closes_at=last.isoformat(),
                )
            return s
    raise InvalidSlot("没有这个预约时段 / there is no such slot")


def _take(tx: Tx, site: Site, service: Service, slot: Slot) -> None:
    if not sql.take_place(tx, site.id, service.id, slot.start.timestamp(), slot.capacity):
        raise SlotFull("该时段已约满 / this slot is full", next_free=next_free(tx, site.id, service.id, slot.start))


def book(tx: Tx, site_id: str, service_id: str, start: dt.datetime, people: list[Applicant]) -> dict[str, Any]:
    """Book a slot for the applicants; returns the appointment as its holder sees it.

    :raises SlotFull: no place left (with ``next_free`` slots).
    :raises DuplicateBooking: an applicant already has an active booking for this service.
    :raises BookingBlocked: too many recent no-shows.
    """
    site, service = _bookable_service(tx, site_id, service_id)
    slot = _find_slot(tx, site, service, start)
    checked, eligible_from = applicants.check(tx, service, people, slot.start.date())
    applicants.refuse_duplicates(tx, service.id, checked)
    applicants.check_blocked(tx, checked)
    case_id = _divorce_case_for(tx, site, checked, slot.start.date()) if service.id == "divorce-issue" else None
    _take(tx, site, service, slot)
    now = tx.now.timestamp()
    appt: dict[str, Any] = {
        "id": secrets.token_urlsafe(12),
        "code": new_code(),
        "site": site.id,
        "service": service.id,
        "day": slot.start.date().isoformat(),
        "start_ts": slot.start.timestamp(),
        "end_ts": slot.end.timestamp(),
        "status": "booked",
        "created_ts": now,
        "updated_ts": now,
        "ticket": None,
        "divorce_case": case_id,
        "eligible_from": None if eligible_from is None else eligible_from.isoformat(),
    }
    sql.insert_appointment(tx, appt, checked)
    _notify(tx, appt["id"], "booking.confirmed")
    return view(tx, sql.appointment(tx, appt["id"]))


def _notify(tx: Tx, appointment_id: str, kind: str, before: dt.datetime | None = None) -> None:
    """Tell every applicant of a change (``booking.confirmed``, ``booking.rescheduled``,
    ``booking.cancelled``) through the outbox, and keep one reminder for the current time."""
    row = sql.appointment(tx, appointment_id)
    service = tx.config.service(row["service"])
    site = tx.config.site(row["site"])
    assert service is not None and site is not None
    start = dt.datetime.fromtimestamp(row["start_ts"], TZ)
    payload = {"code": row["code"], "site": site.name, "service": service.name, "start": start.isoformat()}
    if before is not None:
        payload["before"] = before.isoformat()
    now = tx.now.timestamp()
    sql.drop_unsent(tx, appointment_id, "booking.reminder")
    reminder = dt.datetime.combine(start.date() - dt.timedelta(days=1), dt.time(10, 0), TZ)
    for p in sql.applicants(tx, appointment_id):
        if not p["phone"]:
            continue
        sql.enqueue(tx, kind, payload, now, now, appointment=appointment_id, phone=p["phone"])
        if kind != "booking.cancelled":
            due = max(now, reminder.timestamp())
            sql.enqueue(tx, "booking.reminder", payload, due, now, appointment=appointment_id, phone=p["phone"])


def warn_guessed(tx: Tx, code: str) -> None:
    """Tell the applicants of ``code`` (if it exists) that it was locked after wrong verifications."""
    row = sql.appointment_by_code(tx, code.strip().upper())
    if row is None:
        return
    site = tx.config.site(row["site"])
    assert site is not None
    now = tx.now.timestamp()
    for p in sql.applicants(tx, row["id"]):
        if p["phone"]:
            sql.enqueue(tx, "booking.guessed", {"code": row["code"], "site": site.name}, now, now,
                        appointment=row["id"], phone=p["phone"])  # fmt: skip


# -- lookup, cancel, reschedule ----------------------------------------------------------
def _verified(c: Tx | Reader, code: str, verify: str) -> Any:
    """The appointment for a code, if ``verify`` is an applicant's ID last 4 or phone."""
    row = sql.appointment_by_code(c, code.strip().upper())
    verify = identity.digits(verify)
    if row is not None and verify:
        for p in sql.applicants(c, row["id"]):
            if p["id_masked"][-4:] == verify or phone_hash(c.secret, verify) == p["phone_hash"]:
                return row
    raise AppointmentNotFound("预约码或验证信息不正确 / no booking matches this code and verification")


def view(c: Tx | Reader, row: Any) -> dict[str, Any]:
    site = c.config.site(row["site"])
    service = c.config.service(row["service"])
    assert site is not None and service is not None
    people = sql.applicants(c, row["id"])
    ticket = store.ticket(c, row["ticket"]) if row["ticket"] else None
    assert service.booking is not None
    first, last = checkin_window(service.booking, dt.datetime.fromtimestamp(row["start_ts"], TZ))
    return {
        "id": row["id"],
        "code": row["code"],
        "site": row["site"],
        "site_name": site.name,
        "site_name_en": site.name_en,
        "service": row["service"],
        "service_name": service.name,
        "service_name_en": service.name_en,
        "start": iso(row["start_ts"]),
        "end": iso(row["end_ts"]),
        "status": row["status"],
        "checkin_from": first.isoformat(),  # the one rule the kiosk enforces (core/registry/slots.py)
        "checkin_until": last.isoformat(),
        "applicants": [
            {
                "name": _mask_name(identity.unseal(c.secret, p["name"]) if p["name"] else None),
                "id_masked": p["id_masked"],
                "phone": _mask_phone(identity.unseal(c.secret, p["phone"]) if p["phone"] else None),
                "checked_in": p["checked_in_ts"] is not None,
            }
            for p in people
        ],
        "ticket": None if ticket is None else {"id": ticket.id, "number": ticket.number, "status": ticket.status},
        # a visit that also collects: the applicants' ready matters here (办件, docs/matters.md), items only
        "collect": matters.collecting_for(c, row["site"], [p["id_hash"] for p in people if p["id_hash"]])
        if row["status"] == "booked" else [],
    }  # fmt: skip


def _mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def _mask_phone(phone: str | None) -> str:
    return "" if not phone else phone[:3] + "****" + phone[-4:]


def of_day(r: Reader, site_id: str, day: dt.date) -> list[dict[str, Any]]:
    """A site's appointments of ``day`` in start order, as ``view`` shows them (staff pages)."""
    return [view(r, row) for row in sql.day_appointments(r, site_id, day.isoformat())]


def lookup(r: Reader, code: str, verify: str) -> dict[str, Any]:
    return view(r, _verified(r, code, verify))


def cancel(tx: Tx, code: str, verify: str) -> dict[str, Any]:
    row = _verified(tx, code, verify)
    if row["status"] != "booked":
        raise AppointmentClosed(f"预约状态为 {row['status']}，不能取消 / a {row['status']} booking cannot be cancelled")
    sql.release_place(tx, row["site"], row["service"], row["start_ts"])
    sql.update_appointment(tx, row["id"], status="cancelled", updated_ts=tx.now.timestamp())
    _notify(tx, row["id"], "booking.cancelled")
    return view(tx, sql.appointment(tx, row["id"]))


def reschedule(tx: Tx, code: str, verify: str, start: dt.datetime) -> dict[str, Any]:
    row = _verified(tx, code, verify)
    if row["status"] != "booked":
        raise AppointmentClosed(f"预约状态为 {row['status']}，不能改期 / a {row['status']} booking cannot be moved")
    site, service = _bookable_service(tx, row["site"], row["service"])
    slot = _find_slot(tx, site, service, start)
    eligibility.check_day(service.id, row["eligible_from"], slot.start.date())
    if row["divorce_case"]:
        case = sql.case(tx, row["divorce_case"])
        if not case["window_start"] <= slot.start.date().isoformat() <= case["window_end"]:
            raise OutsideDivorceWindow(
                f"只能在 {case['window_start']} 至 {case['window_end']} 之间 / "
                f"only from {case['window_start']} to {case['window_end']}"
            )
    _take(tx, site, service, slot)
    sql.release_place(tx, row["site"], row["service"], row["start_ts"])
    sql.update_appointment(
        tx,
        row["id"],
        start_ts=slot.start.timestamp(),
        end_ts=slot.end.timestamp(),
        day=slot.start.date().isoformat(),
        updated_ts=tx.now.timestamp(),
    )
    _notify(tx, row["id"], "booking.rescheduled", before=dt.datetime.fromtimestamp(row["start_ts"], TZ))
    return view(tx, sql.appointment(tx, row["id"]))
