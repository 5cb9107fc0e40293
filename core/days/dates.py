"""Dates and times from outside, in a bounded range around today (SPEC 7, 8).

A date a person or a client sends (a slot's day, a statistics range, a staffing reference) is
parsed here once: ``YYYY-MM-DD`` (or ISO 8601 with an offset for an instant), and no further than
``past`` days before or ``future`` days after today, so year 1 or 9999 is a clear 422
(``invalid_date``), never an overflow deep in the calendar code.
"""

from __future__ import annotations

import datetime as dt

from core.days.clock import TZ
from core.errors import InvalidDate

PAST_DAYS = 3660  # about ten years: statistics and audits look back this far
FUTURE_DAYS = 400  # a booking horizon and the next year's holiday schedule


def _bounded(day: dt.date, today: dt.date, field: str, past: int, future: int) -> dt.date:
    first, last = today - dt.timedelta(days=past), today + dt.timedelta(days=future)
    if not first <= day <= last:
        raise InvalidDate(f"日期应在 {first} 至 {last} 之间 / {field} must be from {first} to {last}", field=field)
    return day


def parse_day(
    raw: str | None, today: dt.date, *, field: str = "date", past: int = PAST_DAYS, future: int = FUTURE_DAYS
) -> dt.date:
    """:raises InvalidDate: not ``YYYY-MM-DD``, or outside the range around ``today``."""
    try:
        day = dt.date.fromisoformat(raw or "")
    except ValueError:
        raise InvalidDate(f"日期格式应为 YYYY-MM-DD / {field} must be a date YYYY-MM-DD", field=field) from None
    return _bounded(day, today, field, past, future)


def parse_instant(
    raw: str | None, today: dt.date, *, field: str = "start", past: int = PAST_DAYS, future: int = FUTURE_DAYS
) -> dt.datetime:
    """An ISO 8601 instant (local time when it has no offset), in Asia/Shanghai.

    :raises InvalidDate: not an ISO 8601 time, or its day outside the range around ``today``.
    """
    try:
        when = dt.datetime.fromisoformat(raw or "")
        when = (when if when.tzinfo else when.replace(tzinfo=TZ)).astimezone(TZ)
    except (ValueError, OverflowError):
        raise InvalidDate(f"时间格式无效 / {field} must be an ISO 8601 time", field=field) from None
    _bounded(when.date(), today, field, past, future)
    return when
