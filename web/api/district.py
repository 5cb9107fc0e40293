"""``GET /api/v1/district`` (public, SPEC 7): every center's queues and hours now, no personal data."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core import least_busy
from core.district import district
from core.errors import InvalidInput
from web.deps import hall_of


async def district_now(request: Request) -> Response:
    """
    summary: Every center now, with its opening and each service's waiting and estimated wait
    description: >
      ``{at, open_now, next_opening, sites: [{id, name, name_en, kind, open_now, opens_at, address,
      hours: {weekday, weekend}, lat, lon, services: [{id, name, name_en, waiting,
      estimated_wait_minutes, remote}]}]}``. ``opens_at`` is now when the site is open, else its
      next opening (null when it does not open in the next 60 days); ``remote``: the service takes
      remote tickets. ``open_now``: some center is open; ``next_opening``: while none is, when the
      first opens. With ``near=<site or place>``, each site has ``distance_km`` (straight line from
      that site's or place's coordinates, null without coordinates) and the nearest come first,
      and ``faster: {service: {site, name, name_en, distance_km, waiting,
      estimated_wait_minutes, travel_minutes, saved_minutes}}`` names, per service of that site,
      another open center that would be clearly faster counting the trip (docs/district.md, "The
      least busy center"); with ``service`` and ``wait`` (minutes: a held ticket's wait), for that
      service against that wait.
    parameters:
      - {name: near, in: query, required: false, schema: {type: string}}
      - {name: service, in: query, required: false, schema: {type: string}}
      - {name: wait, in: query, required: false, schema: {type: integer, minimum: 0}}
    responses:
      200: {description: the district}
      404: {description: unknown_site (near)}
      422: {description: "invalid_input (wait, or a service that does not exist)"}
    """
    q = request.query_params
    near = q.get("near") or None
    wait = q.get("wait") or None
    if wait is not None and not (wait.isascii() and wait.isdigit() and int(wait) <= 24 * 60):
        raise InvalidInput("wait 须为分钟数 / wait must be a number of minutes", field="wait")
    hall = hall_of(request)
    service = q.get("service") or None
    if service is not None and hall.config.service(service) is None:  # each made-up id would be an answer to keep
        raise InvalidInput("没有这项业务 / unknown service", field="service")
    key = (id(hall), near, service, wait)
    now = (int(hall.clock.now().timestamp()), hall.hub.published)  # a new second, or any event
    hit = _answers.get(key)
    if hit is None or hit[0] != now:
        body = await hall.store.read(district, near)
        if near is not None:
            body = {**body, "faster": least_busy.hints(body, near, key[2], int(wait) if wait else None)}
        if len(_answers) >= MAX_ANSWERS:
            _answers.clear()
        hit = _answers[key] = (now, msgspec.json.encode(body))
    return Response(hit[1], media_type="application/json")


# The answer is the same for everyone within a second while no event is published (core/district.py
# memoises the district so too): phones and place kiosks polling it get the encoded bytes without a
# read or an encode.
MAX_ANSWERS = 1000
_answers: dict[tuple[int, str | None, str | None, str | None], tuple[tuple[int, int], bytes]] = {}


routes = [Route("/district", district_now)]
