"""The app factory: resources are made in the lifespan, routes come as lists."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from core import accounts, calendar, counters, evaluation, notify, visits
from core.clock import Clock
from core.config import Config, ConfigError
from core.errors import HallError
from core.hours import local_day, window
from core.store import holidays as holiday_sql
from core.store.db import Store
from web import (
    account_pages,
    api,
    booking_api,
    connections,
    device_pages,
    display_api,
    district_api,
    errors,
    help_api,
    holiday_pages,
    kiosk_link,
    kiosk_page,
    notice_pages,
    pages,
    supervision,
    voice_routes,
    ws,
)
from web.auth import TokenCache
from web.demo import Demo, walkins
from web.guesses import CodeGuard
from web.headers import SecurityHeaders
from web.hub import Hub
from web.kiosk_link import KioskLinks
from web.limits import Buckets
from web.logins import LoginGuard
from web.logs import AccessLog
from web.voice import Voice

log = logging.getLogger("hall")
ROOT = Path(__file__).resolve().parent.parent


WEAK_SECRETS = {"secret", "changeme", "change-me", "password", "default", "test", "hall", "dev"}


def load_secret(db_path: Path) -> bytes:
    """``HALL_SECRET``, or a random secret kept beside the database (made on first start).

    :raises ConfigError: a short or placeholder ``HALL_SECRET``.
    """
    env = os.environ.get("HALL_SECRET")
    if env is not None:
        if len(env) < 32 or env.strip().lower() in WEAK_SECRETS:
            raise ConfigError("HALL_SECRET must be at least 32 random characters (or unset: one is generated)")
        return env.encode()
    path = db_path.parent / "hall.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


class Hall:
    """Everything a request needs: config, clock, store, hub, tokens, voice."""

    def __init__(self, config: Config, db_path: Path, clock: Clock, secret: bytes, public_url: str) -> None:
        self.config = config
        # links and QR codes are built from this, never from a request's Host header (SPEC 8)
        self.public_url = (config.public_url or public_url).rstrip("/")
        self.clock = clock
        self.secret = secret
        self.hub = Hub()
        self.store = Store(db_path, config, clock, secret, on_commit=self.hub.publish_threadsafe)
        self.tokens = TokenCache(self.store)
        self.limits = Buckets(clock, config.limits)
        self.logins = LoginGuard(self.limits)
        self.guesses = CodeGuard(clock, config.limits)
        self.voice = Voice()
        self.kiosks = KioskLinks(self.store, config)
        self.sink: notify.Sink = notify.LogSink(db_path.parent / "notifications.log", clock)

    async def login(self, username: str, password: str, address: str) -> tuple[str, accounts.Principal, dt.datetime]:
        """Check a password (off the event loop) and issue a bearer token; the lockout is
        web/logins.py's (per address and account, and per account from unknown addresses)."""
        self.logins.attempt(username, address)
        who = await self.store.read(accounts.check_password, username, password)
        self.logins.succeeded(username, address)
        token, expires = await self.store.write(accounts.new_token, who.name)
        return token, who, expires

    def close(self) -> None:
        self.store.close()


async def housekeeping(hall: Hall, every: float = 15.0) -> None:
    """Expire open tickets at closing time (and anything left from an earlier day), mark
    missed appointments, move divorce cases along, and send due notifications."""
    while True:
        try:
            await hall.store.write(visits.sweep)
            await hall.store.write(notify.purge)
            await hall.store.write(evaluation.purge)
            messages = await hall.store.read(notify.due)
            if messages:
                results = await asyncio.to_thread(notify.deliver, hall.sink, messages, hall.secret)
                await hall.store.write(notify.mark, results)
        except Exception:
            log.exception("housekeeping failed")
        now = hall.clock.now()
        today = local_day(now)
        for site in hall.config.sites:
            w = window(site, today)
            closed = w is None or now >= w[1]
            statuses = ("waiting", "called") if closed else ()
            try:
                await hall.store.write(counters.expire_open, site.id, before_day=today.isoformat(), statuses=statuses)
            except Exception:
                log.exception("expiry failed for %s", site.id)
        await asyncio.sleep(every)


class PageSessions:
    """Cookie sessions for pages only: API and websocket clients use bearer tokens, and
    skipping the cookie work there is a measurable share of a ticket's cost."""

    def __init__(self, app: ASGIApp, **options: Any) -> None:
        self.app = app
        self.with_session = SessionMiddleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" and scope["path"].startswith(("/api/", "/ws/", "/static/")):
            await self.app(scope, receive, send)
        else:
            await self.with_session(scope, receive, send)


def create_app(
    config: Config,
    db_path: str | Path,
    clock: Clock,
    *,
    secret: bytes | None = None,
    housekeeping_every: float | None = 15.0,
    demo: Demo | None = None,
    public_url: str = "http://127.0.0.1:8000",
) -> Starlette:
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    secret = secret if secret is not None else load_secret(db_path)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hall = Hall(config, db_path, clock, secret, public_url)
        hall.hub.loop = asyncio.get_running_loop()
        await hall.store.write(counters.sync)
        calendar.install(await hall.store.read(holiday_sql.schedule))
        app.state.hall = hall
        app.state.demo = demo
        tasks = []
        if housekeeping_every:
            tasks.append(asyncio.create_task(housekeeping(hall, housekeeping_every)))
        if demo is not None:
            tasks.append(asyncio.create_task(walkins(hall, demo)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await asyncio.to_thread(hall.close)

    api_routes = [
        *api.routes,
        *help_api.routes,
        *booking_api.routes,
        *supervision.routes,
        *kiosk_link.api_routes,
        *voice_routes.routes,
        *display_api.routes,
        *district_api.routes,
    ]
    routes = [
        Mount("/api/v1", routes=api_routes),
        *ws.routes,
        *kiosk_link.ws_routes,
        Mount("/static", app=StaticFiles(directory=ROOT / "static"), name="static"),
        *device_pages.routes,
        *notice_pages.routes,
        *account_pages.routes,
        *holiday_pages.routes,
        *kiosk_page.routes,
        *pages.routes,
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(AccessLog),
            Middleware(SecurityHeaders),
            Middleware(
                PageSessions,
                secret_key=secret.hex(),
                session_cookie="hall_session",
                max_age=12 * 3600,
                same_site="strict",
                https_only=False,
            ),
        ],
        exception_handlers={
            HallError: errors.hall_error,
            ClientDisconnect: connections.client_gone,
            HTTPException: errors.http_error,
            Exception: errors.server_error,
        },
    )
