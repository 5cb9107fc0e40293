"""The statistics report: the raw result of ``core.supervision.stats.compute`` as JSON-ready tables.

Minutes have one decimal; rates are fractions (4 decimals); averages are arithmetic means
and percentiles nearest-rank (docs/statistics.md).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from core.config import Site
from core.model import PAUSE_REASONS
from core.store.db import Reader
from core.supervision.evaluation import BAD, GRADES, SATISFIED
from core.supervision.stats import Acc, Stats, compute


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``p`` % of values at or below it."""
    s = sorted(values)
    if not s:
        return None
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def figures(acc: Acc) -> dict[str, Any]:
    counts = ("issued", "called", "served", "no_show", "cancelled", "expired", "requeued", "transfers", "recalls")
    return {
        **{key: getattr(acc, key) for key in counts},
        "wait_count": len(acc.waits),
        "wait_avg": _minutes(_mean(acc.waits)),
        "wait_p90": _minutes(percentile(acc.waits, 90)),
        "service_count": len(acc.services),
        "service_avg": _minutes(_mean(acc.services)),
        "service_p90": _minutes(percentile(acc.services, 90)),
        "pause_minutes": _minutes(acc.pause),
        "evaluations": acc.evaluations,
        "satisfied": acc.satisfied,
        "bad": acc.bad,
        "satisfaction_rate": _rate(acc.satisfied, acc.evaluations),
    }


def _appointment_rows(stats: Stats, r: Reader) -> list[dict[str, Any]]:
    rows = []
    for service, counts in sorted(stats.appointments.items()):
        showed = counts.get("completed", 0) + counts.get("checked_in", 0)
        svc = r.config.service(service)
        rows.append(
            {
                "service": service,
                "name": svc.name if svc else service,
                "name_en": svc.name_en if svc else service,
                "booked": counts.get("booked", 0),
                "checked_in": counts.get("checked_in", 0),
                "completed": counts.get("completed", 0),
                "no_show": counts.get("no_show", 0),
                "cancelled": counts.get("cancelled", 0),
                "show_rate": _rate(showed, showed + counts.get("no_show", 0)),
            }
        )
    return rows


def _hours(site: Site, stats: Stats) -> list[int]:
    """The heat map's columns: the site's weekday opening hours and any hour with arrivals."""
    used = {h for _, h in stats.arrivals}
    opens, closes = site.hours.weekday.open, site.hours.weekday.close
    last = int(closes[:2]) - (closes[3:] == "00")
    used |= set(range(int(opens[:2]), last + 1))
    return list(range(min(used), max(used) + 1)) if used else []


def report(r: Reader, stats: Stats) -> dict[str, Any]:
    """The statistics as JSON-ready tables (minutes with one decimal; rates as fractions)."""
    site = stats.site
    totals = {**figures(stats.site_acc), "open": stats.open_tickets}
    services = []
    for sid in [*site.services, *sorted(set(stats.by_service) - set(site.services))]:
        svc = r.config.service(sid)
        names = {"name": svc.name if svc else sid, "name_en": svc.name_en if svc else sid}
        services.append({"service": sid, **names, **figures(stats.by_service.get(sid, Acc()))})
    counters = []
    for k in site.counters:
        if k.id in stats.by_counter:
            counters.append({"counter": k.id, "number": k.number, **figures(stats.by_counter[k.id])})
    clerks = [{"clerk": name, **figures(acc)} for name, acc in sorted(stats.by_clerk.items())]
    dates = [
        (stats.from_day + dt.timedelta(days=i)).isoformat() for i in range((stats.to_day - stats.from_day).days + 1)
    ]
    hours = _hours(site, stats)
    pauses = [
        {
            "reason": reason,
            "reason_text": PAUSE_REASONS.get(reason, reason),
            "count": len(segs),
            "minutes": _minutes(sum(segs)),
        }
        for reason, segs in sorted(stats.pauses.items())
    ]
    appts = _appointment_rows(stats, r)
    showed = sum(a["checked_in"] + a["completed"] for a in appts)
    no_show = sum(a["no_show"] for a in appts)
    n_eval = sum(stats.grades.values())
    satisfied = sum(n for g, n in stats.grades.items() if g in SATISFIED)
    return {
        "site": {"id": site.id, "name": site.name, "name_en": site.name_en},
        "from": stats.from_day.isoformat(),
        "to": stats.to_day.isoformat(),
        "generated_at": r.now.isoformat(timespec="seconds"),
        "totals": totals,
        "services": services,
        "counters": counters,
        "clerks": clerks,
        "heatmap": {
            "dates": dates,
            "hours": hours,
            "issued": [[stats.arrivals.get((d, h), 0) for h in hours] for d in dates],
        },
        "pauses": pauses,
        "appointments": {
            "rows": appts,
            "showed": showed,
            "no_show": no_show,
            "show_rate": _rate(showed, showed + no_show),
        },
        "satisfaction": {
            "evaluations": n_eval,
            "satisfied": satisfied,
            "bad": sum(n for g, n in stats.grades.items() if g in BAD),
            "rate": _rate(satisfied, n_eval),
            "grades": [
                {"grade": g, "label": GRADES[g][0], "label_en": GRADES[g][1], "count": stats.grades[g]}
                for g in sorted(GRADES, reverse=True)
            ],
        },
    }


def site_stats(r: Reader, site_id: str, from_day: dt.date, to_day: dt.date) -> dict[str, Any]:
    return report(r, compute(r, site_id, from_day, to_day))
