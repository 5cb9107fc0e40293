"""限时办结: due days in working days by the processing site's calendar (SPEC 5 holidays, 6c).

The time limit counts working days after the day the complete documents were received: a matter
accepted on a Wednesday with 3 working days is due on the Monday after (Thursday, Friday, Monday),
later where a holiday falls in between; 0 days (即办) is due the same day. A rest day is the site's
(core/days/hours.py ``rest_day_at``: its own holiday and 调休 lists over the national calendar).
"""

from __future__ import annotations

import datetime as dt

from core.config import Site
from core.days.calendar import Schedule
from core.days.hours import rest_day_at

NEAR_DAYS = 1  # near due: due today or on the next working day


def add_working_days(site: Site, start: dt.date, days: int, schedule: Schedule) -> dt.date:
    """The ``days``-th working day after ``start`` at ``site`` (``start`` itself for 0)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if not rest_day_at(site, day, schedule):
            left -= 1
    return day


def working_days_left(site: Site, today: dt.date, due: dt.date, schedule: Schedule) -> int:
    """Working days from ``today`` to ``due`` (0 on the due day; negative when past: working days late)."""
    if due == today:
        return 0
    step = 1 if due > today else -1
    n = 0
    day = today
    while day != due:
        day += dt.timedelta(days=step)
        if not rest_day_at(site, day, schedule):
            n += step
    # past due counts the days after the due day that were working days
    return n


def urgency(site: Site, today: dt.date, due: dt.date | None, schedule: Schedule) -> str:
    """``overdue`` (past its due day), ``near`` (due within NEAR_DAYS working days) or ``ok``."""
    if due is None:
        return "ok"
    if due < today:
        return "overdue"
    return "near" if working_days_left(site, today, due, schedule) <= NEAR_DAYS else "ok"
