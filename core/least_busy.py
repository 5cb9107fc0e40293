"""The least busy center (SPEC 6b, docs/district.md): when another open center offering the same
service would be clearly faster, counting the trip there.

Pure: it reads the district as ``core.district.district(c, near=...)`` returns it (sites with
``distance_km``, ``open_now`` and their services' ``estimated_wait_minutes``). The rule, written
once for the kiosk of a busy center and the phone ticket page:

- the trip takes ``SET_OFF_MINUTES`` plus the straight-line distance at ``KM_PER_HOUR`` (a bus or a
  bicycle across the district; roads are longer than the straight line, buses stop);
- another center is worth the trip when it is open now, offers the service, has a counter open
  for it (an estimate), and its estimated wait plus the trip is at least ``MIN_SAVED_MINUTES``
  shorter than the wait here and at most ``MAX_SHARE`` of it: a few minutes saved on a long wait
  do not pay for giving up one's place;
- of those, the one with the shortest wait plus trip (then the nearest) is shown.
"""

from __future__ import annotations

import math
from typing import Any

SET_OFF_MINUTES = 10
KM_PER_HOUR = 15.0
MIN_SAVED_MINUTES = 15
MAX_SHARE = 2 / 3


def travel_minutes(km: float) -> int:
    """Roughly how long getting to a center ``km`` away in a straight line takes."""
    return SET_OFF_MINUTES + math.ceil(km / KM_PER_HOUR * 60)


def faster_elsewhere(sites: list[dict[str, Any]], here: str, service: str, wait: int | None) -> dict[str, Any] | None:
    """The center to suggest instead of waiting ``wait`` minutes for ``service`` at ``here``, or None.

    :param sites: the district's sites, each with ``distance_km`` from ``here``.
    :param wait: the estimated wait here (None: unknown, so nothing is suggested).
    """
    if wait is None:
        return None
    best: tuple[int, float, dict[str, Any], dict[str, Any]] | None = None
    for site in sites:
        km = site.get("distance_km")
        if site["id"] == here or not site.get("open_now") or km is None:
            continue
        offered = next((s for s in site["services"] if s["id"] == service), None)
        if offered is None or offered["estimated_wait_minutes"] is None:
            continue
        total = offered["estimated_wait_minutes"] + travel_minutes(km)
        if wait - total < MIN_SAVED_MINUTES or total > wait * MAX_SHARE:
            continue
        if best is None or (total, km) < (best[0], best[1]):
            best = (total, km, site, offered)
    if best is None:
        return None
    total, km, site, offered = best
    return {
        "site": site["id"],
        "name": site["name"],
        "name_en": site.get("name_en", ""),
        "distance_km": km,
        "waiting": offered["waiting"],
        "estimated_wait_minutes": offered["estimated_wait_minutes"],
        "travel_minutes": travel_minutes(km),
        "saved_minutes": wait - total,
    }


def hints(body: dict[str, Any], here: str, service: str | None = None, wait: int | None = None) -> dict[str, Any]:
    """``{service: suggestion}`` for the services of ``here`` (a site) where another center is faster.

    Each service is weighed against its own estimate here (a ticket taken now), or, for ``service``
    alone, against ``wait`` when given (a ticket already held, its remaining wait).
    """
    row = next((s for s in body["sites"] if s["id"] == here), None)
    if row is None:  # a place: nothing to wait for here
        return {}
    out = {}
    for s in row["services"]:
        if service is not None and s["id"] != service:
            continue
        mine = wait if service is not None and wait is not None else s["estimated_wait_minutes"]
        found = faster_elsewhere(body["sites"], here, s["id"], mine)
        if found is not None:
            out[s["id"]] = found
    return out
