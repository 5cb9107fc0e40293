"""``/district``: every center's queues and hours now, for anyone on a phone (SPEC 6b). Public: the
same data as ``GET /api/v1/district`` (no ticket, no person), rendered once and then refreshed by
polling that endpoint every few seconds. ``?near=<site or place>`` orders the centers by
straight-line distance from there (configured coordinates, no map service)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.district import district
from web.deps import hall_of
from web.i18n import N_
from web.render import render

REFRESH_SECONDS = 5
DISTRICT_JS = {
    "waiting_n": N_("%(n)s waiting"),
    "wait_about": N_("about %(n)s min"),
    "km": N_("%(km)s km"),
    "opens_at": N_("Opens %(time)s"),
    "opens_at_day": N_("Opens %(day)s %(time)s"),
    "tomorrow": N_("tomorrow"),
    "open_now": N_("Open"),
    "closed_now": N_("Closed"),
    "total_waiting": N_("%(n)s waiting in all"),
    "updated_at": N_("Updated %(time)s"),
    "stale": N_("Not updated: cannot reach the server. Retrying…"),
    "no_remote_now": N_("All centers are closed now: they open at %(time)s. No number can be taken now."),
}


async def district_page(request: Request) -> Response:
    hall = hall_of(request)
    cfg = hall.config
    wanted = request.query_params.get("near") or None
    near = wanted if wanted and (cfg.site(wanted) is not None or cfg.place(wanted) is not None) else None
    now = await hall.store.read(district, near)
    places = [{"id": s.id, "name": s.name, "name_en": s.name_en} for s in cfg.sites if s.lat is not None]
    places += [{"id": p.id, "name": p.name, "name_en": p.name_en} for p in cfg.places if p.lat is not None]
    ctx = {"district": now, "near": near, "places": places, "refresh": REFRESH_SECONDS}
    return render(request, "district.html", ctx, js=DISTRICT_JS)


routes: list[BaseRoute] = [Route("/district", district_page, name="district")]
