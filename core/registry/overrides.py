"""A date's slots changed by a supervisor (SPEC 5): its places per slot and/or its hours for
one service (``slot_overrides``), and what the supervisor's day page shows of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.registry import appointments
from core.store import booking as sql
from core.store.db import Reader, Tx


def of_day(r: Reader, site_id: str, service_id: str, day: dt.date) -> dict[str, Any] | None:
    """The date's override (``capacity``, ``open``, ``close``; each None where unchanged), if any."""
    row = sql.override(r, site_id, service_id, day.isoformat())
    return None if row is None else dict(row)


def set_override(
    tx: Tx,
    site_id: str,
    service_id: str,
    day: dt.date,
    *,
    capacity: int | None,
    open_: str | None,
    close: str | None,
    note: str,
    by: str,
) -> list[dict[str, Any]]:
    """Change the date's places and/or hours for a service; returns the day's slots after it.

    :raises UnknownSite: / ``UnknownService`` / ``NotBookable``: nothing to book there.
    """
    appointments.slots_of_day(tx, site_id, service_id, day)  # checks site and service
    sql.set_override(tx, site_id, service_id, day.isoformat(), capacity, open_, close, note, by, tx.now.timestamp())
    return [
        {"start": s.start.isoformat(), "end": s.end.isoformat(), "capacity": s.capacity, "remaining": left}
        for s, left in appointments.slots_of_day(tx, site_id, service_id, day)
    ]
