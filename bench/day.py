"""A simulated center day through the real rules, and how good the estimated wait is.

    python -m bench.day [--site youyi] [--seed 1] [--date 2026-05-13]

Residents arrive over opening hours with a morning peak (a non-homogeneous Poisson
process), choose services by a typical mix, some by the green channel; clerks call as
soon as they are free (``core.queue.counters.call_next``), the resident walks up (0.3-1 min),
is served for a lognormal time around the service's configured minutes (sigma 0.5, the
mean equal to the configured minutes) and the clerk finishes. A few residents never come
(the clerk marks them no-show after a minute), and the counters take lunch in two shifts.
Everything goes through ``core.queue.tickets.issue`` and ``core.queue.counters.*`` on a real
``Store`` (SQLite, synchronous=FULL) whose ``ManualClock`` the simulation advances from
event to event.

Estimate error: for every ticket called, the ``estimated_wait_minutes`` its holder was
shown at issue (``core.queue.views.ticket_view``) against the actual wait from issue to the
first call. Mean absolute error (minutes), and as a share of the actual wait:
``sum |estimate - actual| / sum actual`` over those tickets, which weighs each minute of
error equally (a per-ticket mean of |error| / actual would be dominated by the tickets
called within a minute of issue). SPEC 9: under 25 %.
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import math
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config import Config, Service, Site, load
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


# -- reporting ---------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report(day: Day) -> dict[str, Any]:
    served = [r for r in day.residents.values() if r.called is not None and r.shows]
    waits: dict[str, list[float]] = defaultdict(list)
    for r in served:
        waits[r.service].append((r.called - r.issued) / 60)  # type: ignore[operator]
    per_service = {
        s: {"n": len(w), "mean": sum(w) / len(w), "p90": percentile(w, 90), "max": max(w)} for s, w in waits.items()
    }
    green = [(r.called - r.issued) / 60 for r in served if r.priority != "normal"]  # type: ignore[operator]
    normal = [(r.called - r.issued) / 60 for r in served if r.priority == "normal"]  # type: ignore[operator]
    pairs = [(float(r.estimate), (r.called - r.issued) / 60) for r in served if r.estimate is not None]  # type: ignore[operator]
    abs_err = [abs(e - a) for e, a in pairs]
    actual = sum(a for _, a in pairs)
    bias = sum(e - a for e, a in pairs) / len(pairs) if pairs else math.nan
    util = {d.id: d.busy_seconds / d.open_seconds for d in day.desks.values() if d.open_seconds > 0}
    return {
        "tickets": len(day.residents),
        "served": len(served),
        "no_shows": sum(not r.shows for r in day.residents.values()),
        "refused": day.refused,
        "per_service": per_service,
        "longest_green": max(green, default=math.nan),
        "longest_normal": max(normal, default=math.nan),
        "utilisation": util,
        "mae": sum(abs_err) / len(abs_err) if abs_err else math.nan,
        "error_share": sum(abs_err) / actual if actual else math.nan,
        "bias": bias,
        "estimated": len(pairs),
    }


def simulate(config_path: Path, db: Path, sites: list[str] | None, date: dt.date, seed: int) -> Day:
    config = load(config_path)
    chosen = [s for s in config.sites if sites is None or s.id in sites]
    start = dt.datetime.combine(date, dt.time(8, 0), TZ)
    clock = ManualClock(start)
    store = Store(db, config, clock, b"bench-day-secret")
    try:
        store.write_sync(counters.sync)
        day = Day(store, clock, config, chosen, date, seed)
        day.run()
    finally:
        store.close()
    return day


def seed(db: Path, config_path: Path, date: dt.date = dt.date(2026, 5, 12)) -> Day:
    """A full simulated day (by default the Tuesday before the benchmarks' clock) at every site."""
    return simulate(config_path, db, None, date, seed=7)


def render(rep: dict[str, Any], site: str, seed_: int) -> str:
    lines = [
        f"Simulated day at {site} (seed {seed_}): {rep['tickets']} tickets, {rep['served']} served, "
        f"{rep['no_shows']} no-shows, {rep['refused']} refused",
        "",
        "| service | served | mean wait | p90 wait | longest |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for s, v in rep["per_service"].items():
        lines.append(f"| {s} | {v['n']} | {v['mean']:.1f} min | {v['p90']:.1f} min | {v['max']:.1f} min |")
    util = rep["utilisation"]
    mean_util = sum(util.values()) / max(1, len(util))
    lines += [
        "",
        f"longest wait: green channel {rep['longest_green']:.1f} min, normal {rep['longest_normal']:.1f} min",
        "counter utilisation: " + ", ".join(f"{k} {v:.0%}" for k, v in util.items()) + f" (mean {mean_util:.0%})",
        f"estimated wait at issue vs actual ({rep['estimated']} tickets): mean absolute error {rep['mae']:.1f} min, "
        f"{rep['error_share']:.1%} of the actual wait, mean bias {rep['bias']:+.1f} min",
    ]
    return "\n".join(lines)


def pooled(reports: list[dict[str, Any]]) -> dict[str, float]:
    """Error over several days together: sum |est - actual| / sum actual over all their tickets."""
    abs_err = sum(r["mae"] * r["estimated"] for r in reports)
    actual = sum(r["mae"] * r["estimated"] / r["error_share"] for r in reports if r["error_share"] > 0)
    n = sum(r["estimated"] for r in reports)
    return {"mae": abs_err / n, "error_share": abs_err / actual, "worst": max(r["error_share"] for r in reports)}


def days(
    site: str = "youyi", seeds: range = range(1, 11), date: dt.date = dt.date(2026, 5, 13)
) -> list[dict[str, Any]]:
    """Simulate one day per seed (the same weekday, different residents); their reports."""
    from bench.common import ROOT

    out = []
    for seed_ in seeds:
        tmp = Path(tempfile.mkdtemp(prefix="hall-day-"))
        try:
            out.append(report(simulate(ROOT / "config.toml", tmp / "day.db", [site], date, seed_)))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def summary(reports: list[dict[str, Any]], seeds: range) -> str:
    p = pooled(reports)
    each = ", ".join(f"{r['error_share']:.0%}" for r in reports)
    return (
        f"estimate error over {len(reports)} days (seeds {seeds.start}-{seeds.stop - 1}): {p['error_share']:.1%} of "
        f"the actual wait, mean absolute error {p['mae']:.1f} min (each day: {each}); SPEC 9: < {TARGET:.0%}"
    )


def measure(table: Any) -> None:
    """The row of ``make bench``."""
    from bench.common import Row

    seeds = range(1, 11)
    reports = days(seeds=seeds)
    p = pooled(reports)
    table.add(
        Row(
            "estimated wait, simulated day",
            f"error {p['error_share']:.1%} of actual wait, MAE {p['mae']:.1f} min over 10 days "
            f"(worst day {p['worst']:.0%})",
            f"< {TARGET:.0%}",
            p["error_share"] < TARGET,
        )
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.day")
    p.add_argument("--site", default="youyi")
    p.add_argument("--seed", type=int, default=1, help="the first day's seed")
    p.add_argument("--days", type=int, default=10, help="days to simulate (seeds seed, seed+1, ...)")
    p.add_argument("--date", default="2026-05-13", help="a weekday (default: Wednesday 2026-05-13)")
    args = p.parse_args(argv)
    started = time.monotonic()
    seeds = range(args.seed, args.seed + args.days)
    reports = days(args.site, seeds, dt.date.fromisoformat(args.date))
    print(render(reports[0], args.site, args.seed))
    print()
    print(summary(reports, seeds))
    print(f"({time.monotonic() - started:.1f} s)")
    return 0 if pooled(reports)["error_share"] < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
