"""Statistics of a site over a date range, computed from the event log in one pass.

Every ticket's events are replayed in order, so the figures stay right after transfers,
recalls, requeued no-shows and reinstatements (docs/statistics.md defines each figure):

- a ticket counts once as *issued* (for the service it was issued for) and once in its
  *final outcome* (served, no-show, cancelled, expired, or still open), for the service,
  counter and clerk of the event that closed it; a requeued no-show or a reinstatement
  undoes nothing twice: only the last closing event counts;
- *waiting time* is issue to first call; *service time* is each start (``ticket.serving``)
  to the ``ticket.done`` that follows it;
- *pause time* runs from a ``counter.updated`` that says paused to the next one for that
  counter, counted within opening hours only;
- the clerk of a counter action is the event's actor.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from core.config import Site
from core.days import dates
from core.days.calendar import Schedule
from core.days.clock import TZ
from core.days.hours import window
from core.errors import InvalidInput
from core.queue.views import site_or_raise
from core.store import stats as sql
from core.store.db import Reader
from core.supervision.evaluation import BAD, GRADES, SATISFIED

MAX_DAYS = 366
OUTCOMES = ("served", "no_show", "cancelled", "expired")


@dataclass
class Acc:
    """Counts and samples for one row of a table (the site, a service, a counter, a clerk)."""

    issued: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    expired: int = 0
    requeued: int = 0
    transfers: int = 0
    recalls: int = 0
    waits: list[float] = field(default_factory=list)  # seconds, issue to first call
    services: list[float] = field(default_factory=list)  # seconds, start to done
    pause: float = 0.0  # seconds
    evaluations: int = 0
    satisfied: int = 0
    bad: int = 0


@dataclass
class _Ticket:
    issued_at: float
    service: str
    called: bool = False
    serving: tuple[float, str | None, str | None] | None = None  # start, counter, clerk
    outcome: tuple[str, str, str | None, str | None] | None = None  # kind, service, counter, clerk


@dataclass
class _CounterState:
    state: str
    since: float
    reason: str | None
    clerk: str | None


@dataclass
class Stats:
    """The raw result of one pass: what ``report`` and staffing read."""

    site: Site
    from_day: dt.date
    to_day: dt.date
    site_acc: Acc = field(default_factory=Acc)
    by_service: dict[str, Acc] = field(default_factory=lambda: defaultdict(Acc))
    by_counter: dict[str, Acc] = field(default_factory=lambda: defaultdict(Acc))
    by_clerk: dict[str, Acc] = field(default_factory=lambda: defaultdict(Acc))
    arrivals: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    open_seconds: dict[tuple[str, int], float] = field(default_factory=lambda: defaultdict(float))
    pauses: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # reason -> segments (s)
    open_tickets: int = 0
    grades: dict[int, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    appointments: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))


def day_range(from_day: str | None, to_day: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """Parse ``from``/``to`` (``YYYY-MM-DD``, inclusive; both default to today).

    :raises InvalidInput: ``to`` before ``from``, or more than ``MAX_DAYS``.
    :raises InvalidDate: not a date, in the future, or more than ten years back.
    """
    start = dates.parse_day(from_day, today, field="from", future=0) if from_day else today
    end = dates.parse_day(to_day, today, field="to", future=0) if to_day else (start if from_day else today)
    if end < start:
        raise InvalidInput("结束日期早于开始日期 / to is before from", field="to")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"最多 {MAX_DAYS} 天 / at most {MAX_DAYS} days at a time", field="to")
    return start, end


def midnight(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp()


def _local(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, TZ)


class _Pass:
    """One pass over the events of a site: feeds a ``Stats``."""

    def __init__(self, stats: Stats, end_ts: float, schedule: Schedule) -> None:
        self.s = stats
        self.end_ts = end_ts
        self.schedule = schedule  # opening hours bound the counters' open time
        self.tickets: dict[str, _Ticket] = {}
        self.counters: dict[str, _CounterState] = {}

    def _rows(self, *keys: tuple[dict[str, Acc], str | None]) -> list[Acc]:
        return [self.s.site_acc, *(table[k] for table, k in keys if k)]

    def event(self, e: Any) -> None:
        kind, at = e["type"], float(e["at_ts"])
        if kind == "counter.updated":
            if e["counter_id"]:
                self._counter(str(e["counter_id"]), str(e["counter_state"]), e["pause_reason"], e["actor"], at)
            return
        t = self.tickets.get(e["ticket"]) if e["ticket"] else None
        if kind == "ticket.issued" and e["ticket"]:
            service = str(e["service"])
            self.tickets[e["ticket"]] = _Ticket(at, service)
            for acc in self._rows((self.s.by_service, service)):
                acc.issued += 1
            local = _local(at)
            self.s.arrivals[(local.date().isoformat(), local.hour)] += 1
            return
        if t is None:  # a ticket issued before the range: not ours to count
            return
        counter: str | None = e["by_counter"]
        service = str(e["service"] or t.service)
        clerk = e["actor"] if counter else None  # counter actions only: not kiosks, not the system
        if counter and counter not in self.counters:
            self.counters[counter] = _CounterState("open", at, None, clerk)  # it acts, so it is open
        rows = self._rows((self.s.by_service, service), (self.s.by_counter, counter), (self.s.by_clerk, clerk))
        if kind == "ticket.called":
            for acc in rows:
                acc.called += 1
                if not t.called:
                    acc.waits.append(at - t.issued_at)
            t.called = True
        elif kind == "ticket.recalled":
            for acc in rows:
                acc.recalls += 1
        elif kind == "ticket.serving":
            t.serving = (at, counter, clerk)
        elif kind == "ticket.done":
            if t.serving is not None:
                for acc in rows:
                    acc.services.append(at - t.serving[0])
            t.serving = None
            t.outcome = ("served", service, counter, clerk)
        elif kind == "ticket.no_show":
            if e["requeued"]:
                for acc in rows:
                    acc.requeued += 1
                t.outcome = None
            else:
                t.outcome = ("no_show", service, counter, clerk)
        elif kind == "ticket.transferred":
            for acc in rows:
                acc.transfers += 1
            t.serving = None
            t.outcome = None
        elif kind == "ticket.reinstated":
            t.outcome = None
        elif kind in ("ticket.cancelled", "ticket.expired"):
            t.serving = None
            t.outcome = (kind.removeprefix("ticket."), service, counter, clerk)

    # -- counters: pause and open time ---------------------------------------------------
    def _counter(self, counter: str, state: str, reason: str | None, clerk: str, at: float) -> None:
        prev = self.counters.get(counter)
        if prev is not None:
            self._segment(counter, prev, at)
        self.counters[counter] = _CounterState(state, at, reason, clerk)

    def _segment(self, counter: str, st: _CounterState, end: float) -> None:
        if st.state not in ("open", "paused") or end <= st.since:
            return
        total = 0.0
        day = _local(st.since).date()
        while midnight(day) < end:
            w = window(self.s.site, day, self.schedule)
            if w is not None:
                lo, hi = max(st.since, w[0].timestamp()), min(end, w[1].timestamp())
                if hi > lo:
                    total += hi - lo
                    if st.state == "open":
                        self._open_hours(lo, hi)
            day += dt.timedelta(days=1)
        if st.state == "paused" and total > 0:
            reason = st.reason or "unknown"
            self.s.pauses[reason].append(total)
            for acc in self._rows((self.s.by_counter, counter), (self.s.by_clerk, st.clerk)):
                acc.pause += total

    def _open_hours(self, lo: float, hi: float) -> None:
        t = lo
        while t < hi:
            local = _local(t)
            hour_end = local.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
            nxt = min(hi, hour_end.timestamp())
            self.s.open_seconds[(local.date().isoformat(), local.hour)] += nxt - t
            t = nxt

    def finish(self) -> None:
        for counter_id, st in self.counters.items():
            self._segment(counter_id, st, self.end_ts)
        for t in self.tickets.values():
            if t.outcome is None:
                self.s.open_tickets += 1
                continue
            kind, service, counter, clerk = t.outcome
            for acc in self._rows((self.s.by_service, service), (self.s.by_counter, counter), (self.s.by_clerk, clerk)):
                setattr(acc, kind, getattr(acc, kind) + 1)


def compute(r: Reader, site_id: str, from_day: dt.date, to_day: dt.date, *, weekday: int | None = None) -> Stats:
    """Replay a site's events of ``from_day..to_day`` (only those on ``weekday``, 0 = Monday, if
    given: staffing) and read its ratings and appointments."""
    site = site_or_raise(r, site_id)
    stats = Stats(site, from_day, to_day)
    from_ts, to_ts = midnight(from_day), midnight(to_day + dt.timedelta(days=1))
    one = _Pass(stats, min(to_ts, r.now.timestamp()), r.schedule)
    offset = _local(from_ts).utcoffset() or dt.timedelta(0)
    for e in sql.events(r, site.id, from_ts, to_ts, weekday=weekday, utc_offset=int(offset.total_seconds())):
        one.event(e)
    one.finish()
    if weekday is not None:
        return stats
    for row in sql.evaluations(r, site.id, from_ts, to_ts):
        grade = int(row["grade"])
        stats.grades[grade] += 1
        keys = ((stats.by_service, row["service"]), (stats.by_counter, row["counter"]), (stats.by_clerk, row["clerk"]))
        for acc in one._rows(*keys):
            acc.evaluations += 1
            acc.satisfied += grade in SATISFIED
            acc.bad += grade in BAD
    for row in sql.appointments(r, site.id, from_day.isoformat(), to_day.isoformat()):
        stats.appointments[row["service"]][row["status"]] += int(row["n"])
    return stats
