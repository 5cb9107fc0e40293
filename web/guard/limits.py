"""Abuse limits: token buckets per client address, identity and device (SPEC 8).

Buckets live in memory in the server process; they refill continuously, so a caller
over the limit is told exactly when to come back (429 with ``Retry-After``). With several
processes on PostgreSQL the per-identity and per-device buckets are the database's
(core/shared_limits.py): an identity or a device is limited once, whichever process it
reaches (docs/scale.md).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from starlette.requests import HTTPConnection

from core import identity
from core.config import Limits
from core.days.clock import Clock
from web.errors import ApiError

MAX_KEYS = 100_000


class RateLimited(ApiError):
    def __init__(self, retry_after: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(429, "rate_limited", f"请求过于频繁，请 {seconds} 秒后再试 / too many requests: retry in "
                         f"{seconds} s", retry_after=seconds)  # fmt: skip
        self.retry_after = seconds


# ``shared(key, per, window_seconds)``: a take from the database's bucket; 0 or the wait in seconds
Shared = Callable[[str, float, float], Awaitable[float]]


class Buckets:
    def __init__(
        self, clock: Clock, limits: Limits, env: dict[str, str] | None = None, shared: Shared | None = None
    ) -> None:
        self.clock = clock
        self.limits = limits
        self.shared = shared
        self.per_address = (env if env is not None else dict(os.environ)).get("HALL_LIMITS", "on") != "off"
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, per: float, window_seconds: float) -> None:
        """Spend one token of ``key``'s bucket (``per`` tokens per window) or raise RateLimited."""
        now = self.clock.now().timestamp()
        rate = per / window_seconds
        tokens, last = self._buckets.pop(key, (float(per), now))
        tokens = min(float(per), tokens + (now - last) * rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            raise RateLimited((1 - tokens) / rate)
        self._buckets[key] = (tokens - 1, now)
        while len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)

    def forget(self, prefix: str) -> int:
        """Drop every bucket whose key starts with ``prefix`` (they start full again)."""
        keys = [k for k in self._buckets if k.startswith(prefix)]
        for k in keys:
            del self._buckets[k]
        return len(keys)

    def address(self, conn: HTTPConnection, kind: str, per_minute: int) -> None:
        if self.per_address:
            self.take(f"addr:{kind}:{client_address(conn, self.limits)}", per_minute, 60)

    async def identity(self, kind: str, id_number: str, per_hour: int) -> None:
        digest = hashlib.sha256(identity.digits(id_number).encode()).hexdigest()[:32]  # one person, one bucket
        await self._shared_or_here(f"id:{kind}:{digest}", per_hour, 3600)

    async def device(self, device: str) -> None:
        """A device's budget; with several processes on PostgreSQL the database's bucket."""
        await self._shared_or_here(f"device:{device}", self.limits.requests_per_device_per_minute, 60)

    async def _shared_or_here(self, key: str, per: float, window_seconds: float) -> None:
        if self.shared is None:
            self.take(key, per, window_seconds)
            return
        wait = await self.shared(key, per, window_seconds)
        if wait > 0:
            raise RateLimited(wait)


def client_address(conn: HTTPConnection, limits: Limits) -> str:
    """The caller's address; behind a trusted proxy, the last address it forwarded."""
    peer = conn.client.host if conn.client else "unknown"
    if peer in limits.trusted_proxies:
        forwarded = [a.strip() for a in conn.headers.get(limits.proxy_header, "").split(",") if a.strip()]
        for addr in reversed(forwarded):
            if addr not in limits.trusted_proxies:
                return addr
    return peer
