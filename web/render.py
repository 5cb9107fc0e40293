"""Templating for every page: Jinja2 with gettext per request (web/i18n.py), the strings a
page's JavaScript needs, and the readable error page. Pages load one ES module each from
/static/js; nothing runs inline (a strict CSP can be added).
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from web import i18n
from web.guard import csrf
from web.i18n import N_

ROOT = Path(__file__).resolve().parent.parent


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


class Refused(Exception):
    """Ends a page handler early with ``response`` (the sign-in redirect, a 403 or 404 page);
    web/app.py answers it as it is."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return exc.response


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
