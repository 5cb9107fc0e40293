"""Which waiting ticket a counter calls next, and why (SPEC 4). Pure: no I/O.

Order: (a) transfers flagged "front", earliest transfer first; (b) appointments whose slot
has started, earliest slot first; (c) everyone else by effective arrival = arrival minus
the priority class's bonus (the same as ordering by effective waiting time), then by
arrival, then by the counter's service preference, then by number. The same inputs
always give the same choice. A remote ticket is a candidate only once checked in (the store
offers ``waiting`` tickets only); its effective arrival is its issue time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.days.clock import TZ

GREEN = frozenset({"elderly", "disabled", "pregnant", "military"})
PRIORITIES = frozenset({"normal", "appointment"} | GREEN)

_GREEN_NAMES = {
    "elderly": "老年人 / senior",
    "disabled": "残疾人 / disability",
    "pregnant": "孕妇 / pregnancy",
    "military": "军人优先 / military",
}


@dataclass(frozen=True)
class Candidate:
    id: str
    number: str
    service: str
    priority: str
    arrived_ts: float
    rank_ts: float
    front: bool = False
    front_ts: float | None = None
    due_ts: float | None = None
    target_counter: str | None = None
    requeued: bool = False
    source: str = ""
    issued_ts: float | None = None  # a remote ticket ranks from issue, waits from check-in (arrived_ts)


def bonus_minutes(priority: str, green_bonus: float) -> float:
    return green_bonus if priority in GREEN else 0.0


def _class(c: Candidate, now_ts: float) -> int:
    if c.front:
        return 0
    if c.due_ts is not None and c.due_ts <= now_ts:
        return 1
    return 2


def sort_key(c: Candidate, now_ts: float, preference: list[str]) -> tuple[object, ...]:
    cls = _class(c, now_ts)
    pref = preference.index(c.service) if c.service in preference else len(preference)
    if cls == 0:
        first = c.front_ts or 0.0
    elif cls == 1:
        first = c.due_ts or 0.0
    else:
        first = c.rank_ts
    return (cls, first, c.arrived_ts, pref, c.number)


def choose(candidates: Iterable[Candidate], preference: list[str], now: dt.datetime) -> tuple[Candidate, str] | None:
    """The ticket to call and the reason, or None when nobody waits."""
    now_ts = now.timestamp()
    best = min(candidates, key=lambda c: sort_key(c, now_ts, preference), default=None)
    if best is None:
        return None
    return best, explain(best, now)


def explain(c: Candidate, now: dt.datetime) -> str:
    now_ts = now.timestamp()
    cls = _class(c, now_ts)
    if cls == 0:
        return "转办优先：已转到前面 / transferred to the front of the queue"
    if cls == 1:
        slot = dt.datetime.fromtimestamp(c.due_ts or 0, TZ).strftime("%H:%M")
        return f"预约号：预约时段 {slot} 已开始 / appointment: slot {slot} has started"
    waited = max(0, round((now_ts - c.arrived_ts) / 60))
    effective = max(0, round((now_ts - c.rank_ts) / 60))
    if c.priority in GREEN:
        extra = effective - waited
        return (
            f"绿色通道（{_GREEN_NAMES[c.priority].split(' / ')[0]}）：已等 {waited} 分钟，加 {extra} 分钟，"
            f"有效等候最久 / green channel ({_GREEN_NAMES[c.priority].split(' / ')[1]}): waited {waited} min "
            f"+ {extra} min bonus, longest effective wait"
        )
    if c.source == "remote" and c.issued_ts is not None:
        taken = dt.datetime.fromtimestamp(c.issued_ts, TZ).strftime("%H:%M")
        came = dt.datetime.fromtimestamp(c.arrived_ts, TZ).strftime("%H:%M")
        return (
            f"远程取号：{taken} 取号、{came} 签到，按取号时间排队 / remote ticket: taken {taken}, checked in {came}, "
            "queued from the time it was taken"
        )
    if c.requeued:
        return f"过号重排：已等 {waited} 分钟 / missed call, requeued: waited {waited} min"
    return f"等候最久：已等 {waited} 分钟 / longest wait: {waited} min"
