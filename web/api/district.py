"""``GET /api/v1/district`` (public, SPEC 7): every center's queues and hours now, no personal data."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.district import district
from web.deps import hall_of


async def district_now(request: Request) -> Response:
    """
    summary: Every center now, with its opening and each service's waiting and estimated wait
    description: >
      ``{at, sites: [{id, name, name_en, kind, open_now, opens_at, lat, lon, services: [{id, name,
      name_en, waiting, estimated_wait_minutes, remote}]}]}``. ``opens_at`` is now when the site is
      open, else its next opening (null when it does not open in the next 60 days); ``remote`` is
      false until remote tickets exist. With ``near=<site>``, each site has ``distance_km``
      (straight line from that site's coordinates, null without coordinates) and the nearest
      come first.
    parameters:
      - {name: near, in: query, required: false, schema: {type: string}}
    responses:
      200: {description: the district}
      404: {description: unknown_site (near)}
    """
    near = request.query_params.get("near") or None
    return JSONResponse(await hall_of(request).store.read(district, near))


routes = [Route("/district", district_now)]
