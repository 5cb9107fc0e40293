"""Public pages: landing, hall display, phone ticket page, and the QR endpoint; the
routes of every page folder are gathered in web/app.py."""

from __future__ import annotations

import io
from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.errors import NotFound
from core.matters import views as matter_views
from core.queue import views
from core.store.db import Reader
from web.deps import hall_of
from web.i18n import N_
from web.render import error_page, render

QR_MAX = 200


# -- public pages ----------------------------------------------------------------------
async def index(request: Request) -> Response:
    hall = hall_of(request)

    def read(r: Reader) -> list[dict[str, Any]]:
        return [views.site_summary(r, s) for s in r.config.sites]

    summaries = {s["id"]: s for s in await hall.store.read(read)}
    sites = [{"site": s, "summary": summaries[s.id]} for s in hall.config.sites]
    demo = getattr(request.app.state, "demo", None)
    links = demo.links if demo is not None else {}
    ctx = {"sites": sites, "places": hall.config.places, "district": hall.config.district, "links": links}
    return render(request, "index.html", ctx)


DISPLAY_JS = {
    "state_open": N_("Open"),
    "state_closed": N_("Closed"),
    "state_paused": N_("Paused"),
    "state_called": N_("Calling"),
    "state_serving": N_("Serving"),
    "state_idle": N_("Free"),
    "waiting_n": N_("%(n)s waiting"),
    "sound_blocked": N_("Click anywhere to turn on sound"),
    "offline": N_("Connection lost, reconnecting…"),
    "welcome": N_("Welcome. Please wait for your number to be called."),
    "calls_of": N_("Calling %(i)s of %(n)s"),
    "wait_about": N_("about %(n)s min"),
    "no_wait": N_("No wait"),
    "ceremony_left": N_("%(n)s places left"),  # ceremonies today (static/js/display/ceremonies.js)
    "ceremony_full_short": N_("Full"),
}


async def display(request: Request) -> Response:
    hall = hall_of(request)
    site_id = request.path_params["site_id"]
    if hall.config.site(site_id) is None:
        return error_page(request, 404, "没有这个服务中心 / unknown site")
    detail = await hall.store.read(views.site_detail, site_id)
    return render(request, "display.html", {"site": detail}, js=DISPLAY_JS)


TICKET_JS = {
    "status_now": N_("Your ticket: %(status)s"),
    "ahead_none": N_("Nobody: you are next"),
    "ahead_one": N_("%(n)s person"),
    "ahead_many": N_("%(n)s people"),
    "status_requeued": N_("Missed, put back in the queue"),
    "status_transferred": N_("Transferred, waiting"),
    "note_requeued": N_(
        "You were called but did not come. Your number has been put back in the queue once, behind a few people. "
        "Please stay in the hall and watch for your number: if you miss it again, it will be voided."
    ),
    "note_no_show": N_(
        "You were called but did not come, so your number was voided. If you are still here today, please go to "
        "counters %(list)s or the information desk: a member of staff can put it back in the queue today. "
        "You can also take a new number."
    ),
    "note_cancelled": N_("This number was cancelled. To be served, please take a new number."),
    "note_expired": N_(
        "This number has expired: the hall stopped serving for the day. Please take a new number or book "
        "an appointment when the hall is open."
    ),
    "note_transferred": N_(
        "Your number was passed on to %(service)s and keeps its place by arrival. Please keep watching for your number."
    ),
    "note_done": N_("Your visit is finished. Thank you!"),
    "status_remote": N_("Not checked in yet"),
    "note_remote": N_(
        "Your place in the queue is held from the time you took the number. Please come to %(address)s and check "
        "in at a kiosk by %(time)s (ID card, ID number, or the QR code on this page); you are called only after "
        "checking in. Not checked in by %(time)s, the number expires."
    ),
    "note_remote_expired": N_(
        "This remote number has expired: it was not checked in by %(time)s. Please take a new number at the center."
    ),
    "list_sep": N_(", "),
    "faster_elsewhere": N_(
        "Another center may be faster: %(site)s, %(km)s km away, %(n)s waiting, about %(wait)s min "
        "(the trip counted: about %(trip)s min). Your number here stays valid."
    ),
}


def _ticket(r: Reader, ticket_id: str, base: str) -> dict[str, Any] | None:
    view = views.holder_of(r, ticket_id, base)
    if view is not None and view["status"] in ("remote", "waiting", "called", "serving"):
        view["collect"] = matter_views.collecting(r, view["site"], ticket_id)  # a 出证领证 visit names its matter
    return view


async def ticket(request: Request) -> Response:
    hall = hall_of(request)
    base = str(hall.public_url)
    try:
        view = await hall.store.read(_ticket, request.path_params["ticket_id"], base)
    except NotFound:
        view = None
    if view is None:
        return error_page(request, 404, "没有这张号票 / no such ticket")
    view.pop("id_masked", None)  # the phone link may be shared: no identity on it
    near = hall.config.policy.turn_near_ahead  # "your turn is near" (docs/district.md)
    return render(request, "ticket.html", {"ticket": view, "turn_near_ahead": near}, js=TICKET_JS)


async def qr_svg(request: Request) -> Response:
    """``/qr.svg?data=<url>``: a QR code of one of our own ticket links, as SVG."""
    data = request.query_params.get("data", "")
    prefix = f"{hall_of(request).public_url}/t/"
    if len(data) > QR_MAX or not data.startswith(prefix) or len(data) == len(prefix):
        return Response("data must be a ticket link of this server", status_code=400, media_type="text/plain")
    buf = io.BytesIO()
    segno.make(data, error="m").save(buf, kind="svg", scale=8, border=2, xmldecl=False, svgns=True,
                                     title=None, dark="#111", light="#fff")  # fmt: skip
    return Response(buf.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip


routes: list[BaseRoute] = [
    Route("/", index, name="index"),
    Route("/display/{site_id}", display, name="display"),
    Route("/t/{ticket_id}", ticket, name="ticket"),
    Route("/qr.svg", qr_svg, name="qr"),
]
