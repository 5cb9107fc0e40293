"""Small secrets limited per target (SPEC 8): a booking code is verified by 4 digits of an
applicant's ID number or a phone, which can be guessed. Rotating addresses (behind a trusted
proxy, or many machines) beat a per-address limit, so misses are also counted per code: after
``limits.verify_misses_per_code_per_hour`` wrong verifications within an hour the code is
locked for ``limits.code_lock_minutes`` (every look-up, cancel, reschedule and kiosk print of
it answers 429 ``code_locked``, the right digits included), and its holders are told through the outbox.

Unknown codes are counted the same way, so the answers do not say which codes exist. The
counts live in the server process, like the other limits (docs/security.md).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from core.config import Limits
from core.days.clock import Clock
from core.errors import AppointmentNotFound
from core.registry import appointments
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
    def __init__(self, clock: Clock, limits: Limits) -> None:
        self.clock = clock
        self.misses = limits.verify_misses_per_code_per_hour
        self.lock = limits.code_lock_minutes * 60.0
        self._misses: OrderedDict[str, list[float]] = OrderedDict()
        self._locked: dict[str, float] = {}

    @staticmethod
    def _key(code: str) -> str:
        return code.strip().upper()[:32]

    def check(self, code: str) -> None:
        """:raises CodeLocked: while the code is locked."""
        until = self._locked.get(self._key(code))
        now = self.clock.now().timestamp()
        if until is not None:
            if now < until:
                raise CodeLocked(until - now)
            del self._locked[self._key(code)]

    def missed(self, code: str) -> bool:
        """Count a wrong verification; True when this miss locks the code."""
        key, now = self._key(code), self.clock.now().timestamp()
        recent = [t for t in self._misses.pop(key, []) if now - t < WINDOW] + [now]
        if len(recent) >= self.misses:
            self._locked[key] = now + self.lock
            return True
        self._misses[key] = recent
        while len(self._misses) > MAX_CODES:
            self._misses.popitem(last=False)
        return False

    def succeeded(self, code: str) -> None:
        self._misses.pop(self._key(code), None)


async def verified(hall: Any, code: str, attempt: Callable[[], Awaitable[T]]) -> T:
    """Run ``attempt`` (a look-up, cancel, reschedule or print that verifies ``code``) under the
    code's guess limit: a wrong verification counts, the one that locks the code tells its holders.

    :raises CodeLocked: the code is locked.
    :raises AppointmentNotFound: a wrong code or verification (the same answer for both).
    """
    guard: CodeGuard = hall.guesses
    guard.check(code)
    try:
        result = await attempt()
    except AppointmentNotFound:
        if guard.missed(code):
            await hall.store.write(appointments.warn_guessed, code)
        raise
    guard.succeeded(code)
    return result
