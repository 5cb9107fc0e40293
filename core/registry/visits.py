"""After booking: check-in at the kiosk, completion, divorce cases, no-show sweeps and
"your turn is near" notices (SPEC 5)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from core import identity
from core.days.clock import TZ
from core.days.hours import local_day
from core.errors import AppointmentClosed, AppointmentNotFound, InvalidInput, TooEarly, TooLate
from core.queue import remote, tickets
from core.registry import divorce
from core.registry.appointments import view
from core.registry.slots import checkin_window
from core.store import booking as sql
from core.store import queries
from core.store.db import Tx


# -- check-in ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckIn:
    appointment: dict[str, Any] | None  # None: a remote ticket checked in (core/queue/remote.py)
    ticket: Any  # core.model.Ticket once every party is in, else None
    pending: tuple[str, ...] = ()  # masked IDs of the parties still to check in


def check_in(
    tx: Tx,
    site_id: str,
    *,
    code: str | None = None,
    id_number: str | None = None,
    ticket: str | None = None,
    actor: str = "kiosk",
    device: str | None = None,
) -> CheckIn:
    """Check in by booking code (or the booking QR, which carries it) and/or an ID number, or a
    remote ticket by its id (its QR). An ID number without a code checks in that identity's remote
    ticket here today first, and its appointment when it holds none.

    Every party of a multi-party appointment checks in with their own ID (card or typed);
    the ticket is issued, with appointment priority, when the last one does.

    :raises TooEarly: more than the early margin before the slot (``come_back_at``).
    :raises TooLate: past the late margin (``walk_in`` says whether a walk-in ticket is possible).
    While a party is missing, the check-ins so far are kept and ``pending`` names who is left.
    """
    if ticket:
        if code or id_number:
            raise InvalidInput("远程号签到只需票号 / give the ticket alone", field="ticket")
        return CheckIn(None, remote.check_in(tx, site_id, ticket_id=ticket, actor=actor))
    if not code and not id_number:
        raise InvalidInput("请出示预约码或身份证 / give a booking code or an ID number")
    id_hash = identity.keyed_hash(tx.secret, identity.normalize(id_number, local_day(tx.now))) if id_number else None
    today = local_day(tx.now).isoformat()
    if id_hash is not None and not code:
        arrived = remote.check_in(tx, site_id, id_hash=id_hash, actor=actor)
        if arrived is not None:
            return CheckIn(None, arrived)
    if code:
        row = sql.appointment_by_code(tx, code.strip().upper())
        if row is None or row["site"] != site_id:
            raise AppointmentNotFound("本中心没有这个预约 / no such booking at this center")
    else:
        rows = sql.booked_today_for_identity(tx, site_id, today, id_hash or "")
        if not rows:
            raise AppointmentNotFound("您今天在本中心没有预约 / no booking for you here today")
        row = min(rows, key=lambda r: abs(r["start_ts"] - tx.now.timestamp()))
    if row["status"] == "checked_in" and row["ticket"]:
        return CheckIn(view(tx, row), queries.ticket(tx, row["ticket"]))
    service = tx.config.service(row["service"])
    assert service is not None and service.booking is not None
    if row["status"] == "no_show" and row["day"] == today:  # missed today's window: say so, offer a walk-in
        raise TooLate(
            "已超过签到时间 / too late to check in for this slot", walk_in=service.walk_in, service=service.id
        )
    if row["status"] != "booked":
        raise AppointmentClosed(f"预约状态为 {row['status']} / this booking is {row['status']}")
    start = dt.datetime.fromtimestamp(row["start_ts"], TZ)
    back, last = checkin_window(service.booking, start)
    if tx.now < back:
        raise TooEarly(
            f"请于 {back:%m-%d %H:%M} 后再来签到 / please check in from {back:%Y-%m-%d %H:%M}",
            come_back_at=back.isoformat(),
        )
    if tx.now > last:
        raise TooLate(
            "已超过签到时间 / too late to check in for this slot", walk_in=service.walk_in, service=service.id
        )
    people = sql.applicants(tx, row["id"])
    if id_hash is not None:
        me = next((p for p in people if p["id_hash"] == id_hash), None)
        if me is None:
            raise AppointmentNotFound("该证件不在此预约中 / this ID is not on the booking")
        sql.check_in_applicant(tx, row["id"], me["idx"], tx.now.timestamp())
    elif len(people) == 1:
        sql.check_in_applicant(tx, row["id"], 0, tx.now.timestamp())
    people = sql.applicants(tx, row["id"])
    pending = [p["id_masked"] for p in people if p["checked_in_ts"] is None]
    if pending:
        return CheckIn(view(tx, row), None, tuple(pending))
    issued = tickets.issue(
        tx,
        site_id,
        row["service"],
        source="appointment",
        actor=actor,
        priority="appointment",
        device=device,
        due_ts=row["start_ts"],
    )
    queries.update_ticket(tx, issued.ticket.id, appointment=row["id"])
    sql.update_appointment(tx, row["id"], status="checked_in", ticket=issued.ticket.id, updated_ts=tx.now.timestamp())
    return CheckIn(view(tx, sql.appointment(tx, row["id"])), issued.ticket)


# -- what happens later --------------------------------------------------------------------
def on_ticket_closed(tx: Tx, ticket_id: str, status: str) -> None:
    """A ticket from an appointment ended: complete it; 离婚登记申请 opens a divorce case."""
    appt = sql.appointment_of_ticket(tx, ticket_id)
    if appt is None or status != "done":
        return
    sql.update_appointment(tx, appt["id"], status="completed", updated_ts=tx.now.timestamp())
    if appt["service"] == "divorce-apply":
        open_divorce_case(tx, appt)
    elif appt["service"] == "divorce-issue" and appt["divorce_case"]:
        sql.close_case(tx, appt["divorce_case"], "completed", "issued", tx.now.timestamp())


def open_divorce_case(tx: Tx, appt: Any) -> str:
    people = sql.applicants(tx, appt["id"])
    a, b = sorted(p["id_hash"] for p in people)
    p = divorce.periods(local_day(tx.now), tx.schedule)
    case_id = hashlib.sha256(f"{appt['id']}:case".encode()).hexdigest()[:16]
    sql.insert_case(
        tx,
        {
            "id": case_id,
            "site": appt["site"],
            "received_day": p.received.isoformat(),
            "cooling_end": p.cooling_end.isoformat(),
            "window_start": p.window_start.isoformat(),
            "window_end": p.window_end.isoformat(),
            "status": "cooling",
            "party_a": a,
            "party_b": b,
            "created_ts": tx.now.timestamp(),
        },
    )
    return case_id


def withdraw_case(tx: Tx, case_id: str, clerk: str, clerk_site: str | None = None) -> None:
    """Either party withdraws during cooling-off (recorded by a clerk of the registry)."""
    case = sql.case(tx, case_id)
    if case is None or (clerk_site is not None and case["site"] != clerk_site):
        raise AppointmentNotFound("没有这个离婚申请 / no such divorce case")
    if local_day(tx.now).isoformat() > case["cooling_end"] or case["status"] not in ("cooling", "open"):
        raise AppointmentClosed("冷静期已过或案件已结束 / the cooling-off period is over or the case is closed")
    sql.close_case(tx, case_id, "withdrawn", f"withdrawn by a party, recorded by {clerk}", tx.now.timestamp())


def sweep(tx: Tx) -> int:
    """Appointments not checked in by the end of their window become no-shows; divorce cases
    move from cooling-off to open and, past their window, are deemed withdrawn; remote tickets
    not checked in within their time expire (core/queue/remote.py)."""
    n = remote.expire_due(tx)
    for row in sql.overdue_booked(tx, tx.now.timestamp() - 15 * 60):
        service = tx.config.service(row["service"])
        late = service.booking.checkin_late_minutes if service and service.booking else 15
        if tx.now.timestamp() <= row["start_ts"] + late * 60:
            continue
        sql.update_appointment(tx, row["id"], status="no_show", updated_ts=tx.now.timestamp())
        for p in sql.applicants(tx, row["id"]):
            sql.enqueue(
                tx,
                "booking.no_show",
                {"code": row["code"]},
                tx.now.timestamp(),
                tx.now.timestamp(),
                appointment=row["id"],
                phone=p["phone"],
            )
        n += 1
    today = local_day(tx.now).isoformat()
    for case in sql.open_cases(tx):
        if today > case["window_end"]:
            sql.close_case(tx, case["id"], "withdrawn", "deemed withdrawn: window passed", tx.now.timestamp())
        elif today > case["cooling_end"] and case["status"] == "cooling":
            sql.set_case_status(tx, case["id"], "open")
    return n


def notify_turn_near(tx: Tx, site_id: str, service_id: str, ahead_at_most: int | None = None) -> None:
    """Tell those waiting with at most ``ahead_at_most`` people ahead (``policy.turn_near_ahead``)
    that their turn is near, once per ticket (SPEC 6b): every applicant of a booked ticket, and
    the holder of a walk-in or remote ticket taken with a phone."""
    limit = tx.config.policy.turn_near_ahead if ahead_at_most is None else ahead_at_most
    rows = sql.waiting_not_told(tx, site_id, service_id, "turn.near")
    site = tx.config.site(site_id)
    for row in rows:
        t = queries.ticket(tx, row["id"])
        assert t is not None and site is not None
        ahead = queries.people_ahead(tx, t, tx.now.timestamp())
        if ahead > limit:
            continue
        payload = {"site": site.name, "number": t.number, "ahead": ahead}
        phones = [p["phone"] for p in sql.applicants(tx, row["appointment"])] if row["appointment"] else [row["phone"]]
        for phone in phones:
            sql.enqueue(
                tx,
                "turn.near",
                payload,
                tx.now.timestamp(),
                tx.now.timestamp(),
                ticket=t.id,
                appointment=row["appointment"],
                phone=phone,
            )
