"""Help requests (帮办) under /api/v1: a kiosk asks, a clerk or supervisor of the site claims
and closes (core/queue/help_requests.py). Docstrings after ``---`` are the OpenAPI description."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.accounts import Principal
from core.errors import Forbidden, HelpNotFound
from core.queue import help_requests, views
from core.store.db import Reader, Tx
from web import body
from web.deps import STAFF, can_see, hall_of, require
from web.i18n import N_


# -- request bodies ----------------------------------------------------------------------
class Help(body.Body):
    kiosk: str | None = None


# The strings of static/js/help_desk.js, for every staff page that shows help requests.
HELP_JS = {
    "help_alert": N_("%(kiosk)s asks for staff help"),
    "kiosk": N_("A kiosk"),
    "help_open": N_("Nobody has taken it yet"),
    "help_claimed": N_("Taken"),
    "help_claimed_by": N_("%(name)s is on the way"),
    "help_claim": N_("I'll go"),
    "help_close": N_("Helped: close"),
    "help_taken": N_("%(name)s has already taken this request."),
    "help_already_closed": N_("This request is already closed."),
    "help_closed_note": N_("Closed: %(kiosk)s"),
}


async def _staff(request: Request, site_id: str) -> Principal:
    """A site's clerks, its or the district's supervisors, admins (the hall page's and the
    counter page's people)."""
    who = await require(request, *STAFF)
    if not can_see(who, site_id):
        raise Forbidden("无权处理其他中心的求助 / you may not handle another center's help requests")
    return who


def _help_id(request: Request) -> int:
    raw = request.path_params["help"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise HelpNotFound(f"没有这个求助 / no help request {raw[:20]!r}")
    return int(raw)


async def request_help(request: Request) -> Response:
    """
    summary: A kiosk asks for a member of staff (帮办); pressing again while it is live returns the same request
    responses:
      202: {description: "{status: staff_alerted, help: {id, state}}"}
      409: {description: too_many_help_requests}
    """
    site_id = request.path_params["site"]
    who = await require(request, "kiosk", *STAFF)
    if not can_see(who, site_id):
        raise Forbidden("无权为其他中心求助 / you may not ask for another center")
    await body.decode(request, Help)
    hall = hall_of(request)
    kiosk = who.name if who.is_device else None
    found = hall.config.device(kiosk) if kiosk else None
    name = found[2].name if found else ""

    def write(tx: Tx) -> dict[str, Any]:
        views.site_or_raise(tx, site_id)
        h, _ = help_requests.request(tx, site_id, kiosk, name, who.name)
        return {"id": h.id, "state": h.status}  # the kiosk is told no staff name

    return JSONResponse({"status": "staff_alerted", "help": await hall.store.write(write)}, status_code=202)


async def list_help(request: Request) -> Response:
    """
    summary: Today's help requests of a site, live ones included (clerk or supervisor of the site)
    responses:
      200: {description: "[{id, kiosk, kiosk_name, status, opened_at, claimed_by, claimed_at, closed_by, closed_at}]"}
    """
    site_id = request.path_params["site"]
    await _staff(request, site_id)

    def read(r: Reader) -> list[dict[str, Any]]:
        views.site_or_raise(r, site_id)
        return help_requests.of_today(r, site_id)

    return JSONResponse(await hall_of(request).store.read(read))


def _step(fn: Any, doc: str) -> Any:
    async def endpoint(request: Request) -> Response:
        site_id = request.path_params["site"]
        who = await _staff(request, site_id)
        await body.decode(request, body.Empty)
        help_id = _help_id(request)

        def write(tx: Tx) -> dict[str, Any]:
            views.site_or_raise(tx, site_id)
            return help_requests.view(fn(tx, site_id, help_id, who.name))

        return JSONResponse(await hall_of(request).store.write(write))

    endpoint.__doc__ = doc
    return endpoint


claim = _step(
    help_requests.claim,
    """
    summary: Claim a help request (clerk or supervisor of the site); the first claim wins
    responses:
      200: {description: the request, claimed by the caller}
      404: {description: help_not_found}
      409: {description: "help_taken (claimed_by names who has it) or help_closed"}
    """,
)
close = _step(
    help_requests.close,
    """
    summary: Close a help request, claimed or not (clerk or supervisor of the site)
    responses:
      200: {description: the request, closed}
      404: {description: help_not_found}
      409: {description: help_closed}
    """,
)

routes = [
    Route("/sites/{site}/help", request_help, methods=["POST"]),
    Route("/sites/{site}/help", list_help, methods=["GET"]),
    Route("/sites/{site}/help/{help}/claim", claim, methods=["POST"]),
    Route("/sites/{site}/help/{help}/close", close, methods=["POST"]),
]
