"""限时办结 for supervisors (SPEC 6c): matters near or past due per site and clerk, the overdue
alert on the live hall page, and on-time completion per item and site (with the ratings)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from core.days.hours import local_day
from core.matters import catalogue
from core.matters.rating import day_range, ratings_between
from core.matters.views import summary
from core.store import matters as sql
from core.store.db import Reader, Tx


def site_board(r: Reader, site_id: str) -> dict[str, Any]:
    """Open matters processed at the site (or handed off to it), near or past due, and per clerk
    (the one working on it, else the one who accepted it)."""
    rows = [summary(r, m) for m in sql.of_site(r, site_id, list(sql.OPEN))]
    mine = [m for m in rows if m["processing_site"] == site_id or m["holder"] == site_id]
    per: dict[str, dict[str, Any]] = defaultdict(lambda: {"open": 0, "near": 0, "overdue": 0})
    for m in mine:
        who = per[m["assignee"] or m["clerk"]]
        who["open"] += 1
        if m["urgency"] != "ok":
            who[m["urgency"]] += 1
    return {
        "site": site_id,
        "today": local_day(r.now).isoformat(),
        "open": len(mine),
        "near": [m for m in mine if m["urgency"] == "near"],
        "overdue": [m for m in mine if m["urgency"] == "overdue"],
        "by_clerk": [{"clerk": k, **v} for k, v in sorted(per.items())],
        "incoming": [m for m in rows if m["status"] == "handed_off" and m["processing_site"] == site_id],
    }


def sweep_overdue(tx: Tx) -> int:
    """Alert once for each matter that passed its due day (housekeeping): a ``matter.overdue`` event
    on the processing site's socket; the hall page shows it. No code, no identity on that socket."""
    n = 0
    for m in sql.overdue_unalerted(tx, local_day(tx.now).isoformat()):
        item = catalogue.item_of(tx.config, m["item"])
        sql.update(tx, m["code"], overdue_alerted=1)
        data = {"item": m["item"], "item_name": item.name if item else m["item"],
                "item_name_en": item.name_en if item else m["item"], "due": m["due_day"]}  # fmt: skip
        tx.emit(m["processing_site"], "matter.overdue", data)
        n += 1
    return n


def stats(r: Reader, site_id: str, first: dt.date, last: dt.date) -> dict[str, Any]:
    """On-time completion per item and processing site, for matters made ready in the range (either
    center's part), and the matter ratings given in it."""
    from_ts, to_ts = day_range(r, first, last)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for m in sql.finished_between(r, site_id, from_ts, to_ts):
        s = summary(r, m)
        key = (s["item"], s["processing_site"])
        g = groups.setdefault(key, {"item": s["item"], "item_name": s["item_name"], "item_name_en": s["item_name_en"],
                                    "processing_site": s["processing"], "accepted_here": 0,
                                    "finished": 0, "on_time": 0, "grades": []})  # fmt: skip
        g["finished"] += 1
        g["on_time"] += 1 if s["on_time"] else 0
        g["accepted_here"] += 1 if m["accepted_site"] == site_id else 0
    ratings = ratings_between(r, site_id, first, last)
    for x in ratings:
        m = sql.get(r, x["code"])
        key = (x["item"], m["processing_site"] if m else site_id)
        if key in groups:
            groups[key]["grades"].append(x["grade"])
    rows = []
    for g in sorted(groups.values(), key=lambda g: (g["processing_site"]["id"], g["item"])):
        grades = g.pop("grades")
        rows.append({**g, "on_time_rate": round(g["on_time"] / g["finished"], 3) if g["finished"] else None,
                     "ratings": len(grades), "mean_grade": round(sum(grades) / len(grades), 2) if grades else None,
                     "satisfied": sum(1 for x in grades if x >= 4)})  # fmt: skip
    finished = sum(g["finished"] for g in rows)
    on_time = sum(g["on_time"] for g in rows)
    return {
        "site": site_id, "from": first.isoformat(), "to": last.isoformat(), "rows": rows,
        "finished": finished, "on_time": on_time, "on_time_rate": round(on_time / finished, 3) if finished else None,
        "ratings": ratings,
    }  # fmt: skip


CSV_HEADER = ["item", "item_name", "processing_site", "finished", "on_time", "on_time_rate", "ratings",
              "mean_grade", "satisfied", "accepted_here"]  # fmt: skip


def csv_rows(report: dict[str, Any]) -> list[list[Any]]:
    out: list[list[Any]] = [CSV_HEADER]
    for g in report["rows"]:
        out.append([g["item"], g["item_name"], g["processing_site"]["id"], g["finished"], g["on_time"],
                    g["on_time_rate"], g["ratings"], g["mean_grade"], g["satisfied"], g["accepted_here"]])  # fmt: skip
    return out
