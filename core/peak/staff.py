"""The registry's day view of a peak day (web/pages/booking.py ``admin_appointments``): every
ceremony session with its couples' booking codes, and the day's ballot as its staff follow it.

The ballot part is the public view (window, places, entries, the seed's hash; after the draw the
seed and the order) with, for the staff, each entry's masked ID numbers, its booking once offered
and the confirmation deadline, the count per status, and whether the draw is due (a supervisor can
run it then; the housekeeping sweep does it by itself). Names stay masked here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.model import iso
from core.peak import ballot, ceremonies
from core.peak.settings import instant
from core.store.db import Reader
from core.store.peak import ballot as sql
from core.store.peak import ceremonies as ceremony_sql


def day(r: Reader, site: str, on: dt.date) -> dict[str, Any]:
    """The sessions of the day (cancelled ones too) with their couples, and the day's ballot."""
    codes: dict[str, list[dict[str, str]]] = {}
    for row in ceremony_sql.members(r, site, on.isoformat()):
        codes.setdefault(row["session"], []).append({"code": row["code"], "status": row["status"]})
    peak_day = r.config.peak.day(site, on.isoformat())
    b = peak_day.ballot if peak_day else None
    return {
        "sessions": [{**s, "members": codes.get(s["id"], [])} for s in ceremonies.sessions(r, site, on)],
        "peak": peak_day is not None,
        "ballot": None if b is None else desk(r, b.id),
    }


def desk(r: Reader, ballot_id: str) -> dict[str, Any]:
    """A ballot as the registry's staff see it: the public view, counts per status, the draw's due
    state, and every entry (drawn order once drawn) with masked names and ID numbers, its status,
    the booking it was offered and by when to confirm."""
    out = ballot.view(r, ballot_id)
    _, b, _ = ballot.configured(r, ballot_id)
    out["statuses"] = sql.status_counts(r, ballot_id)
    out["draw_due"] = out["phase"] == "closed" and r.now >= instant(b.draw_at, "draw_at")
    people = sql.first_names(r, ballot_id)
    bookings = sql.booking_codes(r, ballot_id)
    out["desk"] = [
        {
            "position": row["position"],
            "code": row["code"],
            "status": row["status"],
            "people": [{"name": ballot.masked_name(r, p["name"]), "id_masked": p["id_masked"]} for p in mine],
            "booking": bookings.get(row["code"]),
            "confirm_by": iso(row["confirm_by_ts"]) if row["confirm_by_ts"] else None,
        }
        for row in sql.entries(r, ballot_id)
        for mine in [people.get(row["code"], [])]
    ]
    return out
