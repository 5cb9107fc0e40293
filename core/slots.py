"""Appointment slots of a day and the booking horizon (SPEC 5). Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.clock import TZ
from core.config import Booking, Config, Site
from core.hours import hours_on


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


def day_slots(cfg: Config, site: Site, service_id: str, day: dt.date, override: Override | None = None) -> list[Slot]:
    """Slots of ``day``: within opening hours (a special date's or an override's), each
    ``slot_minutes`` long, with the weekday's places unless overridden."""
    service = cfg.service(service_id)
    if service is None or service.booking is None or service_id not in site.services:
        return []
    b = service.booking
    special = cfg.special_date(site.id, day.isoformat())
    hours = hours_on(site, day)
    open_, close = (hours.open, hours.close) if hours else (None, None)
    capacity = b.capacity[day.weekday()] if hours else 0
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
