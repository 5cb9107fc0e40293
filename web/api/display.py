"""``POST /api/v1/sites/{site}/displays/heartbeat``: a hall display page says it is alive.

The display page holds its device token (from the ``#token=`` of its URL, then local
storage) and reports every ``EVERY_SECONDS``; ``/admin/devices`` shows the display online
for 30 s after each report (core/devices.py). Reports are limited per device like every
device call, written at most once per ``WRITE_SECONDS`` per display (a flood of valid
reports costs the writer nothing), and failed ones (no, unknown or revoked token) are
limited per address.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core import devices
from core.errors import Forbidden, Unauthenticated, UnknownSite
from web.deps import caller, can_see, hall_of
from web.guard.limits import RateLimited

EVERY_SECONDS = 10
WRITE_SECONDS = 5
FAILED_PER_MINUTE = 20


async def heartbeat(request: Request) -> Response:
    """
    summary: A hall display reports that it is alive (its display device token, its own site)
    responses:
      200: {description: "{display, site, every_seconds}"}
      401: {description: unauthenticated (no, unknown or revoked token)}
      403: {description: "forbidden (not a display token, or a display of another center)"}
      404: {description: unknown_site}
      429: {description: rate_limited}
    """
    hall = hall_of(request)
    site_id = request.path_params["site"]
    if hall.config.site(site_id) is None:
        raise UnknownSite.of(site_id)
    who = await caller(request)
    if who is None:
        hall.limits.address(request, "display_heartbeat_failed", FAILED_PER_MINUTE)
        raise Unauthenticated("需要大屏的设备令牌 / a display device token is required")
    if who.role != "display":
        raise Forbidden("这不是大屏的令牌 / this is not a display token")
    if not can_see(who, site_id):
        raise Forbidden("这块大屏属于其他中心 / this display belongs to another center")
    await hall.limits.device(who.name)
    try:
        hall.limits.take(f"display_seen:{who.name}", 1, WRITE_SECONDS)
    except RateLimited:
        pass  # seen moments ago: already recorded
    else:
        await hall.store.write(devices.record_seen, who.name)
    return JSONResponse({"display": who.name, "site": site_id, "every_seconds": EVERY_SECONDS})


routes: list[BaseRoute] = [
    Route("/sites/{site}/displays/heartbeat", heartbeat, methods=["POST"], name="display_heartbeat"),
]
