"""Peak days (SPEC 5b): the proof-of-work difficulty in config.toml ``[peak]``, and under each
``[[special_dates]]`` entry its ceremony sessions and its ballot. Decoded with the rest of the
config (core/config.py) and checked here, with the path of a bad field; a date given twice for a
site is refused."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Protocol, TypeVar

import msgspec

from core.errors import ConfigError

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Booking(Protocol):
    opens_days: int
    release: str


class _Special(Protocol):
    date: str
    sites: list[str]
    service: str
    ceremonies: list[Session]
    ballot: Ballot | None


class _Config(Protocol):
    """What the check needs of core/config.py's Config (which imports this module)."""

    peak: Peak
    special_dates: list[Any]

    def site(self, site_id: str) -> Any: ...
    def service(self, service_id: str) -> Any: ...


C = TypeVar("C", bound=_Config)


class _Struct(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class Session(_Struct, frozen=True, kw_only=True):
    """A ceremony session (颁证仪式): when, where, its theme and how many couples it takes."""

    id: str
    time: str  # HH:MM local
    hall: str
    hall_en: str = ""
    theme: str
    theme_en: str = ""
    capacity: Annotated[int, msgspec.Meta(ge=0, le=500)]


class Ballot(_Struct, frozen=True, kw_only=True):
    """The ballot (摇号) of a day: its window, its draw, the share of the day's places it fills,
    and how long a winner has to confirm."""

    id: str
    opens: str  # ISO 8601 instants with their offset
    closes: str
    draw_at: str
    share: Annotated[float, msgspec.Meta(gt=0, le=1)] = 1.0
    confirm_hours: Annotated[int, msgspec.Meta(ge=1, le=240)] = 48


class DayPlan(_Struct, frozen=True, kw_only=True):
    """What a ``[[special_dates]]`` entry may say of its peak day (core/config.py SpecialDate)."""

    service: str = "marriage"  # the service whose bookings join ceremonies
    ceremonies: list[Session] = []
    ballot: Ballot | None = None


class Day(DayPlan, frozen=True, kw_only=True):
    """A peak day of one site: a special date with ceremonies or a ballot (made by ``checked``)."""

    date: str
    site: str = "registry"


class Peak(_Struct, frozen=True, kw_only=True):
    # ALTCHA's max_number: the solver tries on average half of it (SHA-256 each); 0 turns the check off.
    pow_max_number: Annotated[int, msgspec.Meta(ge=0, le=10_000_000)] = 50_000
    pow_expires_seconds: Annotated[int, msgspec.Meta(ge=30, le=3600)] = 300
    days: list[Day] = []  # from [[special_dates]] (``checked``); config.toml gives none here

    def day(self, site: str, date: str) -> Day | None:
        return next((d for d in self.days if d.site == site and d.date == date), None)

    def ballot(self, ballot_id: str) -> tuple[Day, Ballot] | None:
        return next(((d, d.ballot) for d in self.days if d.ballot is not None and d.ballot.id == ballot_id), None)


def problem_of(s: Session) -> str | None:
    """What is wrong with a session (``field: why``), or None."""
    if not _SLUG.match(s.id) or len(s.id) > 40:
        return f"id: {s.id[:40]!r} is not a lowercase slug"
    if not _HHMM.match(s.time):
        return f"time: {s.time[:10]!r} is not HH:MM"
    if not 0 <= s.capacity <= 500:
        return "capacity: between 0 and 500 couples"
    if not s.hall.strip() or not s.theme.strip():
        return "hall: a hall and a theme are needed"
    return None


def instant(raw: str, path: str) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{path}: {raw!r} is not an ISO 8601 instant") from None
    if at.tzinfo is None:
        raise ConfigError(f"{path}: {raw!r} needs its offset (+08:00)")
    return at


def _check_ballot(b: Ballot, day: dt.date, booking: _Booking, path: str, ids: set[str]) -> None:
    if not _SLUG.match(b.id) or b.id in ids:
        raise ConfigError(f"{path}.id: {b.id!r} is not a lowercase slug used once")
    ids.add(b.id)
    opens, closes = instant(b.opens, f"{path}.opens"), instant(b.closes, f"{path}.closes")
    draw = instant(b.draw_at, f"{path}.draw_at")
    if not opens < closes <= draw:
        raise ConfigError(f"{path}: the window opens before it closes, and the draw is at or after the close")
    h, m = booking.release.split(":")
    release = dt.datetime.combine(day - dt.timedelta(days=booking.opens_days), dt.time(int(h), int(m)), draw.tzinfo)
    if draw + dt.timedelta(hours=b.confirm_hours) > release:
        raise ConfigError(
            f"{path}.draw_at: the draw and its confirmation time end before ordinary booking of the day opens "
            f"({release.isoformat()}), which then takes the places the ballot leaves"
        )


def _days(specials: list[_Special]) -> list[tuple[str, Day]]:
    """The peak days the special dates make (with their paths): each date once per site.

    :raises ConfigError: a date given twice for a site, or a ballot for several sites.
    """
    seen: dict[tuple[str, str], int] = {}
    days: list[tuple[str, Day]] = []
    for i, sd in enumerate(specials):
        path = f"$.special_dates[{i}]"
        for site in sd.sites:
            if (j := seen.setdefault((site, sd.date), i)) != i:
                raise ConfigError(
                    f"{path}: {sd.date} at {site} is given twice (also at $.special_dates[{j}]); give each special "
                    "date once, with its ceremonies and ballot under it"
                )
        if sd.ballot is not None and len(sd.sites) != 1:
            raise ConfigError(f"{path}.ballot: a ballot is for one site; list only that site in sites")
        if sd.ceremonies or sd.ballot is not None:
            for site in sd.sites:
                day = Day(date=sd.date, site=site, service=sd.service, ceremonies=sd.ceremonies, ballot=sd.ballot)
                days.append((path, day))
    return days


def checked(cfg: C) -> C:
    """The config with its peak days, once they are consistent with the sites and services.

    :raises ConfigError: with the path of the bad field.
    """
    if cfg.peak.days:
        raise ConfigError("$.peak.days: give ceremonies and ballots under their [[special_dates]] entry")
    ids: set[str] = set()
    days = _days(cfg.special_dates)
    for path, d in days:
        try:
            day = dt.date.fromisoformat(d.date)
        except ValueError:
            raise ConfigError(f"{path}.date: {d.date!r} is not YYYY-MM-DD") from None
        site, service = cfg.site(d.site), cfg.service(d.service)
        if site is None:
            raise ConfigError(f"{path}.site: unknown site {d.site!r}")
        if service is None or service.booking is None or d.service not in site.services:
            raise ConfigError(f"{path}.service: {d.service!r} is not a bookable service of {d.site}")
        sessions: set[str] = set()
        for j, s in enumerate(d.ceremonies):
            if s.id in sessions:
                raise ConfigError(f"{path}.ceremonies[{j}].id: {s.id!r} is used twice")
            sessions.add(s.id)
            if (problem := problem_of(s)) is not None:
                raise ConfigError(f"{path}.ceremonies[{j}].{problem}")
        if d.ballot is not None:
            _check_ballot(d.ballot, day, service.booking, f"{path}.ballot", ids)
    cfg.peak = msgspec.structs.replace(cfg.peak, days=[d for _, d in days])
    return cfg
