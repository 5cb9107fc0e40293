"""Opening hours: when a site opens and closes on a given local day."""

from __future__ import annotations

import datetime as dt

from core.config import Hours, Site
from core.days.calendar import Schedule, is_rest_day
from core.days.clock import TZ


def rest_day_at(site: Site, day: dt.date, schedule: Schedule) -> bool:
    """Whether ``day`` is a rest day at this site: the site's own lists (``workdays``,
    ``holidays``) win over the national calendar (statutory holidays + yearly schedule)."""
    iso = day.isoformat()
    if iso in site.hours.workdays:
        return False
    return iso in site.hours.holidays or is_rest_day(day, schedule)


def hours_on(site: Site, day: dt.date, schedule: Schedule) -> Hours | None:
    """The hours that apply on ``day``, or None when the site is closed all day.

    ``closed`` dates are closed; a rest day (``rest_day_at``) gets the weekend hours, or none
    where the site closes on weekends. ``schedule`` is the yearly schedule, as the store
    hands it to each job (``reader.schedule``, see core/days/calendar.py).
    """
    if day.isoformat() in site.hours.closed:
        return None
    if rest_day_at(site, day, schedule):
        return None if site.hours.weekend_closed else site.hours.weekend
    return site.hours.weekday


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return dt.datetime(day.year, day.month, day.day, int(h), int(m), tzinfo=TZ)


Window = tuple[dt.datetime, dt.datetime] | None
# (site id, day) -> (the site and schedule it was worked out from, the window): every ticket asks
# whether its site is open, and the calendar package validates the date each time it is asked
_windows: dict[tuple[str, dt.date], tuple[Site, Schedule, Window]] = {}


def window(site: Site, day: dt.date, schedule: Schedule) -> Window:
    """Opening and closing instants on ``day`` (memoised per site and day while the config's
    site and the schedule are the same objects: a changed schedule is a new one)."""
    key = (site.id, day)
    hit = _windows.get(key)
    if hit is not None and hit[0] is site and hit[1] is schedule:
        return hit[2]
    hours = hours_on(site, day, schedule)
    w = None if hours is None else (_at(day, hours.open), _at(day, hours.close))
    if len(_windows) > 4096:
        _windows.clear()
    _windows[key] = (site, schedule, w)
    return w


def is_open(site: Site, when: dt.datetime, schedule: Schedule) -> bool:
    local = when.astimezone(TZ)
    w = window(site, local.date(), schedule)
    return w is not None and w[0] <= local < w[1]


def next_opening(site: Site, when: dt.datetime, schedule: Schedule) -> dt.datetime:
    """The instant the site is next open at or after ``when`` (itself if open now)."""
    local = when.astimezone(TZ)
    for i in range(0, 60):
        day = local.date() + dt.timedelta(days=i)
        w = window(site, day, schedule)
        if w is None or local >= w[1]:
            continue
        return max(local, w[0])
    raise ValueError(f"site {site.id} does not open in the next 60 days")


def local_day(when: dt.datetime) -> dt.date:
    return when.astimezone(TZ).date()
