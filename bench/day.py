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
import math
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

# Share of walk-in tickets per service (community centers; the registry's walk-ins below).
from bench.common import percentile
from bench.daysim import TARGET, Day
from core.config import load
from core.days.clock import TZ, ManualClock
from core.queue import counters
from core.store.db import Store


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
