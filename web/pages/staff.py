"""Staff pages: sign-in (session + CSRF), counter choice, the clerk's counter page, admin.

Signing in calls ``hall.login`` and keeps the API token in the signed session cookie; the
counter page hands it to its JavaScript in a ``<meta name="api-token">`` so the page
talks to the JSON API with a bearer token like any other client.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core import accounts
from core.config import Counter, Site
from core.days import holiday_schedule
from core.errors import HallError
from core.queue import views
from web import i18n
from web.api.help import HELP_JS
from web.deps import SESSION_KEY, SUPERVISORS, Staff, can_see, hall_of, session_token, staff
from web.errors import status_for
from web.guard import csrf
from web.guard.limits import client_address
from web.i18n import N_
from web.pages import matters as matters_pages
from web.pages.sites import page_site
from web.render import Refused, bilingual, error_page, render

FORM_EXPIRED = "表单已过期，请刷新页面后重试 / the form has expired: reload the page and try again"


async def checked_form(request: Request) -> FormData:
    """A posted form whose CSRF token matches the session's.

    :raises Refused: a 403 page saying the form expired (reload and try again).
    """
    try:
        return await csrf.checked_form(request)
    except csrf.CsrfFailed:
        raise Refused(error_page(request, 403, FORM_EXPIRED)) from None


def counter_of(request: Request) -> tuple[Site, Counter]:
    """The site and counter of ``{counter_id}`` in the path.

    :raises Refused: a 404 page for an unknown counter.
    """
    found = hall_of(request).config.counter(request.path_params["counter_id"])
    if found is None:
        raise Refused(error_page(request, 404, "没有这个窗口 / unknown counter"))
    return found


def safe_next(value: str | None, default: str = "/counter") -> str:
    """Only same-site paths: ``/admin`` yes, ``//evil.example`` or ``https://...`` no."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def _login_page(request: Request, next_url: str, error: str = "", status_code: int = 200) -> Response:
    return render(request, "login.html", {"next": next_url, "error": error}, status_code=status_code)


def _to_login(request: Request) -> Response:
    """To the sign-in form, coming back to this very page (query included) afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/counter?next={quote(here, safe='/')}", status_code=303)


async def supervisor_page(request: Request) -> Staff:
    """The signed-in supervisor or admin of a page.

    :raises Refused: the sign-in form (coming back here) or a 403 page.
    """
    who = await staff(request)
    if who is None:
        raise Refused(_to_login(request))
    if who.role not in SUPERVISORS:
        raise Refused(error_page(request, 403, "仅限主管和管理员 / supervisors and administrators only"))
    return who


async def supervisor_site(request: Request) -> tuple[Staff, str]:
    """The signed-in supervisor and the site a page is about (``?site=``, else their own).

    :raises Refused: sign-in, or a 403/404 page.
    """
    return page_site(request, await supervisor_page(request))


async def counter_home(request: Request) -> Response:
    """Sign-in form, or the list of counters to choose from."""
    who = await staff(request)
    if who is None:
        return _login_page(request, safe_next(request.query_params.get("next")))
    hall = hall_of(request)
    asked = request.query_params.get("site")  # "?site=" (empty) asks for the list of sites
    site_id = who.site if who.role == "clerk" or asked is None else asked
    if site_id is None or hall.config.site(site_id) is None:
        return render(request, "counter_choice.html", {"staff": who, "site": None, "sites": hall.config.sites})
    detail = await hall.store.read(views.site_detail, site_id)
    return render(request, "counter_choice.html", {"staff": who, "site": detail, "sites": hall.config.sites})


async def login(request: Request) -> Response:
    form = await checked_form(request)
    next_url = safe_next(str(form.get("next") or ""))
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    t = i18n.translations_for(request)
    if not username or not password:
        return _login_page(request, next_url, t.gettext("Please enter your username and password."), 401)
    try:
        token, who, expires = await hall_of(request).login(
            username, password, client_address(request, hall_of(request).config.limits)
        )
    except HallError as exc:
        return _login_page(request, next_url, bilingual(exc.message, i18n.lang_of(request)), status_for(exc))
    request.session.pop(csrf.SESSION_KEY, None)  # a fresh form token after signing in
    request.session[SESSION_KEY] = {"token": token, "expires": expires.isoformat()}
    if next_url == "/admin" and who.role not in SUPERVISORS:
        next_url = "/counter"
    return RedirectResponse(next_url, status_code=303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    token = session_token(request)
    request.session.clear()
    if token is not None:
        hall = hall_of(request)
        await hall.store.write(accounts.revoke_token, token)
        hall.tokens.forget(token)
    return RedirectResponse("/counter", status_code=303)


COUNTER_JS = {
    "no_ticket": N_("No ticket at this counter"),
    "nobody_waiting": N_("Nobody is waiting."),
    "waited_min": N_("%(n)s min"),
    **HELP_JS,
    "state_open": N_("Open"),
    "state_paused": N_("Paused"),
    "state_closed": N_("Closed"),
    "priority_normal": N_("Normal"),
    "priority_appointment": N_("Appointment"),
    "priority_elderly": N_("Senior (green channel)"),
    "priority_disabled": N_("Disability (green channel)"),
    "priority_pregnant": N_("Pregnancy (green channel)"),
    "priority_military": N_("Military (green channel)"),
    "front": N_("to the front"),
    "sign_in_again": N_("Your sign-in has expired. Please sign in again."),
    "last_ticket": N_("Last: %(number)s, %(status)s"),
    "more_waiting": N_("and %(n)s more waiting"),
    "last_requeued": N_("Last: %(number)s missed, put back in the queue once"),
    "last_voided": N_("Last: %(number)s missed and voided (can be reinstated today)"),
    "choose_target": N_("Choose a service or a counter."),
}


async def counter_page(request: Request) -> Response:
    who = await staff(request)
    if who is None:
        return _to_login(request)
    hall = hall_of(request)
    counter_id = request.path_params["counter_id"]
    site, counter = counter_of(request)
    if not can_see(who, site.id):
        return error_page(request, 403, "您不属于这个中心 / you do not work at this center")
    services = hall.config.services_of(site)
    data = {
        "counter": counter_id,
        "number": counter.number,
        "site": site.id,
        "services": [{"id": s.id, "name": s.name, "name_en": s.name_en} for s in services],
        "counters": [{"id": k.id, "number": k.number} for k in site.counters if k.id != counter_id],
    }
    ctx = {"staff": who, "site": site, "counter": counter, "data": data,
           "service_names": {s.id: s for s in services}}  # fmt: skip
    return render(request, "counter.html", ctx, js={**COUNTER_JS, **matters_pages.COUNTER_JS})


async def admin(request: Request) -> Response:
    who = await supervisor_page(request)
    hall = hall_of(request)
    ids = [s.id for s in hall.config.sites if can_see(who, s.id)]
    wanted = request.query_params.get("site")
    if wanted in ids:
        ids = [wanted]

    def read(r: Any) -> list[dict[str, Any]]:
        return [views.site_detail(r, i) for i in ids]

    sites = await hall.store.read(read)
    warning = await hall.store.read(holiday_schedule.warning)  # SPEC 5: a year without its schedule
    return render(request, "admin.html", {"staff": who, "sites": sites, "all_sites": hall.config.sites,
                                          "selected": wanted if wanted in ids else None,
                                          "holiday_warning": warning})  # fmt: skip


routes: list[BaseRoute] = [
    Route("/counter", counter_home, name="counter_home"),
    Route("/counter/login", login, methods=["POST"], name="counter_login"),
    Route("/counter/logout", logout, methods=["POST"], name="counter_logout"),
    Route("/counter/{counter_id}", counter_page, name="counter"),
    Route("/admin", admin, name="admin"),
]
