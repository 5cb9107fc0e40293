"""The live hall as a supervisor sees it (staff only): who is served where since when,
every waiting ticket with its arrival, today's bad ratings and help requests, device health.

The page starts from this view and then follows the public site socket (``seq`` says which
events the view already reflects).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import store
from core.days.hours import local_day
from core.model import Ticket, iso
from core.queue import calling, help_requests
from core.queue.calling import Candidate
from core.queue.views import counter_view, services_view, site_or_raise, site_summary
from core.store import evaluation as sql_eval
from core.store import stats as sql
from core.store.db import Reader
from core.supervision import evaluation

WAITING_LIMIT = 500


def _counters(r: Reader, site_id: str) -> list[dict[str, Any]]:
    """The counters as the clerks' view shows them, plus since when an open counter is idle."""
    site = site_or_raise(r, site_id)
    rows = {row.id: row for row in store.site_counters(r, site_id)}
    out = []
    for k in site.counters:
        row = rows.get(k.id)
        if row is None:
            continue
        view = counter_view(r, row, private=True)
        idle_since = row.state_ts
        if row.state == "open" and row.current is None:  # idle since the later of opening and the last visit
            last = sql_eval.last_done_at_counter(r, site.id, k.id, row.state_ts or 0)
            idle_since = max(row.state_ts or 0, last["closed_ts"]) if last is not None else row.state_ts
        out.append({**view, "idle_since": iso(idle_since)})
    return out


def in_calling_order(waiting: list[Ticket], now_ts: float) -> list[Ticket]:
    """The waiting tickets in the order the calling rule takes them (core/calling.sort_key),
    site-wide: no counter's service preference."""
    keyed = {
        t.id: calling.sort_key(
            Candidate(t.id, t.number, t.service, t.priority, t.arrived_ts, t.rank_ts, bool(t.front), t.front_ts,
                      t.due_ts, t.target_counter, bool(t.requeued)),
            now_ts,
            [],
        )
        for t in waiting
    }  # fmt: skip
    return sorted(waiting, key=lambda t: keyed[t.id])


def hall_view(r: Reader, site_id: str) -> dict[str, Any]:
    """Everything the supervisors' hall page starts from, read in one snapshot."""
    site = site_or_raise(r, site_id)
    today = local_day(r.now)
    start = dt.datetime(today.year, today.month, today.day, tzinfo=r.now.tzinfo).timestamp()
    waiting = store.waiting_list(r, site.id, None, limit=WAITING_LIMIT)
    ratings = evaluation.bad_ratings(r, site.id, start, start + 86400, bad_only=False)
    return {
        "site": site_summary(r, site),
        "seq": store.last_seq(r, site.id),
        "now": iso(r.now.timestamp()),
        "counters": _counters(r, site.id),
        "services": services_view(r, site),
        "waiting": [
            {
                "number": t.number,
                "service": t.service,
                "priority": t.priority,
                "arrived_at": iso(t.arrived_ts),
                "front": bool(t.front),
                "requeued": bool(t.requeued),
                "transfers": t.transfers,
                "target_counter": t.target_counter,
                "due_at": iso(t.due_ts),
            }
            for t in in_calling_order(waiting, r.now.timestamp())
        ],
        "bad": [x for x in ratings if x["grade"] in evaluation.BAD],
        "ratings_today": {
            "evaluations": len(ratings),
            "satisfied": sum(x["grade"] in evaluation.SATISFIED for x in ratings),
            "bad": sum(x["grade"] in evaluation.BAD for x in ratings),
        },
        "help": help_requests.of_today(r, site.id),
        "devices": [
            {
                "device": d["device"],
                "kind": d["kind"],
                "last_seen": iso(d["last_seen_ts"]),
                "printer_online": d["printer_online"],
                "paper": d["paper"],
                "reader_present": d["reader_present"],
            }
            for d in sql.device_status(r, site.id)
        ],
    }
