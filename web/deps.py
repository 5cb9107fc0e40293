"""What every handler depends on: the app state as one typed object, who is calling, and
the one rule of who may see a site.

A handler reads ``hall_of(request)`` (typed: the store, config, clock, hub, limits...) and
``require(request, *roles, site=...)`` for API callers or ``staff(request)`` for pages;
``can_see(who, site)`` is the only place the site rule is written.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from starlette.requests import HTTPConnection, Request

from core import accounts, notify, shared_limits
from core.accounts import Principal
from core.config import Config
from core.days.clock import Clock
from core.errors import Forbidden, Unauthenticated, UnknownCounter
from core.store.db import Store, is_postgres
from core.store.secret import data_dir
from voice.speech import Voice
from web.guard.auth import TokenCache, bearer
from web.guard.guesses import CodeGuard
from web.guard.limits import Buckets
from web.guard.logins import LoginGuard
from web.live.hub import Hub
from web.live.kiosks import KioskLinks
from web.live.relay import Relay, on_commit

log = logging.getLogger("hall")
LEASE_SECONDS = 60.0  # a housekeeping leader that stopped is replaced after this long
STAFF = ("clerk", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")
SESSION_KEY = "staff"


class Hall:
    """Everything a request needs: config, clock, store, hub, tokens, voice."""

    def __init__(
        self,
        config: Config,
        db_path: str | Path,
        clock: Clock,
        secret: bytes,
        public_url: str,
        nats_url: str | None = None,
    ) -> None:
        self.config = config
        # links and QR codes are built from this, never from a request's Host header (SPEC 8)
        self.public_url = (config.public_url or public_url).rstrip("/")
        self.clock = clock
        self.secret = secret
        self.hub = Hub()
        # several processes on PostgreSQL: events of every process reach this hub (web/live/relay.py)
        self.relay = Relay(self.hub, nats_url) if is_postgres(db_path) else None
        self.store = Store(db_path, config, clock, secret, on_commit=on_commit(self.relay, self.hub))
        if self.relay is not None:
            self.relay.store = self.store
        self.tokens = TokenCache(self.store)
        self.process = uuid.uuid4().hex  # this process among the others on one database (job leases)
        shared = self._shared_take if self.relay is not None else None  # PostgreSQL: one limit for N processes
        self.limits = Buckets(clock, config.limits, shared=shared)
        together = self.store if self.relay is not None else None  # PostgreSQL: state in the database
        self.logins = LoginGuard(self.limits, together)
        self.guesses = CodeGuard(clock, config.limits, together)
        self.voice = Voice()
        self.kiosks = KioskLinks(self.store, config)
        self.sink: notify.Sink = notify.LogSink(data_dir(db_path) / "notifications.log", clock)

    async def leads(self, job: str, every: float) -> bool:
        """Whether this process runs ``job`` now: always on SQLite (one process); on PostgreSQL the
        one process holding the job's lease in the database (renewed each round, taken over a
        minute after its holder stopped), so a notice is never sent twice by two processes."""
        if self.relay is None:
            return True
        lease = max(LEASE_SECONDS, 4 * every)
        try:
            return await self.store.write(shared_limits.lead, job, self.process, lease)
        except Exception:
            log.exception("could not ask who leads %s", job)
            return False

    async def _shared_take(self, key: str, per: float, window_seconds: float) -> float:
        return await self.store.write(shared_limits.take, key, per, window_seconds)

    async def login(self, username: str, password: str, address: str) -> tuple[str, accounts.Principal, dt.datetime]:
        """Check a password (off the event loop) and issue a bearer token; the lockout is
        web/guard/logins.py's (per address and account, and per account from unknown addresses)."""
        await self.logins.attempt(username, address)
        who = await self.store.read(accounts.check_password, username, password)
        await self.logins.succeeded(username, address)
        token, expires = await self.store.write(accounts.new_token, who.name)
        return token, who, expires

    def close(self) -> None:
        self.store.close()


def hall_of(conn: HTTPConnection) -> Hall:
    return cast(Hall, conn.app.state.hall)


def can_see(who: Principal, site_id: str) -> bool:
    """The site rule: admins and district accounts (staff without a site) see and act for
    every site; everyone else, devices included, only their own."""
    return who.role == "admin" or (who.site is None and not who.is_device) or who.site == site_id


def district_wide(who: Principal) -> bool:
    """Sees every site (the site pickers of the admin pages list them all)."""
    return who.role == "admin" or (who.site is None and not who.is_device)


def site_scope(who: Principal) -> str | None:
    """The site a caller's lists are limited to; None: every site."""
    return None if district_wide(who) else who.site


async def caller(conn: HTTPConnection) -> Principal | None:
    token = bearer(conn)
    return None if token is None else await hall_of(conn).tokens.lookup(token)


async def require(conn: HTTPConnection, *roles: str, site: str | None = None) -> Principal:
    """The caller, who must have one of ``roles`` and, with ``site``, may see it (``can_see``).

    :raises Unauthenticated: no or unknown token.
    :raises Forbidden: wrong role or site.
    """
    who = await caller(conn)
    if who is None:
        raise Unauthenticated("请先登录 / sign in first (Authorization: Bearer <token>)")
    if who.role not in roles:
        raise Forbidden("无权执行此操作 / your role may not do this")
    if site is not None and not can_see(who, site):
        raise Forbidden("无权操作其他中心 / you may not act for another center")
    return who


@dataclass(frozen=True)
class Staff(Principal):
    """A signed-in page user: the principal and the API token its page's JavaScript uses."""

    token: str = ""


async def staff(request: Request) -> Staff | None:
    """The signed-in staff member of a page session.

    The session's token is checked against the database (through the token cache), so a
    revoked or expired token, or a changed role, takes effect on the next page.
    """
    found = request.session.get(SESSION_KEY)
    if not isinstance(found, dict) or not isinstance(found.get("token"), str):
        return None
    who = await hall_of(request).tokens.lookup(found["token"])
    if who is None or who.is_device:
        request.session.pop(SESSION_KEY, None)
        return None
    return Staff(who.name, who.role, who.site, found["token"])


def session_token(request: Request) -> str | None:
    found = request.session.get(SESSION_KEY)
    return found.get("token") if isinstance(found, dict) else None


def counter_site(request: Request) -> str:
    """The site of the path's ``{counter}``."""
    found = hall_of(request).config.counter(request.path_params["counter"])
    if found is None:
        raise UnknownCounter(f"没有这个窗口 / unknown counter {request.path_params['counter']!r}")
    return str(found[0].id)
