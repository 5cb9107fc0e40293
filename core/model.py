"""The records of the hall: tickets and counters as the store returns them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.days.clock import TZ

OPEN_STATUSES = ("waiting", "called", "serving")
# "remote": taken from afar, holding its place in the queue until its holder checks in (core/queue/remote.py)
STATUSES = frozenset({*OPEN_STATUSES, "remote", "done", "no_show", "cancelled", "expired"})
PAUSE_REASONS = {
    "break": "休息 / break",
    "meeting": "会议 / meeting",
    "fault": "系统故障 / system fault",
    "helping": "协助同事 / helping a colleague",
}


def iso(ts: float | None) -> str | None:
    return None if ts is None else dt.datetime.fromtimestamp(ts, TZ).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Ticket:
    id: str
    site: str
    service: str
    day: str
    seq: int
    number: str
    status: str
    source: str
    priority: str
    issued_ts: float
    arrived_ts: float
    rank_ts: float
    front: int = 0
    front_ts: float | None = None
    due_ts: float | None = None
    target_counter: str | None = None
    counter: str | None = None
    called_ts: float | None = None
    serving_ts: float | None = None
    closed_ts: float | None = None
    recalls: int = 0
    requeued: int = 0
    transfers: int = 0
    id_masked: str | None = None
    device: str | None = None


@dataclass(frozen=True)
class CounterRow:
    id: str
    site: str
    state: str
    pause_reason: str | None
    state_ts: float | None
    clerk: str | None
    current: str | None
