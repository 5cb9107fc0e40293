"""SQL read by statistics, staffing and the live hall page (reads only)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.store.rows import Conn

# The few fields of an event's JSON that statistics need, extracted by SQLite (in C) rather
# than by parsing every event in Python.
_EVENT_FIELDS = (
    "seq, type, at_ts, actor, ticket, "
    "CASE WHEN type = 'counter.updated' THEN NULL ELSE json_extract(data, '$.ticket.service') END AS service, "
    "CASE WHEN type = 'counter.updated' THEN NULL ELSE json_extract(data, '$.by_counter.id') END AS by_counter, "
    "CASE WHEN type = 'ticket.no_show' THEN json_extract(data, '$.requeued') END AS requeued, "
    "CASE WHEN type = 'counter.updated' THEN json_extract(data, '$.counter.id') END AS counter_id, "
    "CASE WHEN type = 'counter.updated' THEN json_extract(data, '$.counter.state') END AS counter_state, "
    "CASE WHEN type = 'counter.updated' THEN json_extract(data, '$.counter.pause_reason') END AS pause_reason"
)


def events(
    c: Conn, site: str, from_ts: float, to_ts: float, *, weekday: int | None = None, utc_offset: int = 0
) -> Iterator[Any]:
    """Ticket and counter events of a site in ``[from_ts, to_ts)``, in log order, streamed.

    ``weekday`` (0 = Monday, local time at ``utc_offset`` seconds) keeps one day of the week.
    """
    where = ""
    args: tuple[Any, ...] = (site, from_ts, to_ts)
    if weekday is not None:
        # SQLite's %w counts from Sunday = 0
        where = "AND CAST(strftime('%w', at_ts + ?, 'unixepoch') AS INTEGER) = ? "
        args += (utc_offset, (weekday + 1) % 7)
    cur = c.execute(
        f"SELECT {_EVENT_FIELDS} FROM events WHERE site = ? AND at_ts >= ? AND at_ts < ? {where}"
        "AND (type GLOB 'ticket.*' OR type = 'counter.updated') ORDER BY seq",
        args,
    )
    while True:
        rows = cur.fetchmany(2000)
        if not rows:
            return
        yield from rows


def appointments(c: Conn, site: str, from_day: str, to_day: str) -> list[Any]:
    """Appointments per service and status for the days ``from_day..to_day`` (inclusive)."""
    return list(
        c.execute(
            "SELECT service, status, COUNT(*) AS n FROM appointments WHERE site = ? AND day >= ? AND day <= ? "
            "GROUP BY service, status",
            (site, from_day, to_day),
        )
    )


def evaluations(c: Conn, site: str, from_ts: float, to_ts: float) -> list[Any]:
    return list(
        c.execute(
            "SELECT service, counter, clerk, grade, at_ts FROM evaluations WHERE site = ? AND at_ts >= ? AND at_ts < ?",
            (site, from_ts, to_ts),
        )
    )


def device_status(c: Conn, site: str) -> list[Any]:
    return list(
        c.execute(
            "SELECT device, kind, last_seen_ts, printer_online, paper, reader_present, scanner_present "
            "FROM device_status WHERE site = ? ORDER BY kind, device",
            (site,),
        )
    )
