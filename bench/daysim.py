"""The simulated center day of ``python -m bench.day``: residents, desks and the day's event
queue, played through the real core and store (bench/day.py reports on it)."""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.config import Config, Service, Site
from core.days.clock import TZ, ManualClock
from core.days.hours import window
from core.errors import HallError
from core.queue import counters, tickets
from core.store.db import Store

# Share of walk-in tickets per service (community centers; the registry's walk-ins below).
MIX = {"general": 0.30, "social": 0.30, "elderly": 0.12, "certificate": 0.15, "consult": 0.13, "reissue": 0.6,
       "counselling": 0.4}  # fmt: skip
# Relative arrival intensity per half hour from opening: a morning peak, a lunch lull, a
# smaller afternoon peak (the shape of a community center's day).
SHAPE = [1.5, 2.0, 2.1, 1.9, 1.5, 1.1, 0.7, 0.5, 0.5, 0.8, 1.1, 1.2, 1.0, 0.8, 0.6, 0.4, 0.3]
LOAD = 0.7  # offered work over the day / counter time: a busy weekday (about 80 % utilisation)
GREEN = [("elderly", 0.06), ("disabled", 0.01), ("pregnant", 0.01), ("military", 0.005)]
NO_SHOW = 0.03
SIGMA = 0.5
WALK = (0.3, 1.0)  # minutes from the call to the counter
NO_SHOW_AFTER = 1.0  # minutes a clerk waits before marking a no-show
LUNCH = [("11:00", "11:30"), ("11:30", "12:00"), ("12:00", "12:30"), ("12:30", "13:00")]  # two counters at a time
TARGET = 0.25


@dataclass
class Resident:
    ticket: str
    site: str
    service: str
    priority: str
    issued: float
    estimate: int | None
    shows: bool
    minutes: float  # service time when served
    called: float | None = None


@dataclass
class Desk:
    id: str
    site: str
    services: list[str]
    busy: bool = False
    on_break: bool = False
    break_due: float | None = None
    busy_since: float = 0.0
    open_since: float | None = None
    busy_seconds: float = 0.0
    open_seconds: float = 0.0
    last: float = 0.0  # the moment of its last action


@dataclass
class Day:
    """One day at one or more sites; ``run()`` plays it through the store."""

    store: Store
    clock: ManualClock
    config: Config
    sites: list[Site]
    date: dt.date
    seed: int = 1
    rng: random.Random = field(init=False)
    services: dict[str, Service] = field(init=False)
    residents: dict[str, Resident] = field(default_factory=dict)
    desks: dict[str, Desk] = field(default_factory=dict)
    refused: int = 0
    _events: list[tuple[float, int, Callable[..., None], tuple[Any, ...]]] = field(default_factory=list)
    _n: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.services = {s.id: s for s in self.config.services}

    # -- the event queue ---------------------------------------------------------------
    def at(self, ts: float, fn: Callable[..., None], *args: Any) -> None:
        self._n += 1
        heapq.heappush(self._events, (ts, self._n, fn, args))

    def run(self) -> None:
        for site in self.sites:
            self._plan(site)
        while self._events:
            ts, _, fn, args = heapq.heappop(self._events)
            self.clock.set(dt.datetime.fromtimestamp(ts, TZ))
            fn(ts, *args)
        end = max([d.last for d in self.desks.values()] + [self._hhmm("16:30")])
        self.clock.set(dt.datetime.fromtimestamp(end, TZ))
        for d in self.desks.values():  # open time runs to closing, or to the last ticket done
            if d.open_since is not None:
                d.open_seconds += end - d.open_since
            self.write(counters.close_counter, d.id, f"clerk-{d.id}", force=True)

    def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self.store.write_sync(fn, *args, **kwargs)

    # -- planning a site's day ---------------------------------------------------------
    def _plan(self, site: Site) -> None:
        w = window(site, self.date, self.store.schedule)
        if w is None:
            return
        opens, closes = w[0].timestamp(), w[1].timestamp()
        walk_in = [s for s in site.services if self.services[s].walk_in and s in MIX]
        total = sum(MIX[s] for s in walk_in)
        mean_minutes = sum(MIX[s] / total * self.services[s].minutes for s in walk_in)
        per_day = LOAD * len(site.counters) * (closes - opens) / 60 / mean_minutes
        bins = max(1, math.ceil((closes - opens) / 1800))
        shape = (SHAPE * 2)[:bins]
        weight = sum(shape)
        for b, w_b in enumerate(shape):
            start = opens + b * 1800
            end = min(closes, start + 1800)
            rate = per_day * w_b / weight / 1800  # arrivals per second in this half hour
            t = start + self.rng.expovariate(rate)
            while t < end:
                service = self.rng.choices(walk_in, [MIX[s] for s in walk_in])[0]
                self.at(t, self.arrive, site, service, self._priority())
                t += self.rng.expovariate(rate)
        lunch = [(self._hhmm(a), self._hhmm(b)) for a, b in LUNCH]
        for i, k in enumerate(site.counters):
            desk = self.desks[k.id] = Desk(k.id, site.id, list(k.services))
            self.at(opens, self.open_desk, desk)
            first, second = lunch[i * len(lunch) // len(site.counters)]
            self.at(first, self.break_starts, desk, second)

    def _hhmm(self, hhmm: str) -> float:
        h, m = hhmm.split(":")
        return dt.datetime(self.date.year, self.date.month, self.date.day, int(h), int(m), tzinfo=TZ).timestamp()

    def _priority(self) -> str:
        x = self.rng.random()
        for name, share in GREEN:
            if x < share:
                return name
            x -= share
        return "normal"

    def _id_number(self) -> str:
        from bench.common import valid_id_number

        return valid_id_number(len(self.residents) + 1_000 * self.seed)

    # -- residents ---------------------------------------------------------------------
    def arrive(self, ts: float, site: Site, service: str, priority: str) -> None:
        real_name = self.services[service].real_name
        try:
            issued, view = self.write(
                tickets.issue_and_view,
                "",
                site.id,
                service,
                source="kiosk",
                actor="sim",
                priority=priority,
                id_number=self._id_number() if real_name else None,
            )
        except HallError:
            self.refused += 1
            return
        mean = self.services[service].minutes
        minutes = self.rng.lognormvariate(math.log(mean) - SIGMA**2 / 2, SIGMA)
        shows = self.rng.random() >= NO_SHOW
        t = issued.ticket
        self.residents[t.id] = Resident(t.id, site.id, service, t.priority, ts, view["estimated_wait_minutes"], shows,
                                        minutes)  # fmt: skip
        self.dispatch(ts, site.id)

    def dispatch(self, ts: float, site_id: str) -> None:
        """Every free counter of the site calls (in counter order)."""
        for desk in self.desks.values():
            if desk.site == site_id and not desk.busy and not desk.on_break:
                self.call(ts, desk)

    # -- counters ----------------------------------------------------------------------
    def open_desk(self, ts: float, desk: Desk) -> None:
        self.write(counters.open_counter, desk.id, f"clerk-{desk.id}", None)
        desk.open_since = ts
        self.call(ts, desk)

    def call(self, ts: float, desk: Desk) -> None:
        if desk.break_due is not None:
            self.break_starts(ts, desk, desk.break_due)
            return
        called = self.write(counters.call_next, desk.id, f"clerk-{desk.id}")
        if called.ticket is None:
            desk.busy = False
            return
        desk.busy = True
        desk.busy_since = ts
        r = self.residents[called.ticket.id]
        if r.called is None:
            r.called = ts
        if not r.shows:
            self.at(ts + NO_SHOW_AFTER * 60, self.no_show, desk)
            return
        walk = self.rng.uniform(*WALK) * 60
        self.at(ts + walk, self.start, desk)
        self.at(ts + walk + r.minutes * 60, self.done, desk)

    def start(self, ts: float, desk: Desk) -> None:
        self.write(counters.start, desk.id, f"clerk-{desk.id}")

    def done(self, ts: float, desk: Desk) -> None:
        self.write(counters.done, desk.id, f"clerk-{desk.id}")
        self._free(ts, desk)

    def no_show(self, ts: float, desk: Desk) -> None:
        self.write(counters.no_show, desk.id, f"clerk-{desk.id}")
        self._free(ts, desk)

    def _free(self, ts: float, desk: Desk) -> None:
        desk.busy = False
        desk.busy_seconds += ts - desk.busy_since
        desk.last = ts
        self.call(ts, desk)

    def break_starts(self, ts: float, desk: Desk, until: float) -> None:
        if desk.busy:
            desk.break_due = until  # after the ticket in hand
            return
        desk.break_due = None
        desk.on_break = True
        self.write(counters.pause, desk.id, f"clerk-{desk.id}", "break")
        if desk.open_since is not None:
            desk.open_seconds += ts - desk.open_since
            desk.open_since = None
        self.at(max(until, ts + 60), self.break_ends, desk)

    def break_ends(self, ts: float, desk: Desk) -> None:
        self.write(counters.resume, desk.id, f"clerk-{desk.id}")
        desk.on_break = False
        desk.open_since = ts
        self.call(ts, desk)
