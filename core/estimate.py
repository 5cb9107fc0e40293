"""Estimated wait from recent service durations and the counters open for a service."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OpenCounter:
    """An open counter: the services it serves and whether it has a ticket in hand."""

    services: Sequence[str]
    busy: bool


def mean_minutes(recent: Sequence[float], typical: float) -> float:
    """Mean of recent service durations (minutes), shrunk towards the typical value when few.

    With no history the configured typical minutes stand; each real duration weighs as
    much as the prior, so five observations already dominate it.
    """
    prior_weight = 2.0
    return (typical * prior_weight + sum(recent)) / (prior_weight + len(recent))


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


def wait_minutes(ahead: int, minutes: float, cap: float, all_busy: bool) -> int | None:
    """Minutes until a ticket with ``ahead`` people before it is called; None if no counter serves it."""
    if cap <= 0:
        return None
    wait = ahead * minutes / cap
    if all_busy:
        wait += minutes / (2 * max(cap, 1.0))
    return math.ceil(wait - 1e-9)
