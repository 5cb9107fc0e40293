"""Statistics of peak days at the registry (SPEC 5b, Deliver 4): per special date with a
``[peak]`` entry, the demand (ballot entries, booking attempts) against the places, what became of
the bookings (no-shows), and the ceremonies held. Counts only: no person is named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.peak import ceremonies
from core.registry import appointments as ap
from core.store.db import Reader
from core.store.peak import ballot as ballot_sql
from core.store.peak import ceremonies as ceremony_sql


def peak_days(r: Reader, site: str, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Each peak day of ``site`` from ``start`` to ``end`` (inclusive), in date order."""
    out = []
    for day in sorted(r.config.peak.days, key=lambda d: d.date):
        date = dt.date.fromisoformat(day.date)
        if day.site != site or not start <= date <= end:
            continue
        places = sum(slot.capacity for slot, _ in ap.slots_of_day(r, site, day.service, date))
        statuses = ballot_sql.day_statuses(r, site, day.service, day.date)
        ballot = day.ballot
        drawn = ballot_sql.draw(r, ballot.id) if ballot else None
        sessions = ceremonies.sessions(r, site, date)
        came = ceremony_sql.held(r, site, day.date)
        held = {row["session"] for row in ceremony_sql.members(r, site, day.date) if row["status"] != "booked"}
        entries = ballot_sql.count_entries(r, ballot.id) if ballot else 0
        attempts = ballot_sql.attempts(r, site, day.date, day.service)
        out.append(
            {
                "date": day.date,
                "service": day.service,
                "places": places,
                "ballot": ballot.id if ballot else None,
                "ballot_places": drawn["places"] if drawn else None,
                "entries": entries,
                "attempts": attempts,
                "demand_per_place": round((entries + attempts) / places, 2) if places else None,
                "booked": sum(statuses.get(s, 0) for s in ("booked", "checked_in", "completed", "no_show")),
                "completed": statuses.get("completed", 0),
                "no_show": statuses.get("no_show", 0),
                "cancelled": statuses.get("cancelled", 0),
                "ballot_statuses": ballot_sql.status_counts(r, ballot.id) if ballot else {},
                "ceremony_sessions": len([s for s in sessions if not s["cancelled"]]),
                "ceremonies_held": len(held),
                "ceremony_couples": came,
            }
        )
    return out
