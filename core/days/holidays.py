"""Statutory holidays of any year, from the national rules (全国年节及纪念日放假办法,
2025 revision, 国务院令第798号): 元旦 1 day, 春节 4 days from 除夕, 清明 1, 劳动节 2 from May 1,
端午 1, 中秋 1, 国庆 3 from October 1. The lunar dates and 清明 come from ``lunar_python``.

These are the days off by law. The State Council's yearly schedule adds bridged days and
moves weekends (调休); that is the schedule's business (core/days/calendar.py), not the rules'.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar, Solar

# Names of the holidays, zh and en, in the order of the year.
NAMES = {
    "new_year": ("元旦", "New Year's Day"),
    "spring": ("春节", "Spring Festival"),
    "qingming": ("清明节", "Qingming Festival"),
    "labour": ("劳动节", "Labour Day"),
    "dragon_boat": ("端午节", "Dragon Boat Festival"),
    "mid_autumn": ("中秋节", "Mid-Autumn Festival"),
    "national": ("国庆节", "National Day"),
}


def _solar(s: Solar) -> dt.date:
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


def _lunar(year: int, month: int, day: int) -> dt.date:
    return _solar(Lunar.fromYmd(year, month, day).getSolar())


def _run(first: dt.date, days: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(days)]


@lru_cache(maxsize=64)
def statutory(year: int) -> dict[dt.date, str]:
    """The statutory days off of ``year`` (Gregorian), each with its holiday's key in NAMES.

    Only days of ``year`` itself: the 春节 of a year whose 除夕 falls on 31 December of the
    year before starts there (never happens in 1900..2100, but the rule is the rule).
    """
    spring = _lunar(year, 1, 1)
    qingming = _solar(Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"])
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "new_year"}
    days.update(dict.fromkeys(_run(spring - dt.timedelta(days=1), 4), "spring"))
    days[qingming] = "qingming"
    days.update(dict.fromkeys(_run(dt.date(year, 5, 1), 2), "labour"))
    days[_lunar(year, 5, 5)] = "dragon_boat"
    days[_lunar(year, 8, 15)] = "mid_autumn"
    days.update(dict.fromkeys(_run(dt.date(year, 10, 1), 3), "national"))
    return {d: k for d, k in sorted(days.items()) if d.year == year}


def holiday_of(day: dt.date) -> str | None:
    """The key of the statutory holiday ``day`` belongs to, or None."""
    return statutory(day.year).get(day)
