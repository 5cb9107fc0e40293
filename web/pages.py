"""HTML pages: landing, hall display, phone ticket page, and the QR endpoint.

Pages render server-side with Jinja2 (gettext per request, see web/i18n.py) and load one
ES module each from /static/js; nothing runs inline (a strict CSP can be added). The
staff pages (sign-in, counter, admin) live in web/staff_pages.py.
"""

from __future__ import annotations

import io
from http import HTTPStatus
from pathlib import Path
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from core import views
from core.errors import NotFound
from core.store import queries
from core.store.db import Reader
from web import i18n
from web.i18n import N_

ROOT = Path(__file__).resolve().parent.parent
QR_MAX = 200


def _asset(path: str) -> str:
    """``/static/<path>?v=<mtime>``: browsers keep assets until they change."""
    try:
        version = int((ROOT / "static" / path).stat().st_mtime)
    except OSError:
        version = 0
    return f"/static/{path}?v={version}"


def bilingual(message: str, lang: str) -> str:
    """Pick one side of a core message written ``"中文 / English"``."""
    zh, sep, en = message.partition(" / ")
    if not sep:
        return message
    return en if lang == "en" else zh


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # gettext/ngettext come from each request's context (i18n.context); new style means
    # they escape and format ``%(name)s`` themselves.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals["asset"] = _asset
    env.filters["bilingual"] = bilingual
    return env


def _page_context(request: Request) -> dict[str, Any]:
    def lang_url(lang: str) -> str:
        url = request.url.include_query_params(lang=lang)
        return f"{url.path}?{url.query}"

    def csrf_token() -> str:
        from web import csrf

        return csrf.token(request)

    hall = getattr(request.app.state, "hall", None)
    now = hall.clock.now().isoformat(timespec="seconds") if hall is not None else ""
    return {"lang_url": lang_url, "csrf_token": csrf_token, "server_now": now}


templates = Jinja2Templates(env=_env(), context_processors=[i18n.context, _page_context])

# Strings every page's JavaScript may need.
COMMON_JS = {
    "network_error": N_("Cannot reach the server. Please try again."),
    "server_error": N_("Something went wrong. Please try again."),
    "connecting": N_("Reconnecting…"),
    "minutes": N_("%(n)s min"),
    "no_estimate": N_("No counter open"),
    "status_waiting": N_("Waiting"),
    "status_called": N_("Please go to the counter"),
    "status_serving": N_("Being served"),
    "status_done": N_("Finished"),
    "status_no_show": N_("Missed (no-show)"),
    "status_cancelled": N_("Cancelled"),
    "status_expired": N_("Expired"),
    "counter_n": N_("Counter %(n)s"),
    "call_sentence": N_("Number %(number)s, please go to counter %(counter)s"),
}


def render(request: Request, name: str, ctx: dict[str, Any] | None = None, status_code: int = 200,
           js: dict[str, str] | None = None) -> Response:  # fmt: skip
    """A page in the request's language, with the JS strings it needs as JSON."""
    ctx = dict(ctx or {})
    ctx["js_strings"] = i18n.strings(request, {**COMMON_JS, **(js or {})})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return i18n.remember(request, response)


GENERIC_ERROR = N_("Something went wrong")


def error_page(request: Request, status_code: int, detail: str = "") -> Response:
    """A readable error page (used for HTTP errors on pages too, see web/errors.py)."""
    titles = {
        400: N_("Bad request"),
        401: N_("Please sign in"),
        403: N_("Not allowed"),
        404: N_("Not found"),
        405: N_("Not allowed"),
    }
    t = i18n.translations_for(request)
    title = t.gettext(titles.get(status_code, GENERIC_ERROR))
    try:
        phrase = HTTPStatus(status_code).phrase  # Starlette's default detail says nothing new
    except ValueError:
        phrase = ""
    message = "" if detail in ("", phrase) else bilingual(detail, i18n.lang_of(request))
    return render(request, "error.html", {"status": status_code, "title": title, "message": message},
                  status_code=status_code)  # fmt: skip


def hall_of(request: Request) -> Any:
    return request.app.state.hall


# -- public pages ----------------------------------------------------------------------
async def index(request: Request) -> Response:
    hall = hall_of(request)

    def read(r: Reader) -> list[dict[str, Any]]:
        return [views.site_summary(r, s) for s in r.config.sites]

    summaries = {s["id"]: s for s in await hall.store.read(read)}
    sites = [{"site": s, "summary": summaries[s.id]} for s in hall.config.sites]
    demo = getattr(request.app.state, "demo", None)
    links = demo.links if demo is not None else {}
    return render(request, "index.html", {"sites": sites, "district": hall.config.district, "links": links})


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
    "list_sep": N_(", "),
}


def _ticket(r: Reader, ticket_id: str, base: str) -> dict[str, Any] | None:
    t = queries.ticket(r, ticket_id)
    return None if t is None else views.holder_view(r, t, base)


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
    return render(request, "ticket.html", {"ticket": view}, js=TICKET_JS)


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


def _routes() -> list[BaseRoute]:
    from web import booking_pages, staff_pages, supervision_pages

    return [
        Route("/", index, name="index"),
        Route("/display/{site_id}", display, name="display"),
        Route("/t/{ticket_id}", ticket, name="ticket"),
        Route("/qr.svg", qr_svg, name="qr"),
        *staff_pages.routes,
        *booking_pages.routes,
        *supervision_pages.routes,
    ]


routes: list[BaseRoute] = _routes()
