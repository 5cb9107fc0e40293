"""Small secrets limited per target (SPEC 8): a booking code is verified by 4 digits of an
applicant's ID number or a phone, which can be guessed. Rotating addresses (behind a trusted
proxy, or many machines) beat a per-address limit, so misses are also counted per code: after
``limits.verify_misses_per_code_per_hour`` wrong verifications within an hour the code is
locked for ``limits.code_lock_minutes`` (every look-up, cancel, reschedule and kiosk print of
it answers 429 ``code_locked``, the right digits included), and its holders are told through the outbox.

Unknown codes are counted the same way, so the answers do not say which codes exist. The
counts live in the server process on SQLite, in the database with several processes on
PostgreSQL (docs/scale.md).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from core import shared_limits
from core.config import Limits
from core.days.clock import Clock
from core.errors import AppointmentNotFound
from core.registry import appointments
from core.store.db import Store
from web.errors import ApiError

T = TypeVar("T")

WINDOW = 3600.0
MAX_CODES = 100_000


class CodeLocked(ApiError):
    def __init__(self, retry_after: float) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(429, "code_locked", f"该预约码验证错误次数过多，已锁定，请 {minutes} 分钟后再试或到现场办理 / "
                         f"too many wrong verifications: this code is locked for {minutes} min",
                         retry_after=math.ceil(retry_after))  # fmt: skip


class CodeGuard:
    """Misses per code, and the locks; in memory, or with ``store`` (PostgreSQL: several processes)
    in the database's ``code_guesses`` (core/shared_limits.py), so N processes allow N misses, not N times N."""

    def __init__(self, clock: Clock, limits: Limits, store: Store | None = None) -> None:
        self.clock = clock
        self.store = store
        self.misses = limits.verify_misses_per_code_per_hour
        self.lock = limits.code_lock_minutes * 60.0
        self._misses: OrderedDict[str, list[float]] = OrderedDict()
        self._locked: dict[str, float] = {}

    @staticmethod
    def _key(code: str) -> str:
        return code.strip().upper()[:32]

    async def check(self, code: str) -> None:
        """:raises CodeLocked: while the code is locked."""
        if self.store is not None:
            left = await self.store.read(shared_limits.code_locked, self._key(code))
            if left > 0:
                raise CodeLocked(left)
            return
        until = self._locked.get(self._key(code))
        now = self.clock.now().timestamp()
        if until is not None:
            if now < until:
                raise CodeLocked(until - now)
            del self._locked[self._key(code)]

    async def missed(self, code: str) -> bool:
        """Count a wrong verification; True when this miss locks the code."""
        key, now = self._key(code), self.clock.now().timestamp()
        if self.store is not None:
            return await self.store.write(shared_limits.code_missed, key, self.misses, WINDOW, self.lock)
        recent = [t for t in self._misses.pop(key, []) if now - t < WINDOW] + [now]
        if len(recent) >= self.misses:
            self._locked[key] = now + self.lock
            return True
        self._misses[key] = recent
        while len(self._misses) > MAX_CODES:
            self._misses.popitem(last=False)
        return False

    async def succeeded(self, code: str) -> None:
        if self.store is not None:
            await self.store.write(shared_limits.code_succeeded, self._key(code))
            return
        self._misses.pop(self._key(code), None)


async def verified(
    hall: Any,
    code: str,
    attempt: Callable[[], Awaitable[T]],
    missing: type[Exception] = AppointmentNotFound,
    warn: bool = True,
) -> T:
    """Run ``attempt`` (a look-up, cancel, reschedule or print that verifies ``code``; a ballot
    entry's or a matter's look-up with their ``missing`` error) under the code's guess limit: a
    wrong verification counts, the one that locks a booking code tells its holders (``warn``).

    :raises CodeLocked: the code is locked.
    :raises AppointmentNotFound: (or ``missing``) a wrong code or verification (one answer for both).
    """
    guard: CodeGuard = hall.guesses
    await guard.check(code)
    try:
        result = await attempt()
    except missing:
        if await guard.missed(code) and warn:
            await hall.store.write(appointments.warn_guessed, code)
        raise
    await guard.succeeded(code)
    return result
