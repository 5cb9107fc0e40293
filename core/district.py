"""The district now (SPEC 6b, 7): every site's queues and hours, for kiosks and phones choosing a center.

Public: waiting counts and estimates per service (the same ``views.services_view`` the site's own
screens use) and opening times, never a ticket or a person. With ``near``, each site also gets its
straight-line distance from that site's (or place kiosk's place's) coordinates (no map service),
nearest first. ``next_opening`` says when the first center opens while none is open (a place kiosk at
23:00: no number can be taken now).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from core import store
from core.config import Place, Site
from core.days.clock import TZ
from core.days.hours import next_opening
from core.queue import views

EARTH_KM = 6371.0


def distance_km(a: Site | Place, b: Site | Place) -> float | None:
    """Great-circle distance between two sites or places (haversine), or None when one has no coordinates."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(TZ).isoformat(timespec="seconds")


def _opens_at(site: Site, c: views.Ctx) -> str | None:
    try:
        return _stamp(next_opening(site, c.now, c.schedule))
    except ValueError:  # closed for the next 60 days
        return None


def _remote(c: views.Ctx, service_id: str) -> bool:
    """Whether the service takes remote tickets (SPEC 6b; ``remote`` in its config, default no)."""
    service = c.config.service(service_id)
    return service is not None and service.remote


def site_now(c: views.Ctx, site: Site) -> dict[str, Any]:
    """One site as the district sees it: open or when it opens, and each service's queue."""
    services = [
        {
            "id": s["id"],
            "name": s["name"],
            "name_en": s["name_en"],
            "waiting": s["waiting"],
            "estimated_wait_minutes": s["estimated_wait_minutes"],
            "remote": _remote(c, s["id"]),
        }
        for s in views.services_view(c, site)
    ]
    h = site.hours
    weekend = None if h.weekend_closed else f"{h.weekend.open}-{h.weekend.close}"
    return {
        **views.site_summary(c, site),
        "address": site.address,
        "hours": {"weekday": f"{h.weekday.open}-{h.weekday.close}", "weekend": weekend},
        "opens_at": _opens_at(site, c),
        "lat": site.lat,
        "lon": site.lon,
        "services": services,
    }


def district(c: views.Ctx, near: str | None = None) -> dict[str, Any]:
    """The district now, as ``_district`` computes it, kept for the rest of the hall-clock second
    while no site's event log moves: kiosks, phones and the public page poll it, and it reads every
    site's queues (bench/district.py). The memo is shared: a caller adds keys to a copy, never
    changes its rows."""
    second = int(c.now.timestamp())
    moved = tuple(store.last_seq(c, s.id) for s in c.config.sites)
    key = ("district", near, second, moved)
    cached: dict[str, Any] | None = c.memo.get(key)
    if cached is None:
        if len(c.memo) > 1000:
            c.memo.clear()
        cached = c.memo[key] = _district(
            c, [_site_now(c, s, second, seq) for s, seq in zip(c.config.sites, moved, strict=True)], near
        )
    return dict(cached)


def _site_now(c: views.Ctx, site: Site, second: int, seq: int) -> dict[str, Any]:
    """``site_now``, kept like the district but per site: a number taken at one center recomputes that
    center's row, not the district's 17 (ticket issue moves the log hundreds of times a second while
    the district is polled beside it)."""
    key = ("district-site", site.id, second, seq)
    row: dict[str, Any] | None = c.memo.get(key)
    if row is None:
        row = c.memo[key] = site_now(c, site)
    return row


def _district(c: views.Ctx, rows: list[dict[str, Any]], near: str | None = None) -> dict[str, Any]:
    """``{at, open_now, next_opening, sites}`` from each site's row (``site_now``, not changed); with
    ``near`` (a site or a place id), sites carry ``distance_km`` and come nearest first. ``open_now``:
    some center is open; ``next_opening``: when the first one opens, while none is.

    :raises UnknownSite: ``near`` is neither a site nor a place.
    """
    sites = [dict(row) for row in rows]
    if near is not None:
        here = c.config.place(near) or views.site_or_raise(c, near)
        for row, site in zip(sites, c.config.sites, strict=True):
            km = distance_km(here, site)
            row["distance_km"] = None if km is None else round(km, 1)
        sites.sort(key=lambda r: (r["distance_km"] is None, r["distance_km"] or 0.0))
    open_now = any(r["open_now"] for r in sites)
    opening = min((r["opens_at"] for r in sites if r["opens_at"] and not r["open_now"]), default=None)
    return {"at": _stamp(c.now), "open_now": open_now, "next_opening": None if open_now else opening, "sites": sites}
