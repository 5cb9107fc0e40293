"""Rest days and working days: the statutory holidays (core/days/holidays.py) and the State
Council's yearly schedule (bridged days, 调休 working weekends).

The schedule of a year comes from the ``chinese_calendar`` package where it knows the year,
else from what an admin enters on the schedule page (table ``calendar_overrides``, years
confirmed in ``holiday_years``). An entered day always wins over the package. A year with
no confirmed schedule still knows its statutory holidays and weekends; only those count as
rest days, and booking avoids them (``bookable_day``).

The schedule is a value (``Schedule``) that the store owns: loaded when it opens, replaced
after a commit that changed it, and handed to every read and write job as ``schedule``
(core/store/db.py). Callers pass it in; there is no process-wide copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar

from core.days import holidays

# kind per ISO date: "holiday" (a rest day) or "workday" (an adjusted working day)
Overrides = Mapping[str, str]
KINDS = ("holiday", "workday")


@dataclass(frozen=True)
class Schedule:
    """Entered days (ISO date -> kind) and the years whose schedule an admin confirmed."""

    days: Mapping[str, str] = field(default_factory=dict)
    confirmed: frozenset[int] = frozenset()

    def known(self, year: int) -> bool:
        """The year's bridged days and 调休 are known (package or confirmed by an admin)."""
        return year in self.confirmed or package_knows(year)


EMPTY = Schedule()


def _schedule(s: Schedule | Overrides) -> Schedule:
    return s if isinstance(s, Schedule) else Schedule(dict(s))


@lru_cache(maxsize=256)
def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_rest_day(day: dt.date, schedule: Schedule | Overrides) -> bool:
    """A day off: an entered day's kind, else the package's answer for a year it knows,
    else a statutory holiday or a weekend day."""
    kind = _schedule(schedule).days.get(day.isoformat())
    if kind is not None:
        return kind == "holiday"
    if package_knows(day.year):
        return _package_rest_day(day)
    return holidays.holiday_of(day) is not None or day.weekday() >= 5


@lru_cache(maxsize=4096)
def _package_rest_day(day: dt.date) -> bool:
    """The package's answer, memoised: its data does not change while the process runs, and it
    validates the date on every call (a few per cent of a booking, which asks for many days)."""
    return bool(chinese_calendar.is_holiday(day))


def is_statutory_holiday(day: dt.date, schedule: Schedule | Overrides) -> bool:
    """A day of a public holiday, not a plain weekend: an entered holiday, the package's
    holiday days (bridged days included) for a year it knows, else the rules' days."""
    kind = _schedule(schedule).days.get(day.isoformat())
    if kind is not None:
        return kind == "holiday"
    if package_knows(day.year):
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return bool(on_holiday and name)
    return holidays.holiday_of(day) is not None


def bookable_day(day: dt.date, schedule: Schedule | Overrides) -> bool:
    """Whether appointments may be offered on ``day`` at all (SPEC 5).

    In a year whose schedule is known, any day (opening hours and places decide); in a year
    without one, only a day that is neither a statutory holiday nor a weekend day: a 调休
    Saturday or a bridged Friday is not known yet.
    """
    if _schedule(schedule).known(day.year):
        return True
    return holidays.holiday_of(day) is None and day.weekday() < 5


def unconfirmed_years(first: dt.date, last: dt.date, schedule: Schedule | Overrides) -> list[int]:
    """Years between two days (inclusive) whose schedule is not known yet."""
    s = _schedule(schedule)
    return [y for y in range(first.year, last.year + 1) if not s.known(y)]


def period_end(last_day: dt.date, schedule: Schedule | Overrides) -> dt.date:
    """民法典 203: a period whose last day is a statutory rest day ends on the day after it."""
    day = last_day
    while is_rest_day(day, schedule):
        day += dt.timedelta(days=1)
    return day
