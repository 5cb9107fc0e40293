"""The yearly holiday schedule page (``/admin/holidays``): supervisors see each year's
statutory holidays and entered schedule; admins and district supervisors (no site) enter
bridged days and 调休 working days for a year the calendar package does not know, and
confirm it. Decisions: docs/holidays.md."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.days import holiday_schedule
from core.days.hours import local_day
from core.errors import HallError, InvalidInput
from web.deps import SUPERVISORS, Staff, district_wide, hall_of
from web.pages.staff import checked_form, supervisor_page
from web.render import error_page, render

ACTIONS = ("add", "remove", "confirm", "unconfirm")
FLASH = "holidays_flash"  # the outcome of the last change, shown once (never a message from the URL)


def may_edit(who: Staff) -> bool:
    """The schedule is the district's: admins and supervisors of the whole district."""
    return who.role in SUPERVISORS and district_wide(who)


def _year(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) != 4:
        raise InvalidInput("年份应为四位数字 / the year must have four digits", field="year")
    return int(raw)


def _day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"日期无效：{raw[:20]} / not a date: {raw[:20]}", field="day") from None


async def holidays_page(request: Request) -> Response:
    who = await supervisor_page(request)
    hall = hall_of(request)
    today = local_day(hall.clock.now())
    try:
        warned = await hall.store.read(holiday_schedule.warning)
        year = _year(request.query_params.get("year"), warned[0] if warned else today.year + 1)
        await hall.store.read(holiday_schedule.check_year, year)
    except HallError as e:
        return error_page(request, 422, e.message)
    view = await hall.store.read(holiday_schedule.year_view, year)
    flash = request.session.pop(FLASH, None) or {}
    ctx = {"staff": who, "view": view, "may_edit": may_edit(who), "years": holiday_schedule.editable_years(today),
           "error": flash.get("error", ""), "saved": flash.get("saved", "")}  # fmt: skip
    return render(request, "admin_holidays.html", ctx)


def _change(action: str, form: Any, by: str) -> Any:
    """The write job for one posted action (validated inside, in the transaction)."""
    year = _year(str(form.get("year") or ""), 0)
    if action == "confirm" or action == "unconfirm":
        return lambda tx: holiday_schedule.confirm(tx, year, by, action == "confirm")
    day = _day(str(form.get("day") or ""))
    if day.year != year:
        raise InvalidInput(f"{day} 不在 {year} 年 / {day} is not in {year}", field="day")
    if action == "remove":
        return lambda tx: holiday_schedule.clear_day(tx, day)
    kind, note = str(form.get("kind") or ""), str(form.get("note") or "")
    return lambda tx: holiday_schedule.set_day(tx, day, kind, note)


async def holidays_post(request: Request) -> Response:
    who = await supervisor_page(request)
    if not may_edit(who):
        return error_page(request, 403, "仅限管理员和区级主管 / administrators and district supervisors only")
    form = await checked_form(request)
    action = str(form.get("action") or "")
    raw_year = str(form.get("year") or "")
    editable = {str(y) for y in holiday_schedule.editable_years(local_day(hall_of(request).clock.now()))}
    back = f"/admin/holidays?year={quote(raw_year)}" if raw_year in editable else "/admin/holidays"
    outcome: dict[str, str]
    hall = hall_of(request)
    try:
        if action not in ACTIONS:
            raise InvalidInput("未知操作 / unknown action", field="action")
        replaced = await hall.store.write(_change(action, form, who.name))
        outcome = {"saved": "replaced" if replaced is True else action}
    except HallError as e:
        outcome = {"error": e.message}
    request.session[FLASH] = outcome
    return RedirectResponse(back, status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/holidays", holidays_page, name="admin_holidays"),
    Route("/admin/holidays", holidays_post, methods=["POST"], name="admin_holidays_post"),
]
