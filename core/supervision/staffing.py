"""Staffing help: how many counters to open, hour by hour, for a target average wait.

For one day being planned (by default the next one on a chosen weekday), from the days of past
weeks on that weekday with the same opening hours (a holiday Wednesday is no model for a
working Wednesday, nor the other way round): the arrival rate per hour (tickets issued), the
mean service time, and how many counters were open. The hours of the plan are the planned day's.
The number needed is the smallest ``c`` for which an M/M/c queue (Erlang C) waits on average no longer than the target:

    a = lambda * s                                     offered load, in counters (erlangs)
    C(c, a) = (a^c / c!) * c/(c-a) / (sum_{k<c} a^k/k! + (a^c / c!) * c/(c-a))
    Wq = C(c, a) * s / (c - a)                         mean wait before being called

(``lambda`` arrivals per minute, ``s`` mean service minutes, ``c > a``). See docs/statistics.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.days import dates
from core.days.hours import hours_on, local_day, window
from core.errors import InvalidInput
from core.queue.views import site_or_raise
from core.store.db import Reader
from core.supervision import stats

MAX_COUNTERS = 100
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits, with ``c`` counters and offered load ``a`` (1 if ``c <= a``)."""
    if a <= 0:
        return 0.0
    if c <= a:
        return 1.0
    b = 1.0  # Erlang B by its recursion: stable for large c, no factorials
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1 - b))


def mean_wait(c: int, per_hour: float, service_minutes: float) -> float | None:
    """Mean minutes waited before a counter calls (M/M/c); None when ``c`` counters cannot keep up."""
    a = per_hour / 60 * service_minutes
    if a <= 0:
        return 0.0
    if c <= a:
        return None
    return erlang_c(c, a) * service_minutes / (c - a)


def counters_needed(per_hour: float, service_minutes: float, target_minutes: float) -> int:
    """The fewest counters whose mean wait is at most ``target_minutes``."""
    if per_hour <= 0:
        return 0
    c = max(1, int(per_hour / 60 * service_minutes) + 1)
    while c < MAX_COUNTERS:
        wait = mean_wait(c, per_hour, service_minutes)
        if wait is not None and wait <= target_minutes:
            return c
        c += 1
    return MAX_COUNTERS


def past_days(r: Reader, site_id: str, planned: dt.date, weeks: int, until: dt.date) -> list[dt.date]:
    """The last ``weeks`` days on or before ``until`` on the weekday of ``planned`` with its hours."""
    site = site_or_raise(r, site_id)
    hours = hours_on(site, planned, r.schedule)
    day = until - dt.timedelta(days=(until.weekday() - planned.weekday()) % 7)
    out: list[dt.date] = []
    for _ in range(weeks):
        if hours is not None and hours_on(site, day, r.schedule) == hours:
            out.append(day)
        day -= dt.timedelta(days=7)
    return sorted(out)


def next_on(weekday: int, after: dt.date) -> dt.date:
    """The first day after ``after`` that falls on ``weekday``."""
    return after + dt.timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def _service_minutes(s: stats.Stats, r: Reader) -> float:
    """Mean service minutes seen; without any, the configured typical minutes weighted by demand."""
    samples = s.site_acc.services
    if samples:
        return max(0.5, sum(samples) / len(samples) / 60)
    weights = {k: acc.issued for k, acc in s.by_service.items()} or dict.fromkeys(s.site.services, 1)
    typical = {k: svc.minutes for k in weights if (svc := r.config.service(k)) is not None}
    total = sum(weights[k] for k in typical)
    return sum(typical[k] * weights[k] for k in typical) / total if total else 10.0


def plan(
    r: Reader,
    site_id: str,
    weekday: int,
    *,
    target_minutes: float = 10.0,
    weeks: int = 8,
    until: str | None = None,
) -> dict[str, Any]:
    """Per opening hour of the next ``weekday`` (0 = Monday) after ``until`` (default: yesterday):
    arrivals per hour, counters open, counters needed. The hours are that day's own.

    :raises InvalidInput: weekday outside 0-6, weeks outside 1-52, a target outside 1-240 minutes.
    """
    if not 0 <= weekday <= 6:
        raise InvalidInput("weekday must be 0 (Monday) to 6 (Sunday)", field="weekday")
    if not 1 <= weeks <= 52:
        raise InvalidInput("weeks must be 1 to 52", field="weeks")
    if not 1 <= target_minutes <= 240:
        raise InvalidInput("目标等候时间应在 1-240 分钟 / target must be 1 to 240 minutes", field="target")
    site = site_or_raise(r, site_id)
    today = local_day(r.now)
    last = dates.parse_day(until, today, field="until", future=0) if until else today - dt.timedelta(days=1)
    planned = next_on(weekday, last)
    opening = window(site, planned, r.schedule)
    days = past_days(r, site.id, planned, weeks, last)
    hours_out: list[dict[str, Any]] = []
    s = stats.compute(r, site.id, days[0], days[-1], weekday=weekday) if days else None
    minutes = _service_minutes(s, r) if s is not None else None
    if s is not None and minutes is not None and opening is not None:
        hours_out = _hours(s, days, opening, minutes, target_minutes)
    return {
        "site": site.id,
        "weekday": weekday,
        "weekday_name": WEEKDAYS[weekday],
        "date": planned.isoformat(),
        "opens": None if opening is None else f"{opening[0]:%H:%M}",
        "closes": None if opening is None else f"{opening[1]:%H:%M}",
        "days": [d.isoformat() for d in days],
        "target_minutes": target_minutes,
        "service_minutes": None if minutes is None else round(minutes, 1),
        "hours": hours_out,
    }


def _hours(
    s: stats.Stats, days: list[dt.date], opening: tuple[dt.datetime, dt.datetime], minutes: float, target: float
) -> list[dict[str, Any]]:
    out = []
    start, end = opening
    hour = start.replace(minute=0)
    while hour < end:
        nxt = hour + dt.timedelta(hours=1)
        share = (min(nxt, end) - max(hour, start)).total_seconds() / 3600  # a half-open hour at 08:30
        arrivals = sum(s.arrivals.get((d.isoformat(), hour.hour), 0) for d in days) / len(days) / share
        open_ = sum(s.open_seconds.get((d.isoformat(), hour.hour), 0.0) for d in days) / len(days) / (share * 3600)
        wait = mean_wait(round(open_), arrivals, minutes) if open_ >= 0.5 else None
        out.append(
            {
                "hour": hour.hour,
                "label": f"{hour:%H:%M}",
                "arrivals_per_hour": round(arrivals, 2),
                "open_counters": round(open_, 2),
                "needed_counters": counters_needed(arrivals, minutes, target),
                "predicted_wait_minutes": None if wait is None else round(wait, 1),
            }
        )
        hour = nxt
    return out
