"""Estimated wait: replay the calling rules over the waiting queue with mean durations.

Every open counter, from the moment it is expected to be free, calls what the real rules
(``core.queue.calling``) would call among the tickets waiting now, and is busy for the mean
counter time of that ticket's service (from the call to done, so the walk to the counter
counts). That gives the instant each waiting ticket should be called, and, for each
service, the instant a ticket taken now would be: when the first counter serving it has
nothing earlier left. Counters shared by several services, priority classes, transfers
to the front and tickets sent to one counter are all followed as the rules follow them.

When more tickets wait than ``REPLAY_LIMIT`` (a load test, not a hall: replaying costs about
15 microseconds per waiting ticket, every ``ESTIMATE_SECONDS`` per site), the estimate
falls back to a fluid model: people ahead x mean minutes / the counters' capacity.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from core.queue.calling import Candidate, sort_key

REPLAY_LIMIT = 500
# A counter past its mean counter time is expected to need this share of it again:
# service times are skewed (lognormal-like), so a long service tends to run on.
RESIDUAL_SHARE = 0.35


@dataclass(frozen=True)
class OpenCounter:
    """An open counter: its services, and when it is expected to be free (timestamp)."""

    id: str
    services: Sequence[str]
    free_at: float


@dataclass(frozen=True)
class Forecast:
    """When the waiting tickets of one service should be called.

    ``calls``: predicted call instants of the service's waiting tickets, in calling order;
    ``tail``: the instant a ticket taken now, behind all of them, would be called (None
    when no open counter serves the service); ``step``: seconds of counter time per
    further ticket of the service (for positions beyond ``calls``).
    """

    calls: tuple[float, ...]
    tail: float | None
    step: float

    def call_at(self, ahead: int) -> float | None:
        """The predicted call instant of a ticket with ``ahead`` people before it."""
        if self.tail is None:
            return None
        if ahead < len(self.calls):
            return self.calls[ahead]
        return self.tail + (ahead - len(self.calls)) * self.step

    def wait_minutes(self, ahead: int, now: float) -> int | None:
        at = self.call_at(ahead)
        return None if at is None else max(0, math.floor((at - now) / 60 + 0.5))


def mean_minutes(recent: Sequence[float], typical: float) -> float:
    """Mean of recent durations (minutes), shrunk towards the typical value when few.

    With no history the configured typical minutes stand; each real duration weighs as
    much as the prior, so five observations already dominate it.
    """
    prior_weight = 2.0
    return (typical * prior_weight + sum(recent)) / (prior_weight + len(recent))


def free_at(called_ts: float, cycle_minutes: float, now: float) -> float:
    """When a counter that called its ticket at ``called_ts`` is expected to be free."""
    cycle = cycle_minutes * 60
    return max(called_ts + cycle, now + RESIDUAL_SHARE * cycle)


def replay(
    counters: Sequence[OpenCounter], waiting: Sequence[Candidate], cycle: dict[str, float], now: float
) -> dict[str, Forecast]:
    """Forecasts per service for ``waiting`` (any order) served by ``counters``.

    ``cycle``: mean counter minutes per ticket of each service.
    """
    by_service: dict[str, deque[tuple[tuple[object, ...], Candidate]]] = {}
    by_counter: dict[str, deque[tuple[tuple[object, ...], Candidate]]] = {}
    for t in sorted(waiting, key=lambda t: sort_key(t, now, [])):
        item = (sort_key(t, now, []), t)
        if t.target_counter is not None:
            by_counter.setdefault(t.target_counter, deque()).append(item)
        else:
            by_service.setdefault(t.service, deque()).append(item)
    calls: dict[str, list[float]] = {s: [] for s in cycle}
    drained: dict[str, float] = {}
    heap = [(max(c.free_at, now), i) for i, c in enumerate(counters)]
    heapq.heapify(heap)
    while heap:
        at, i = heapq.heappop(heap)
        k = counters[i]
        queues = [by_service[s] for s in k.services if by_service.get(s)]
        if by_counter.get(k.id):
            queues.append(by_counter[k.id])
        if not queues:
            drained[k.id] = at
            continue
        queue = min(queues, key=lambda q: q[0][0])
        _, t = queue.popleft()
        if t.target_counter is None:
            calls.setdefault(t.service, []).append(at)
        heapq.heappush(heap, (at + cycle.get(t.service, 10.0) * 60, i))
    out = {}
    for s, minutes in cycle.items():
        serving = [c for c in counters if s in c.services]
        tail = min((drained[c.id] for c in serving), default=None)
        out[s] = Forecast(tuple(calls.get(s, ())), tail, minutes * 60 / max(1, len(serving)))
    return out


def capacity(service: str, counters: Sequence[OpenCounter], work: dict[str, float]) -> float:
    """How many counters' worth of time goes to ``service``.

    A counter serving several services splits its time in proportion to the work waiting
    for each (waiting tickets x mean minutes); with nothing waiting, evenly.
    """
    total = 0.0
    for c in counters:
        if service not in c.services:
            continue
        shared = sum(work.get(s, 0.0) for s in c.services)
        total += work.get(service, 0.0) / shared if shared > 0 else 1.0 / len(c.services)
    return total


def fluid(
    counters: Sequence[OpenCounter], waiting: dict[str, int], cycle: dict[str, float], now: float
) -> dict[str, Forecast]:
    """Forecasts without the queue's order: people ahead x mean minutes / capacity."""
    work = {s: waiting.get(s, 0) * m for s, m in cycle.items()}
    out = {}
    for s, minutes in cycle.items():
        serving = [c for c in counters if s in c.services]
        if not serving:
            out[s] = Forecast((), None, 0.0)
            continue
        # nothing of it waiting at busy shared counters: count its even share of them
        cap = capacity(s, counters, work) or sum(1 / len(c.services) for c in serving)
        first = min(max(c.free_at, now) for c in serving)
        out[s] = Forecast((), first, minutes * 60 / cap)
    return out
