"""SQL of appointments, slots and their overrides, divorce cases and the outbox (the yearly
holiday schedule: core/store/holidays.py)."""

from __future__ import annotations

import json
from typing import Any

from core.store.rows import Conn

APPT_COLUMNS = (
    "id, code, site, service, day, start_ts, end_ts, status, created_ts, updated_ts, ticket, divorce_case, "
    "eligible_from"
)


def take_place(c: Conn, site: str, service: str, start_ts: float, capacity: int) -> bool:
    """Take one place in a slot if one is left: one conditional statement, never an oversell."""
    row = c.one(
        "INSERT INTO slot_usage (site, service, start_ts, booked) SELECT ?, ?, ?, 1 WHERE ? > 0 "
        "ON CONFLICT (site, service, start_ts) DO UPDATE SET booked = booked + 1 WHERE booked < ? RETURNING booked",
        (site, service, start_ts, capacity, capacity),
    )
    return row is not None


def release_place(c: Conn, site: str, service: str, start_ts: float) -> None:
    c.execute(
        "UPDATE slot_usage SET booked = booked - 1 WHERE site = ? AND service = ? AND start_ts = ? AND booked > 0",
        (site, service, start_ts),
    )


def usage(c: Conn, site: str, service: str, from_ts: float, to_ts: float) -> dict[float, int]:
    rows = c.execute(
        "SELECT start_ts, booked FROM slot_usage WHERE site = ? AND service = ? AND start_ts >= ? AND start_ts < ?",
        (site, service, from_ts, to_ts),
    ).fetchall()
    return {float(r[0]): int(r[1]) for r in rows}


def override(c: Conn, site: str, service: str, day: str) -> Any:
    return c.one(
        "SELECT capacity, open, close FROM slot_overrides WHERE site = ? AND service = ? AND day = ?",
        (site, service, day),
    )


def set_override(
    c: Conn,
    site: str,
    service: str,
    day: str,
    capacity: int | None,
    open_: str | None,
    close: str | None,
    note: str,
    by: str,
    at_ts: float,
) -> None:
    c.execute(
        "INSERT INTO slot_overrides (site, service, day, capacity, open, close, note, by, at_ts) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, service, day) DO UPDATE SET "
        "capacity = excluded.capacity, open = excluded.open, close = excluded.close, note = excluded.note, "
        "by = excluded.by, at_ts = excluded.at_ts",
        (site, service, day, capacity, open_, close, note, by, at_ts),
    )


# -- appointments --------------------------------------------------------------------
def insert_appointment(c: Conn, a: dict[str, Any], applicants: list[dict[str, Any]]) -> None:
    c.execute(
        f"INSERT INTO appointments ({APPT_COLUMNS}) VALUES ({', '.join('?' * len(APPT_COLUMNS.split(',')))})",
        tuple(a.get(k.strip()) for k in APPT_COLUMNS.split(",")),
    )
    for i, p in enumerate(applicants):
        c.execute(
            "INSERT INTO applicants (appointment, idx, name, id_hash, id_masked, phone, phone_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (a["id"], i, p["name"], p["id_hash"], p["id_masked"], p["phone"], p["phone_hash"]),
        )


def appointment_by_code(c: Conn, code: str) -> Any:
    return c.one(f"SELECT {APPT_COLUMNS} FROM appointments WHERE code = ?", (code,))


def appointment(c: Conn, appointment_id: str) -> Any:
    return c.one(f"SELECT {APPT_COLUMNS} FROM appointments WHERE id = ?", (appointment_id,))


def applicants(c: Conn, appointment_id: str) -> list[Any]:
    return list(
        c.execute(
            "SELECT idx, name, id_hash, id_masked, phone, phone_hash, checked_in_ts FROM applicants "
            "WHERE appointment = ? ORDER BY idx",
            (appointment_id,),
        ).fetchall()
    )


def appointment_of_ticket(c: Conn, ticket_id: str) -> Any:
    """The appointment a ticket was issued for at check-in, if any."""
    return c.one(f"SELECT {APPT_COLUMNS} FROM appointments WHERE ticket = ?", (ticket_id,))


def waiting_not_told(c: Conn, site: str, service: str, kind: str) -> list[Any]:
    """Waiting tickets someone can be told about (``id``, ``appointment``, ``phone``: an appointment's,
    or a walk-in's with a phone) with no ``kind`` message queued yet."""
    return list(
        c.execute(
            "SELECT t.id, t.appointment, t.phone FROM tickets t "
            "WHERE t.site = ? AND t.service = ? AND t.status = 'waiting' "
            "AND (t.appointment IS NOT NULL OR t.phone IS NOT NULL) AND NOT EXISTS "
            "(SELECT 1 FROM outbox o WHERE o.ticket = t.id AND o.kind = ?)",
            (site, service, kind),
        ).fetchall()
    )


def set_ticket_phone(c: Conn, ticket_id: str, sealed_phone: str) -> None:
    """The sealed phone a walk-in gave for notices (core/notify.py)."""
    c.execute("UPDATE tickets SET phone = ? WHERE id = ?", (sealed_phone, ticket_id))


def update_appointment(c: Conn, appointment_id: str, **fields: Any) -> None:
    bad = set(fields) - {"status", "updated_ts", "ticket", "divorce_case", "start_ts", "end_ts", "day"}
    if bad:
        raise ValueError(f"not updatable: {bad}")
    sets = ", ".join(f"{k} = ?" for k in fields)
    c.execute(f"UPDATE appointments SET {sets} WHERE id = ?", (*fields.values(), appointment_id))


def check_in_applicant(c: Conn, appointment_id: str, idx: int, now_ts: float) -> None:
    c.execute(
        "UPDATE applicants SET checked_in_ts = ? WHERE appointment = ? AND idx = ?", (now_ts, appointment_id, idx)
    )


def active_for_identity(c: Conn, service: str, id_hash: str) -> Any:
    return c.one(
        "SELECT a.id, a.code FROM applicants p JOIN appointments a ON a.id = p.appointment WHERE p.id_hash = ? "
        "AND a.service = ? AND a.status IN ('booked', 'checked_in')",
        (id_hash, service),
    )


def booked_today_for_identity(c: Conn, site: str, day: str, id_hash: str) -> list[Any]:
    return list(
        c.execute(
            f"SELECT {', '.join('a.' + k.strip() for k in APPT_COLUMNS.split(','))} FROM applicants p "
            "JOIN appointments a ON a.id = p.appointment WHERE p.id_hash = ? AND a.site = ? AND a.day = ? "
            "AND a.status IN ('booked', 'checked_in', 'no_show') ORDER BY a.start_ts",
            (id_hash, site, day),
        ).fetchall()
    )


def no_shows_since(c: Conn, id_hashes: list[str], phone_hashes: list[str], since_ts: float) -> list[float]:
    """Slot starts of no-show appointments matched by any ID or phone, newest first."""
    marks = ", ".join("?" * len(id_hashes))
    pmarks = ", ".join("?" * len(phone_hashes))
    rows = c.execute(
        f"SELECT DISTINCT a.id, a.start_ts FROM applicants p JOIN appointments a ON a.id = p.appointment "
        f"WHERE a.status = 'no_show' AND a.start_ts >= ? AND (p.id_hash IN ({marks}) OR p.phone_hash IN ({pmarks})) "
        "ORDER BY a.start_ts DESC",
        (since_ts, *id_hashes, *phone_hashes),
    ).fetchall()
    return [float(r[1]) for r in rows]


def overdue_booked(c: Conn, before_ts: float) -> list[Any]:
    return list(
        c.execute(f"SELECT {APPT_COLUMNS} FROM appointments WHERE status = 'booked' AND start_ts < ?", (before_ts,))
    )


def day_appointments(c: Conn, site: str, day: str) -> list[Any]:
    return list(
        c.execute(f"SELECT {APPT_COLUMNS} FROM appointments WHERE site = ? AND day = ? ORDER BY start_ts", (site, day))
    )


# -- divorce cases -------------------------------------------------------------------
def insert_case(c: Conn, case: dict[str, Any]) -> None:
    cols = ", ".join(case)
    c.execute(f"INSERT INTO divorce_cases ({cols}) VALUES ({', '.join('?' * len(case))})", tuple(case.values()))


def case_for_parties(c: Conn, site: str, party_a: str, party_b: str) -> Any:
    return c.one(
        "SELECT * FROM divorce_cases WHERE site = ? AND party_a = ? AND party_b = ? AND status IN ('cooling', 'open') "
        "ORDER BY created_ts DESC",
        (site, party_a, party_b),
    )


def case(c: Conn, case_id: str) -> Any:
    return c.one("SELECT * FROM divorce_cases WHERE id = ?", (case_id,))


def close_case(c: Conn, case_id: str, status: str, reason: str, now_ts: float) -> None:
    c.execute(
        "UPDATE divorce_cases SET status = ?, closed_reason = ?, closed_ts = ? WHERE id = ?",
        (status, reason, now_ts, case_id),
    )


def open_cases(c: Conn) -> list[Any]:
    return list(c.execute("SELECT * FROM divorce_cases WHERE status IN ('cooling', 'open')"))


def set_case_status(c: Conn, case_id: str, status: str) -> None:
    c.execute("UPDATE divorce_cases SET status = ? WHERE id = ?", (status, case_id))


# -- outbox --------------------------------------------------------------------------
def enqueue(
    c: Conn,
    kind: str,
    payload: dict[str, Any],
    due_ts: float,
    now_ts: float,
    *,
    appointment: str | None = None,
    ticket: str | None = None,
    phone: str | None = None,
) -> None:
    c.execute(
        "INSERT INTO outbox (kind, appointment, ticket, phone, payload, due_ts, created_ts) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (kind, appointment, ticket, phone, json.dumps(payload, ensure_ascii=False), due_ts, now_ts),
    )


def drop_unsent(c: Conn, appointment: str, kind: str) -> None:
    """Forget messages of an appointment not sent yet (a reminder for a time that changed)."""
    c.execute("DELETE FROM outbox WHERE appointment = ? AND kind = ? AND sent_ts IS NULL", (appointment, kind))


def due_messages(c: Conn, now_ts: float, limit: int = 50) -> list[Any]:
    return list(
        c.execute(
            "SELECT id, kind, appointment, ticket, phone, payload, attempts FROM outbox "
            "WHERE sent_ts IS NULL AND due_ts <= ? ORDER BY due_ts LIMIT ?",
            (now_ts, limit),
        )
    )


def mark_sent(c: Conn, message_id: int, now_ts: float) -> None:
    c.execute("UPDATE outbox SET sent_ts = ?, attempts = attempts + 1 WHERE id = ?", (now_ts, message_id))


def mark_failed(c: Conn, message_id: int, error: str, retry_ts: float) -> None:
    c.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, due_ts = ? WHERE id = ?",
        (error[:200], retry_ts, message_id),
    )


# -- retention -----------------------------------------------------------------------
def purge_before(c: Conn, before_ts: float) -> int:
    """Drop personal data of tickets and appointments closed before ``before_ts``; the rows
    (and so the statistics) stay. Returns how many records were touched."""
    n = c.execute(
        "UPDATE tickets SET id_hash = NULL, id_masked = NULL, phone = NULL WHERE closed_ts < ? "
        "AND status NOT IN ('waiting', 'called', 'serving') "
        "AND (id_hash IS NOT NULL OR id_masked IS NOT NULL OR phone IS NOT NULL)",
        (before_ts,),
    ).rowcount
    n += c.execute(
        "UPDATE applicants SET name = NULL, phone = NULL WHERE (name IS NOT NULL OR phone IS NOT NULL) "
        "AND appointment IN (SELECT id FROM appointments WHERE start_ts < ? "
        "AND status IN ('completed', 'cancelled', 'no_show'))",
        (before_ts,),
    ).rowcount
    n += c.execute(
        "UPDATE outbox SET phone = NULL WHERE phone IS NOT NULL AND created_ts < ? AND sent_ts IS NOT NULL",
        (before_ts,),
    ).rowcount
    return int(n)
