"""Who is calling: bearer tokens for API clients and devices, the session for pages."""

from __future__ import annotations

import time

from starlette.requests import HTTPConnection

from core.accounts import Principal, principal
from core.store.db import Store

# How long a checked token is believed without asking the database again: a revoked token, a
# disabled account or a new password ends sessions within this time on every process (at once
# on the process that made the change, which forgets them itself).
CACHE_SECONDS = 1.0


class TokenCache:
    """Remembers valid tokens for a few seconds; unknown tokens always go to the database,
    so a token made on the command line works at once on a running server."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, tuple[Principal, float]] = {}

    async def lookup(self, token: str) -> Principal | None:
        hit = self._cache.get(token)
        now = time.monotonic()
        if hit is not None and hit[1] > now:
            return hit[0]
        found = await self.store.read(principal, token)
        if found is None:
            self._cache.pop(token, None)
            return None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[token] = (found, now + CACHE_SECONDS)
        return found

    def forget(self, token: str) -> None:
        self._cache.pop(token, None)

    def forget_name(self, name: str) -> None:
        """Forget every cached token of a staff account or device."""
        for token in [t for t, (who, _) in self._cache.items() if who.name == name]:
            del self._cache[token]


def bearer(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None
