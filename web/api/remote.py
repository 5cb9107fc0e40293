"""Remote tickets over HTTP (SPEC 6b and 7): taken from a phone (public) or a place kiosk.

Check-in at the site is the check-in endpoint of web/api/booking.py (``{ticket | id_number | card}``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.errors import Forbidden
from core.queue import remote, views
from web import body
from web.api.tickets import Identified, base_url
from web.deps import caller, hall_of
from web.errors import ApiError
from web.live import kiosk_link


class RemoteTicketRequest(Identified, kw_only=True):  # a card only from a place kiosk
    service: str
    phone: str | None = None  # told when the turn is near (core/notify.py)


async def take_remote(request: Request) -> Response:
    """
    summary: Take a remote ticket for today (public, or a place kiosk's device token)
    requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/RemoteTicketRequest"}}}}
    responses:
      201: {description: "the ticket with status remote and arrive_by"}
      403: {description: "a token that is not a place kiosk's (staff, displays, a center's kiosks)"}
      404: {description: unknown_site or unknown_service}
      409: {description: "remote_closed, site_closed, remote_held (one a day per identity), daily_cap_reached"}
      410: {description: card_expired}
      422: {description: invalid_input, invalid_id_number, invalid_phone}
      429: {description: rate_limited}
    """
    site_id = request.path_params["site"]
    h = hall_of(request)
    who = await caller(request)
    if who is not None and not (who.role == "kiosk" and who.site is None):
        raise Forbidden("远程取号仅限手机或便民自助机 / remote tickets come from a phone or a place kiosk")
    req = await body.decode(request, RemoteTicketRequest)
    if who is not None:
        await h.limits.device(who.name)
    else:
        h.limits.address(request, "remote", h.config.limits.bookings_per_address_per_minute)
    id_number = req.id_number
    if req.card is not None:
        if who is None:
            raise Forbidden("card tokens come from a kiosk's reader")
        id_number = kiosk_link.card_identity(request, who, req.card, req.id_number).id_number
    if not id_number:
        raise ApiError(422, "invalid_input", "远程取号需要身份证号 / a remote ticket needs an ID number")
    await h.limits.identity("remote", id_number, h.config.limits.tickets_per_identity_per_hour)
    issued = await h.store.write(
        remote.issue,
        site_id,
        req.service,
        id_number,
        actor=who.name if who is not None else "resident",
        device=who.name if who is not None else None,
        phone=req.phone or None,
    )
    if req.card is not None:
        h.kiosks.consume(req.card)
    view = await h.store.read(views.ticket_view, issued.ticket, base_url(request))
    if who is not None:
        view["print"] = await kiosk_link.print_ticket(request, who, view, False)
    return JSONResponse(view, status_code=201)


routes = [Route("/sites/{site}/remote-tickets", take_remote, methods=["POST"])]
