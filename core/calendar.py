"""Statutory holidays and adjusted working days (调休).

The ``chinese_calendar`` package knows the State Council's published years; an override
table, edited by admins, takes precedence (and covers years the package does not know yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import chinese_calendar

# kind per ISO date: "holiday" (a rest day) or "workday" (an adjusted working day)
Overrides = Mapping[str, str]

# The admin-edited overrides (table calendar_overrides), mirrored here by the store when it
# opens and after each change, so opening hours can consult them without a query.
_table: dict[str, str] = {}


def load_overrides(table: Mapping[str, str]) -> None:
    _table.clear()
    _table.update(table)


def is_rest_day(day: dt.date, overrides: Overrides | None = None) -> bool:
    """A statutory holiday or an ordinary weekend day that is not an adjusted working day."""
    kind = (_table if overrides is None else overrides).get(day.isoformat())
    if kind is not None:
        return kind == "holiday"
    try:
        return bool(chinese_calendar.is_holiday(day))
    except NotImplementedError:  # a year the package does not know: weekends only
        return day.weekday() >= 5


def is_statutory_holiday(day: dt.date, overrides: Overrides | None = None) -> bool:
    """A public holiday proper (not a plain weekend)."""
    kind = (_table if overrides is None else overrides).get(day.isoformat())
    if kind is not None:
        return kind == "holiday"
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False
    return bool(on_holiday and name)


def period_end(last_day: dt.date, overrides: Overrides | None = None) -> dt.date:
    """民法典 203: a period whose last day is a statutory rest day ends on the day after it."""
    day = last_day
    while is_rest_day(day, overrides):
        day += dt.timedelta(days=1)
    return day
