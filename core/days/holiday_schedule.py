"""The yearly holiday schedule page's rules (SPEC 5): what an admin may enter for a year the
calendar package does not know, confirming it, and the warning while the booking horizon
holds a year without a confirmed schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.days import calendar, holidays
from core.days.hours import local_day
from core.errors import Conflict, InvalidInput
from core.store import holidays as holiday_sql
from core.store.db import Reader, Tx

YEARS_AHEAD = 2  # a schedule can be entered for this year and the next two, no further


def horizon_days(c: Reader) -> int:
    """How far ahead any service can be booked (its ``opens_days``)."""
    return max((s.booking.opens_days for s in c.config.services if s.booking is not None), default=0)


def warning(c: Reader) -> list[int]:
    """Years inside the booking horizon (from today) whose schedule is not known yet."""
    today = local_day(c.now)
    last = today + dt.timedelta(days=horizon_days(c))
    return calendar.unconfirmed_years(today, last, c.schedule)


def editable_years(today: dt.date) -> range:
    return range(today.year, today.year + YEARS_AHEAD + 1)


def check_year(c: Reader, year: int) -> None:
    years = editable_years(local_day(c.now))
    if year not in years:
        raise InvalidInput(
            f"只能编辑 {years[0]}–{years[-1]} 年的安排 / only the years {years[0]}-{years[-1]} can be edited",
            field="year",
        )


def year_view(c: Reader, year: int) -> dict[str, Any]:
    """What the page shows for a year: its statutory days, where its schedule comes from, the
    entered days, and whether it is confirmed."""
    confirmed = holiday_sql.year_confirmation(c, year)
    return {
        "year": year,
        "statutory": [
            {"day": d.isoformat(), "weekday": d.weekday(), "holiday": k, "names": holidays.NAMES[k]}
            for d, k in holidays.statutory(year).items()
        ],
        "package": calendar.package_knows(year),
        "confirmed": None if confirmed is None else {"by": confirmed["by"], "at_ts": confirmed["at_ts"]},
        "known": c.schedule.known(year),
        "days": [
            {
                "day": r["day"],
                "kind": r["kind"],
                "note": r["note"] or "",
                "weekday": dt.date.fromisoformat(r["day"]).weekday(),
            }
            for r in holiday_sql.year_days(c, year)
        ],
        "warning": warning(c),
    }


def _check_day(c: Reader, day: dt.date, kind: str) -> None:
    check_year(c, day.year)
    if kind not in calendar.KINDS:
        raise InvalidInput("类型应为放假或调休上班 / kind must be holiday or workday", field="kind")
    if kind == "workday" and day.weekday() < 5:
        raise InvalidInput(
            f"{day} 本来就是工作日：调休上班只能是周六或周日 / {day} is a weekday already: "
            "an adjusted working day is a Saturday or a Sunday",
            field="day",
        )
    if kind == "holiday" and (day.weekday() >= 5 or holidays.holiday_of(day)):
        raise InvalidInput(
            f"{day} 本来就是休息日 / {day} is a rest day already (a weekend or a statutory holiday)",
            field="day",
        )


def set_day(tx: Tx, day: dt.date, kind: str, note: str) -> bool:
    """Enter a bridged holiday or a 调休 working day; returns whether it replaced an entry."""
    _check_day(tx, day, kind)
    before = tx.schedule.days.get(day.isoformat())
    holiday_sql.set_calendar_override(tx, day.isoformat(), kind, note.strip()[:200])
    return before is not None


def enter_day(tx: Tx, day: dt.date, kind: str | None, note: str) -> dict[str, str]:
    """Enter any day as a rest day or a working day, or clear it (``kind`` None), unchecked
    (the admin API, ``POST /api/v1/calendar``); returns every entered day and its kind."""
    holiday_sql.set_calendar_override(tx, day.isoformat(), kind, note)
    return dict(tx.schedule.days)


def clear_day(tx: Tx, day: dt.date) -> None:
    check_year(tx, day.year)
    holiday_sql.set_calendar_override(tx, day.isoformat(), None, "")


def confirm(tx: Tx, year: int, by: str, confirmed: bool = True) -> None:
    """Confirm (or withdraw the confirmation of) a year's entered schedule."""
    check_year(tx, year)
    if calendar.package_knows(year):
        raise Conflict(
            f"{year} 年的安排已由日历数据包提供，无需确认 / the calendar package already has {year}'s schedule"
        )
    if confirmed:
        holiday_sql.confirm_year(tx, year, by, tx.now.timestamp())
    else:
        holiday_sql.unconfirm_year(tx, year)
