"""Who is calling: bearer tokens for API clients and devices, the session for pages."""

from __future__ import annotations

import time

from starlette.requests import HTTPConnection

from core.accounts import Principal
from core.errors import Forbidden, Unauthenticated
from core.store.db import Store

STAFF = ("clerk", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")
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
        from core.accounts import principal

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


async def caller(conn: HTTPConnection) -> Principal | None:
    token = bearer(conn)
    if token is None:
        return None
    cache: TokenCache = conn.app.state.hall.tokens
    return await cache.lookup(token)


async def require(conn: HTTPConnection, *roles: str, site: str | None = None) -> Principal:
    """The caller, who must have one of ``roles`` and, unless admin, belong to ``site``.

    :raises Unauthenticated: no or unknown token.
    :raises Forbidden: wrong role or site.
    """
    who = await caller(conn)
    if who is None:
        raise Unauthenticated("请先登录 / sign in first (Authorization: Bearer <token>)")
    if who.role not in roles:
        raise Forbidden("无权执行此操作 / your role may not do this")
    if site is not None and who.role != "admin" and who.site != site:
        raise Forbidden("无权操作其他中心 / you may not act for another center")
    return who
