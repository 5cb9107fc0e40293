"""The district now (SPEC 6b, 7): every site's queues and hours, for kiosks and phones choosing a center.

Public: waiting counts and estimates per service (the same ``views.services_view`` the site's own
screens use) and opening times, never a ticket or a person. With ``near``, each site also gets its
straight-line distance from that site's coordinates (no map service), nearest first.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from core import store
from core.config import Site
from core.days.clock import TZ
from core.days.hours import next_opening
from core.queue import views

EARTH_KM = 6371.0


def distance_km(a: Site, b: Site) -> float | None:
    """Great-circle distance between two sites (haversine), or None when one has no coordinates."""
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


def site_now(c: views.Ctx, site: Site) -> dict[str, Any]:
    """One site as the district sees it: open or when it opens, and each service's queue."""
    services = [
        {
            "id": s["id"],
            "name": s["name"],
            "name_en": s["name_en"],
            "waiting": s["waiting"],
            "estimated_wait_minutes": s["estimated_wait_minutes"],
            "remote": False,  # remote tickets come with a later issue
        }
        for s in views.services_view(c, site)
    ]
    return {
        **views.site_summary(c, site),
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
    moved = tuple(store.last_seq(c, s.id) for s in c.config.sites)
    key = ("district", near, int(c.now.timestamp()), moved)
    cached: dict[str, Any] | None = c.memo.get(key)
    if cached is None:
        if len(c.memo) > 1000:
            c.memo.clear()
        cached = c.memo[key] = _district(c, near)
    return dict(cached)


def _district(c: views.Ctx, near: str | None = None) -> dict[str, Any]:
    """``{at, sites}``; with ``near`` (a site id), sites carry ``distance_km`` and come nearest first.

    :raises UnknownSite: ``near`` is not a site.
    """
    sites = [site_now(c, s) for s in c.config.sites]
    if near is not None:
        here = views.site_or_raise(c, near)
        for row, site in zip(sites, c.config.sites, strict=True):
            km = distance_km(here, site)
            row["distance_km"] = None if km is None else round(km, 1)
        sites.sort(key=lambda r: (r["distance_km"] is None, r["distance_km"] or 0.0))
    return {"at": _stamp(c.now), "sites": sites}
