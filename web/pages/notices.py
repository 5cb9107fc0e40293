"""``/admin/notices?site=``: the 温馨提示 line of a site's hall displays, set by its supervisor.

Guarded like the other supervisor pages (a supervisor or admin session, the site rule of
``staff_pages.may_see``); the form carries the session's CSRF token. Saving sends the lines
to the site's displays at once (core/supervision/notices.py); a refusal shows the form again with what
was typed and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.errors import HallError
from core.store.db import Reader
from core.supervision import notices
from web.deps import Staff, district_wide, hall_of
from web.pages.staff import checked_form, supervisor_site
from web.render import render


def _state(r: Reader, site_id: str) -> dict[str, Any]:
    meta = notices.last_set(r, site_id)
    at = None if meta is None else dt.datetime.fromtimestamp(meta["at_ts"], r.now.tzinfo)
    return {"lines": notices.current(r, site_id), "by": meta and meta["by"],
            "at": at and at.strftime("%Y-%m-%d %H:%M")}  # fmt: skip


async def _page(request: Request, who: Staff, site_id: str, *, text: str | None = None,
                error: str = "", status: int = 200) -> Response:  # fmt: skip
    hall = hall_of(request)
    state = await hall.store.read(_state, site_id)
    sites = list(hall.config.sites) if district_wide(who) else []
    ctx = {"staff": who, "site": hall.config.site(site_id), "sites": sites, "state": state,
           "text": "\n".join(state["lines"]) if text is None else text, "error": error,
           "saved": request.query_params.get("saved") == "1", "max_lines": notices.MAX_LINES,
           "max_chars": notices.MAX_LINE_CHARS, "max_form": notices.MAX_FORM_CHARS}  # fmt: skip
    return render(request, "notices.html", ctx, status_code=status)


async def notices_page(request: Request) -> Response:
    who, site_id = await supervisor_site(request)
    return await _page(request, who, site_id)


async def notices_post(request: Request) -> Response:
    who, site_id = await supervisor_site(request)
    form = await checked_form(request)
    text = str(form.get("notices") or "")
    try:
        lines = notices.parse(text)
        await hall_of(request).store.write(notices.save, site_id, lines, who.name)
    except HallError as e:
        return await _page(request, who, site_id, text=text[: notices.MAX_FORM_CHARS], error=e.message, status=422)
    return RedirectResponse(f"/admin/notices?site={site_id}&saved=1", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/notices", notices_page, name="admin_notices"),
    Route("/admin/notices", notices_post, methods=["POST"], name="admin_notices_post"),
]
