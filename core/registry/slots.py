"""Appointment slots of a day and the booking horizon (SPEC 5). Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.config import Booking, Config, Site
from core.days.calendar import Schedule, bookable_day
from core.days.clock import TZ
from core.days.hours import hours_on, rest_day_at


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    capacity: int


@dataclass(frozen=True)
class Override:
    """A supervisor's change for one date: places per slot and/or hours."""

    capacity: int | None = None
    open: str | None = None
    close: str | None = None


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return dt.datetime(day.year, day.month, day.day, int(h), int(m), tzinfo=TZ)


def places(b: Booking, site: Site, day: dt.date, schedule: Schedule) -> int:
    """Places per slot on an ordinary ``day``: a rest day on a weekday takes Saturday's, a
    working weekend day (调休) Friday's, any other day its own weekday's."""
    weekday = day.weekday()
    rest = rest_day_at(site, day, schedule)
    if rest and weekday < 5:
        weekday = 5
    elif not rest and weekday >= 5:
        weekday = 4
    return b.capacity[weekday]


def day_slots(
    cfg: Config,
    site: Site,
    service_id: str,
    day: dt.date,
    override: Override | None,
    schedule: Schedule,
) -> list[Slot]:
    """Slots of ``day``: within opening hours (a special date's or an override's), each
    ``slot_minutes`` long, with the day's places unless overridden.

    In a year without a known schedule a statutory holiday or a weekend day has no ordinary
    slots (``bookable_day``); a special date or an override with its own hours is a
    deliberate opening and keeps them.
    """
    service = cfg.service(service_id)
    if service is None or service.booking is None or service_id not in site.services:
        return []
    b = service.booking
    special = cfg.special_date(site.id, day.isoformat())
    hours = hours_on(site, day, schedule)
    if not bookable_day(day, schedule):
        hours = None
    open_, close = (hours.open, hours.close) if hours else (None, None)
    capacity = places(b, site, day, schedule) if hours else 0
    if special is not None:
        open_, close, capacity = special.open, special.close, special.capacity
    if override is not None:
        open_ = override.open or open_
        close = override.close or close
        capacity = override.capacity if override.capacity is not None else capacity
    if open_ is None or close is None or capacity <= 0:
        return []
    step = dt.timedelta(minutes=b.slot_minutes)
    start, end = _at(day, open_), _at(day, close)
    out = []
    while start + step <= end:
        out.append(Slot(start, start + step, capacity))
        start += step
    return out


def opens_at(b: Booking, day: dt.date) -> dt.datetime:
    return _at(day - dt.timedelta(days=b.opens_days), b.release)


def closes_at(b: Booking, day: dt.date) -> dt.datetime:
    return _at(day - dt.timedelta(days=1), b.closes_before)


def bookable(b: Booking, day: dt.date, now: dt.datetime) -> bool:
    return opens_at(b, day) <= now < closes_at(b, day)


def checkin_window(b: Booking, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From when until when a slot starting at ``start`` may check in (SPEC 5): the one rule
    the booking page tells, the kiosk offers and check-in enforces, whatever the hours say."""
    return start - dt.timedelta(minutes=b.checkin_early_minutes), start + dt.timedelta(minutes=b.checkin_late_minutes)
