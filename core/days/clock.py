"""One clock for the whole server. Time is injected, never read from ``datetime.now``."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from typing import Protocol
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, aware, in the hall's time zone."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(TZ)


class SimulatedClock:
    """Starts at ``start`` and runs ``speed`` times faster than real time (``HALL_CLOCK``)."""

    def __init__(self, start: dt.datetime, speed: float = 1.0) -> None:
        if start.tzinfo is None:
            raise ValueError("HALL_CLOCK needs an offset, e.g. 2026-05-20T09:00:00+08:00")
        self.start = start.astimezone(TZ)
        self.speed = speed
        self._t0 = time.monotonic()

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=(time.monotonic() - self._t0) * self.speed)


class ManualClock:
    """A clock that moves only when told to: for tests and simulations."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start.astimezone(TZ)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> dt.datetime:
        with self._lock:
            self._now += dt.timedelta(**delta)
            return self._now

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when.astimezone(TZ)


def from_env(env: dict[str, str] | None = None) -> Clock:
    """``HALL_CLOCK`` (ISO 8601 with offset) and ``HALL_CLOCK_SPEED`` pick a simulated clock."""
    env = dict(os.environ) if env is None else env
    start = env.get("HALL_CLOCK")
    if not start:
        return SystemClock()
    return SimulatedClock(dt.datetime.fromisoformat(start), float(env.get("HALL_CLOCK_SPEED", "1")))
