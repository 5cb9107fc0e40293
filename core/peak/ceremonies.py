"""Ceremony sessions (颁证仪式, SPEC 5b): themed sessions of a special date at the registry, for
couples whose 结婚登记 of that day is booked.

The sessions of a day come from its ``[[special_dates]]`` entry in config.toml; a supervisor may
change or add some (kept in the store, which then wins). A couple joins one with their booking code and a
verification, or in the same step as the booking (``book_with``: one write, so a full session
leaves no booking behind). A place counts only while the registration of that day is booked or
done: cancelling or moving the booking frees it (core/store/peak/ceremonies.py ``joined``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.days.clock import TZ
from core.peak.errors import CeremonyRefused, InvalidCeremony, SessionFull, SessionNotFound
from core.peak.settings import Session
from core.registry import appointments as ap
from core.store.db import Reader, Tx
from core.store.peak import ceremonies as sql


def _from_config(s: Session) -> dict[str, Any]:
    return {"id": s.id, "starts": s.time, "hall": s.hall, "hall_en": s.hall_en, "theme": s.theme,
            "theme_en": s.theme_en, "capacity": s.capacity, "cancelled": False}  # fmt: skip


def sessions(c: Reader, site: str, day: dt.date) -> list[dict[str, Any]]:
    """The day's sessions in time order, each with ``joined`` and ``remaining`` couples."""
    found: dict[str, dict[str, Any]] = {}
    peak_day = c.config.peak.day(site, day.isoformat())
    for configured in peak_day.ceremonies if peak_day else []:
        found[configured.id] = _from_config(configured)
    for row in sql.edited_sessions(c, site, day.isoformat()):
        found[row["id"]] = {**dict(row), "cancelled": bool(row["cancelled"])}
    joined = sql.joined(c, site, day.isoformat())
    out = []
    for s in sorted(found.values(), key=lambda s: (s["starts"], s["id"])):
        n = joined.get(s["id"], 0)
        start = dt.datetime.combine(day, dt.time.fromisoformat(s["starts"]), TZ)
        out.append({**s, "start": start.isoformat(), "joined": n,
                    "remaining": 0 if s["cancelled"] else max(0, s["capacity"] - n)})  # fmt: skip
    return out


def day_view(r: Reader, site: str, day: dt.date) -> dict[str, Any]:
    """``GET /sites/{site}/ceremonies?date=``: public (no names: counts only)."""
    peak_day = r.config.peak.day(site, day.isoformat())
    special = r.config.special_date(site, day.isoformat())
    return {
        "site": site,
        "date": day.isoformat(),
        "service": peak_day.service if peak_day else "marriage",
        "name": special.name if special else "",
        "name_en": special.name_en if special else "",
        "sessions": [s for s in sessions(r, site, day) if not s["cancelled"]],
    }


def _join(tx: Tx, appt: dict[str, Any], session_id: str) -> dict[str, Any]:
    """Put a booking into a session of its day, or move it there.

    :raises CeremonyRefused: not a booked 结婚登记, or no ceremonies that day.
    :raises SessionNotFound: no such session that day. :raises SessionFull: no room left.
    """
    day = dt.datetime.fromisoformat(appt["start"]).astimezone(TZ).date()
    peak_day = tx.config.peak.day(appt["site"], day.isoformat())
    service = peak_day.service if peak_day else "marriage"
    if appt["service"] != service or appt["status"] != "booked":
        raise CeremonyRefused("仪式只面向当天已预约结婚登记的新人 / only for couples booked to marry that day")
    found = {s["id"]: s for s in sessions(tx, appt["site"], day)}
    s = found.get(session_id)
    if s is None or s["cancelled"]:
        raise SessionNotFound("当天没有这个仪式场次 / there is no such ceremony session that day")
    current = sql.place_of(tx, appt["id"])
    if current is not None and current["session"] == session_id and current["day"] == day.isoformat():
        return s
    if s["remaining"] <= 0:
        others = [o["id"] for o in found.values() if o["remaining"] > 0 and not o["cancelled"]]
        raise SessionFull("该场仪式已满 / this ceremony session is full", others=others)
    sql.join(tx, appt["id"], appt["site"], day.isoformat(), session_id, tx.now.timestamp())
    return {**s, "joined": s["joined"] + 1, "remaining": s["remaining"] - 1}


def join(tx: Tx, code: str, verify: str, session_id: str | None) -> dict[str, Any]:
    """``POST /appointments/{code}/ceremony``: join (or move to) a session; ``None`` leaves it."""
    appt = ap.lookup(tx, code, verify)
    if session_id is None:
        sql.leave(tx, appt["id"])
        return {**appt, "ceremony": None}
    return {**appt, "ceremony": _join(tx, appt, session_id)}


def of_appointment(c: Reader, appointment: dict[str, Any]) -> dict[str, Any] | None:
    """The session a booking is in (None if none, or if the booking left that day)."""
    place = sql.place_of(c, appointment["id"])
    if place is None:
        return None
    day = dt.date.fromisoformat(place["day"])
    if dt.datetime.fromisoformat(appointment["start"]).astimezone(TZ).date() != day:
        return None
    return next((s for s in sessions(c, place["site"], day) if s["id"] == place["session"]), None)


def book_with(
    tx: Tx, site: str, service: str, start: dt.datetime, people: list[ap.Applicant], session_id: str | None
) -> dict[str, Any]:
    """Book and join a session in one write: a full session leaves no booking behind."""
    appt = ap.book(tx, site, service, start, people)
    if session_id is None:
        return appt
    return {**appt, "ceremony": _join(tx, appt, session_id)}


def join_booked(tx: Tx, appointment: dict[str, Any], session_id: str) -> dict[str, Any] | None:
    """A ballot winner's booking into the session asked for, if it has room (else none)."""
    try:
        return _join(tx, appointment, session_id)
    except (SessionFull, SessionNotFound, CeremonyRefused):
        return None


def edit(tx: Tx, site: str, day: dt.date, s: dict[str, Any], by: str) -> list[dict[str, Any]]:
    """A supervisor changes or adds a session; its capacity never drops below the couples in it.

    :raises InvalidCeremony: a capacity below the couples already in it.
    """
    current = {x["id"]: x for x in sessions(tx, site, day)}.get(s["id"])
    if current is not None and s["capacity"] < current["joined"] and not s["cancelled"]:
        raise InvalidCeremony(
            f"已有 {current['joined']} 对新人报名，容量不能更少 / {current['joined']} couples are in it already",
            field="capacity",
        )
    if current is not None and s["cancelled"] and current["joined"]:
        raise InvalidCeremony("已有新人报名的场次不能取消 / a session with couples in it cannot be cancelled")
    sql.save_session(tx, site, day.isoformat(), s, by, tx.now.timestamp())
    return sessions(tx, site, day)
