"""HTML pages: landing, kiosk, hall display, phone ticket page, and the QR endpoint.

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
from core.appointments import CODE_ALPHABET
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


KIOSK_JS = {
    "waiting_n": N_("%(n)s waiting"),
    "wait_about": N_("about %(n)s min"),
    "appointment_only": N_("Appointment only"),
    "page_of": N_("Page %(page)s of %(pages)s"),
    "more_services": N_("More services"),
    "id_optional": N_("ID number (optional)"),
    "id_required": N_("ID number (required for this service)"),
    "id_invalid": N_("This ID number is not valid. Please check it."),
    "id_needed": N_("Please enter your ID number for this service."),
    "no_token": N_("This kiosk is not set up yet (no device token). Please ask the staff."),
    "help_sent": N_("A member of staff is on the way."),
    "existing": N_("You already hold a ticket for this service: here it is again."),
    "people_ahead": N_("%(n)s ahead"),
    "priority_elderly": N_("Green channel: senior"),
    "priority_disabled": N_("Green channel: disability"),
    "priority_pregnant": N_("Green channel: pregnancy"),
    "priority_military": N_("Green channel: military"),
    "qr_alt": N_("QR code to follow this ticket on a phone"),
    "list_sep": N_(", "),
    "counters_list": N_("Counters %(list)s"),
    # appointment check-in
    "priority_appointment": N_("Appointment: checked in"),
    "ci_code_shape": N_("A booking code has 8 letters and digits."),
    "ci_need_id": N_("Please enter your ID number."),
    "ci_each_person": N_("Each applicant, please enter your own ID number: %(list)s"),
    "ci_next_person": N_("The other party, please swipe your ID card or enter your ID number: %(id)s"),
    "ci_checked": N_("Checked in: %(list)s"),
    "ci_booking": N_("%(service)s, %(time)s"),
    "ci_too_early": N_("It is too early to check in. Please come back from %(time)s."),
    "ci_too_late_walk_in": N_("The check-in time for this booking has passed. You can take a normal number instead."),
    "ci_too_late": N_("The check-in time for this booking has passed. Please call a member of staff."),
    "ci_closed": N_("This booking is cancelled or already used. Please call a member of staff if this is wrong."),
    "ci_choose_service": N_("Please choose the service to take a normal number."),
}


async def kiosk(request: Request) -> Response:
    hall = hall_of(request)
    kiosk_id = request.path_params["kiosk_id"]
    found = hall.config.device(kiosk_id)
    if found is None or found[1] != "kiosk":
        return error_page(request, 404, "没有这台自助机 / unknown kiosk")
    site, _, device = found
    detail = await hall.store.read(views.site_detail, site.id)
    services = (hall.config.service(s) for s in site.services)
    rules = [s.booking for s in services if s is not None and s.booking is not None]
    checkin = bool(rules)  # the site takes bookings
    early = max((b.checkin_early_minutes for b in rules), default=0)
    ctx = {"site": detail, "kiosk": device, "checkin": checkin, "checkin_early": early, "code_keys": CODE_ALPHABET}
    return render(request, "kiosk.html", ctx, js=KIOSK_JS)


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


TICKET_JS = {"status_now": N_("Your ticket: %(status)s")}


def _ticket(r: Reader, ticket_id: str, base: str) -> dict[str, Any] | None:
    t = queries.ticket(r, ticket_id)
    return None if t is None else views.ticket_view(r, t, base)


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
        Route("/kiosk/{kiosk_id}", kiosk, name="kiosk"),
        Route("/display/{site_id}", display, name="display"),
        Route("/t/{ticket_id}", ticket, name="ticket"),
        Route("/qr.svg", qr_svg, name="qr"),
        *staff_pages.routes,
        *booking_pages.routes,
        *supervision_pages.routes,
    ]


routes: list[BaseRoute] = _routes()
