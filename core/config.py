"""The district's configuration: typed, validated once at start.

A bad field stops the start with its path (``$.sites[3].counters[0].services``), not later with a KeyError.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from core.errors import ConfigError
from core.matters import catalogue
from core.peak import settings as peak

Kind = Literal["community", "marriage"]
NoShowPolicy = Literal["void", "requeue"]
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_COUNTERS = 12  # per site: what the hall display lays out (docs/display.md)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Struct(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Config records: unknown fields refused; subclasses repeat frozen and kw_only (not inherited)."""


class Hours(Struct, frozen=True, kw_only=True):
    """Opening hours of one kind of day, local time ``HH:MM``."""

    open: str
    close: str


class OpeningHours(Struct, frozen=True, kw_only=True):
    weekday: Hours = Hours(open="08:30", close="16:30")
    weekend: Hours = Hours(open="08:30", close="11:30")  # Saturdays, Sundays and holidays, unless ``weekend_closed``
    weekend_closed: bool = False
    # Dates (YYYY-MM-DD) on which the weekend/holiday hours apply.
    holidays: list[str] = []
    # Adjusted working days (调休): weekend dates on which weekday hours apply.
    workdays: list[str] = []
    closed: list[str] = []  # dates on which the site is closed all day


class Matter(Struct, frozen=True, kw_only=True):
    """One matter of a service guide (办事指南) and the documents it needs."""

    name: str
    name_en: str = ""
    documents: list[str] = []
    documents_en: list[str] = []  # the same documents in English, in the same order (or none)
    item: str = ""  # its catalogue item ([[matters]] id): same documents in order, e-licence marks from it

    def __post_init__(self) -> None:
        if self.documents_en and len(self.documents_en) != len(self.documents):
            raise ValueError(f"guide {self.name!r}: documents_en must list the {len(self.documents)} documents")


class Booking(Struct, frozen=True, kw_only=True):
    """Online booking of a service: slots, capacity and the booking horizon (SPEC 5)."""

    slot_minutes: int = 30
    # Places per slot, Monday..Sunday; a date override or a special date can change it.
    capacity: list[int] = msgspec.field(default_factory=lambda: [4, 4, 4, 4, 4, 0, 0])
    opens_days: int = 30  # bookable up to this many days ahead...
    release: str = "00:00"  # ...from this local time
    closes_before: str = "16:00"  # booking for a day closes at this time the day before
    checkin_early_minutes: int = 30
    checkin_late_minutes: int = 15


class Service(Struct, frozen=True, kw_only=True):
    id: str
    prefix: str
    name: str
    name_en: str
    walk_in: bool = True
    parties: int = 1
    minutes: float = 10.0
    daily_cap: int = 999
    real_name: bool = False
    no_show: NoShowPolicy = "void"
    requeue_after: int = 3
    guide: list[Matter] = []
    booking: Booking | None = None
    # Remote tickets (SPEC 6b, docs/district.md): taken from a phone or a place kiosk for today, called only
    # after check-in at the site, expired when not checked in within ``remote_arrive_within`` minutes.
    remote: bool = False
    remote_arrive_within: Annotated[int, msgspec.Meta(ge=5, le=240)] = 60


class Counter(Struct, frozen=True, kw_only=True):
    id: str
    number: int
    services: list[str]


class Device(Struct, frozen=True, kw_only=True):
    id: str
    name: str = ""
    name_en: str = ""  # shown in English mode (falls back to ``name``)


class Site(Struct, frozen=True, kw_only=True):
    id: str
    name: str
    name_en: str = ""
    kind: Kind
    address: str = ""
    # Where the site is (WGS84 degrees): kiosks show the nearest centers by straight-line distance.
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    hours: OpeningHours = OpeningHours()
    services: list[str]
    counters: list[Counter]
    kiosks: list[Device] = []
    displays: list[Device] = []


class Place(Struct, frozen=True, kw_only=True):
    """A self-service point outside the centers (SPEC 6b, docs/district.md): its kiosks belong to no site."""

    id: str
    name: str
    name_en: str = ""
    address: str = ""
    address_en: str = ""
    # "24h", or seven open/close pairs, Monday to Sunday (local time).
    hours: Literal["24h"] | list[Hours] = "24h"
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    # Where a resident is answered when no staff is near (the place kiosk's help).
    hotline: str = "12345"
    kiosks: list[Device] = []


class SpecialDate(peak.DayPlan, frozen=True, kw_only=True):
    """A popular date (5月20日, 七夕, 2月14日): longer hours, more places; ceremonies, ballot (core/peak)."""

    date: str
    name: str
    name_en: str = ""
    sites: list[str]
    open: str
    close: str
    capacity: int


class NoShowRule(Struct, frozen=True, kw_only=True):
    """``count`` booking no-shows within ``within_days`` block new bookings for ``block_days``."""

    count: int = 2
    within_days: int = 30
    block_days: int = 15


class Limits(Struct, frozen=True, kw_only=True):
    """Abuse limits (SPEC 8), requests per window. ``HALL_LIMITS=off`` lifts the per-address
    ones (load tests); the per-identity and per-device ones always apply."""

    tickets_per_address_per_minute: int = 30
    bookings_per_address_per_minute: int = 20
    tickets_per_identity_per_hour: int = 10
    bookings_per_identity_per_hour: int = 10
    requests_per_device_per_minute: int = 600
    logins_per_address_per_minute: int = 20
    # Sign-in lockout (web/guard/logins.py): tries at an account per address per 10 min, from new addresses per hour.
    login_attempts_per_account_and_address: int = 10
    login_attempts_per_account_elsewhere_per_hour: int = 50
    # Small secrets (web/guard/guesses.py): wrong verifications of one booking code per hour, then a lock.
    verify_misses_per_code_per_hour: int = 5
    code_lock_minutes: int = 30
    # Connections (web/guard/connections.py, docs/security.md "Connections").
    connections_per_address: int = 256  # HALL_LIMITS=off lifts it; a trusted proxy counts toward the total only
    connections_total: int = 100_000  # and never above the open-file limit less a reserve
    header_timeout_seconds: float = 10.0  # from connect (or a request's first byte) to its last header
    max_header_bytes: int = 65536  # request line and headers
    body_timeout_seconds: float = 30.0  # from the last header to the last byte of the body
    keep_alive_seconds: int = 5  # idle between requests
    write_stall_seconds: float = 15.0  # a peer that reads nothing (or never finishes closing) this long is cut off
    ws_max_message_bytes: int = 65536  # client messages on a socket that takes any (the public one takes none)
    ws_ping_interval_seconds: float = 20.0
    ws_ping_timeout_seconds: float = 20.0
    # Reverse proxies whose forwarded-for header is believed (exact addresses).
    trusted_proxies: list[str] = []
    proxy_header: str = "x-forwarded-for"


class Policy(Struct, frozen=True, kw_only=True):
    green_age: int = 70
    green_bonus_minutes: float = 20.0
    recall_limit: int = 3
    # Recent service durations used for the wait estimate.
    estimate_window: int = 20
    token_hours: float = 12.0
    booking_no_show: NoShowRule = NoShowRule()
    # Days after which personal data of closed tickets and appointments is purged.
    retention_days: int = 30
    # "Your turn is near" (SPEC 6b): the phone page and the notifier at this many people ahead or fewer.
    turn_near_ahead: Annotated[int, msgspec.Meta(ge=0, le=50)] = 3


class Config(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, dict=True):
    district: str
    public_url: str = ""  # where residents reach the server (links, QR codes); "" = --host/--port
    policy: Policy = Policy()
    services: list[Service]
    sites: list[Site]
    places: list[Place] = []
    special_dates: list[SpecialDate] = []
    limits: Limits = Limits()
    matters: list[catalogue.Item] = []  # 事项目录 (core/matters/catalogue.py, SPEC 6c)
    peak: peak.Peak = peak.Peak()  # ceremonies, ballots, proof-of-work (core/peak/settings.py, SPEC 5b)

    def __post_init__(self) -> None:
        self._idx = _Index(self)

    def site(self, site_id: str) -> Site | None:
        return self._idx.sites.get(site_id)

    def service(self, service_id: str) -> Service | None:
        return self._idx.services.get(service_id)

    def services_of(self, site: Site) -> list[Service]:
        """A site's services in its order (loading checked that each exists)."""
        return [self._idx.services[s] for s in site.services]

    def counter(self, counter_id: str) -> tuple[Site, Counter] | None:
        return self._idx.counters.get(counter_id)

    def special_date(self, site_id: str, day: str) -> SpecialDate | None:
        return self._idx.special.get((site_id, day))

    def device(self, device_id: str) -> tuple[Site, str, Device] | None:
        """The site, kind (``kiosk`` or ``display``) and device for an id (a center's devices only)."""
        return self._idx.devices.get(device_id)

    def place(self, place_id: str) -> Place | None:
        return self._idx.places.get(place_id)

    def place_kiosk(self, device_id: str) -> tuple[Place, Device] | None:
        """The place and kiosk for the id of a kiosk outside the centers (None for a center's device)."""
        return self._idx.place_kiosks.get(device_id)


class _Index:
    def __init__(self, cfg: Config) -> None:
        self.sites = {s.id: s for s in cfg.sites}
        self.services = {s.id: s for s in cfg.services}
        self.counters = {c.id: (s, c) for s in cfg.sites for c in s.counters}
        self.special = {(sid, sd.date): sd for sd in cfg.special_dates for sid in sd.sites}
        self.devices: dict[str, tuple[Site, str, Device]] = {}
        for s in cfg.sites:
            for d in s.kiosks:
                self.devices[d.id] = (s, "kiosk", d)
            for d in s.displays:
                self.devices[d.id] = (s, "display", d)
        self.places = {p.id: p for p in cfg.places}
        self.place_kiosks = {d.id: (p, d) for p in cfg.places for d in p.kiosks}


def _check(cfg: Config) -> None:
    """Cross-field rules msgspec cannot express; raise with the path of the bad field."""
    seen: dict[str, str] = {}

    def unique(value: str, path: str) -> None:
        if value in seen:
            raise ConfigError(f"duplicate id {value!r} at {path} (also at {seen[value]})")
        seen[value] = path

    prefixes: set[str] = set()
    for i, svc in enumerate(cfg.services):
        path = f"$.services[{i}]"
        if not _SLUG.match(svc.id):
            raise ConfigError(f"{path}.id: {svc.id!r} is not a lowercase slug")
        unique(svc.id, path)
        if len(svc.prefix) != 1 or not svc.prefix.isalpha() or not svc.prefix.isupper():
            raise ConfigError(f"{path}.prefix: {svc.prefix!r} must be one capital letter")
        if svc.prefix in prefixes:
            raise ConfigError(f"{path}.prefix: {svc.prefix!r} is used by another service")
        prefixes.add(svc.prefix)
        if svc.minutes <= 0 or svc.parties < 1 or svc.daily_cap < 1:
            raise ConfigError(f"{path}: minutes, parties and daily_cap must be positive")
        if svc.booking is not None:
            b = svc.booking
            if len(b.capacity) != 7 or min(b.capacity) < 0:
                raise ConfigError(f"{path}.booking.capacity: seven numbers >= 0, Monday to Sunday")
            if not 5 <= b.slot_minutes <= 240:
                raise ConfigError(f"{path}.booking.slot_minutes: between 5 and 240")
            for field in ("release", "closes_before"):
                if not _HHMM.match(getattr(b, field)):
                    raise ConfigError(f"{path}.booking.{field}: {getattr(b, field)!r} is not HH:MM")
    services = {s.id for s in cfg.services}
    for i, site in enumerate(cfg.sites):
        path = f"$.sites[{i}]"
        if not _SLUG.match(site.id):
            raise ConfigError(f"{path}.id: {site.id!r} is not a lowercase slug")
        unique(site.id, path)
        for key, hours in (("weekday", site.hours.weekday), ("weekend", site.hours.weekend)):
            for field in ("open", "close"):
                value = getattr(hours, field)
                if not _HHMM.match(value):
                    raise ConfigError(f"{path}.hours.{key}.{field}: {value!r} is not HH:MM")
            if hours.open >= hours.close:
                raise ConfigError(f"{path}.hours.{key}: opens at or after it closes")
        for key in ("holidays", "workdays", "closed"):
            for j, day in enumerate(getattr(site.hours, key)):
                try:
                    dt.date.fromisoformat(day)
                except ValueError:
                    raise ConfigError(f"{path}.hours.{key}[{j}]: {day!r} is not YYYY-MM-DD") from None
        for j, sid in enumerate(site.services):
            if sid not in services:
                raise ConfigError(f"{path}.services[{j}]: unknown service {sid!r}")
        if not site.counters:
            raise ConfigError(f"{path}.counters: a site needs at least one counter")
        if len(site.counters) > MAX_COUNTERS:
            raise ConfigError(f"{path}.counters: at most {MAX_COUNTERS} counters a site (the hall display shows all)")
        numbers: set[int] = set()
        for j, counter in enumerate(site.counters):
            cpath = f"{path}.counters[{j}]"
            unique(counter.id, cpath)
            if counter.number in numbers:
                raise ConfigError(f"{cpath}.number: {counter.number} is used twice at this site")
            numbers.add(counter.number)
            if not counter.services:
                raise ConfigError(f"{cpath}.services: a counter serves at least one service")
            for k, sid in enumerate(counter.services):
                if sid not in site.services:
                    raise ConfigError(f"{cpath}.services[{k}]: {sid!r} is not offered at this site")
        for key in ("kiosks", "displays"):
            for j, dev in enumerate(getattr(site, key)):
                unique(dev.id, f"{path}.{key}[{j}]")
    _check_places(cfg, unique)


def _check_places(cfg: Config, unique: Callable[[str, str], None]) -> None:
    """Place ids and their kiosks' ids are unique across sites and places (a kiosk id names one device)."""
    for i, place in enumerate(cfg.places):
        path = f"$.places[{i}]"
        if not _SLUG.match(place.id):
            raise ConfigError(f"{path}.id: {place.id!r} is not a lowercase slug")
        unique(place.id, path)
        if isinstance(place.hours, list) and len(place.hours) != 7:
            raise ConfigError(f'{path}.hours: "24h" or seven {{open, close}}, Monday to Sunday')
        for j, hours in enumerate(place.hours if isinstance(place.hours, list) else []):
            for field in ("open", "close"):
                if not _HHMM.match(value := getattr(hours, field)):
                    raise ConfigError(f"{path}.hours[{j}].{field}: {value!r} is not HH:MM")
            if hours.open >= hours.close:
                raise ConfigError(f"{path}.hours[{j}]: opens at or after it closes")
        if not place.kiosks:
            raise ConfigError(f"{path}.kiosks: a place needs at least one kiosk")
        for j, dev in enumerate(place.kiosks):
            unique(dev.id, f"{path}.kiosks[{j}]")


def _check_special_dates(cfg: Config) -> None:
    sites = {s.id for s in cfg.sites}
    for i, sd in enumerate(cfg.special_dates):
        path = f"$.special_dates[{i}]"
        try:
            dt.date.fromisoformat(sd.date)
        except ValueError:
            raise ConfigError(f"{path}.date: {sd.date!r} is not YYYY-MM-DD") from None
        for field in ("open", "close"):
            if not _HHMM.match(getattr(sd, field)):
                raise ConfigError(f"{path}.{field}: {getattr(sd, field)!r} is not HH:MM")
        for j, sid in enumerate(sd.sites):
            if sid not in sites:
                raise ConfigError(f"{path}.sites[{j}]: unknown site {sid!r}")


def parse(text: str | bytes) -> Config:
    """Decode and check a configuration.

    :raises ConfigError: with the path of the first bad field.
    """
    try:
        cfg = msgspec.toml.decode(text, type=Config)
    except msgspec.ValidationError as e:
        raise ConfigError(str(e)) from None
    except msgspec.DecodeError as e:
        raise ConfigError(f"not valid TOML: {e}") from None
    _check(cfg)
    _check_special_dates(cfg)
    return peak.checked(catalogue.checked(cfg))


def load(path: str | Path) -> Config:
    """Read and check the configuration file at ``path``."""
    try:
        text = Path(path).read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    return parse(text)
