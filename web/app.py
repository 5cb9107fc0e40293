"""The app factory: resources are made in the lifespan, routes come as lists."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from cli.demo import Demo, walkins
from core import notify
from core.config import Config
from core.days.clock import Clock
from core.days.hours import local_day, window
from core.errors import HallError
from core.peak import offers
from core.queue import counters
from core.registry import visits
from core.store.secret import data_dir, load_secret
from core.supervision import evaluation
from web import errors
from web.api import booking, display, district, help, matters, peak, pow, remote, supervision, tickets, voice
from web.deps import Hall
from web.guard import connections
from web.guard.headers import SecurityHeaders
from web.guard.logs import AccessLog
from web.live import kiosk_link, sites
from web.pages import accounts, devices, holidays, home, kiosk, notices
from web.pages import booking as booking_pages
from web.pages import district as district_pages
from web.pages import matters as matters_pages
from web.pages import peak as peak_pages
from web.pages import staff as staff_pages
from web.pages import supervision as supervision_pages
from web.render import Refused, refused

log = logging.getLogger("hall")
ROOT = Path(__file__).resolve().parent.parent


async def housekeeping(hall: Hall, every: float = 15.0) -> None:
    """Expire open tickets at closing time (and anything left from an earlier day), mark
    missed appointments, move divorce cases along, and send due notifications; with several
    processes on PostgreSQL only the one that leads housekeeping does (Hall.leads)."""
    while True:
        if not await hall.leads("housekeeping", every):
            await asyncio.sleep(every)
            continue
        try:
            await hall.store.write(visits.sweep)
            await hall.store.write(notify.purge)
            await hall.store.write(evaluation.purge)
            await hall.store.write(offers.sweep)  # ballots drawn at their time, offers passed down (core/peak)
            await matters.upkeep(hall)  # overdue alerts, retention, the 好差评 export (web/api/matters.py)
            messages = await hall.store.read(notify.due)
            if messages:
                results = await asyncio.to_thread(notify.deliver, hall.sink, messages, hall.secret)
                await hall.store.write(notify.mark, results)
        except Exception:
            log.exception("housekeeping failed")
        now = hall.clock.now()
        today = local_day(now)
        for site in hall.config.sites:
            w = window(site, today, hall.store.schedule)
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

    def __init__(self, app: ASGIApp, secret_key: str, session_cookie: str, max_age: int) -> None:
        self.app = app
        self.with_session = SessionMiddleware(app, secret_key, session_cookie, max_age, same_site="strict")

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
    nats_url: str | None = None,
) -> Starlette:
    data_dir(db_path).mkdir(parents=True, exist_ok=True)
    secret = secret if secret is not None else load_secret(db_path)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hall = Hall(config, db_path, clock, secret, public_url, nats_url)
        hall.hub.loop = asyncio.get_running_loop()
        if hall.relay is not None:
            await hall.relay.start()
        await hall.store.write(counters.sync)
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
            if hall.relay is not None:
                await hall.relay.stop()
            await asyncio.to_thread(hall.close)

    api_routes = [
        *tickets.routes,
        *help.routes,
        *booking.routes,
        *supervision.routes,
        *kiosk_link.api_routes,
        *voice.routes,
        *display.routes,
        *district.routes,
        *remote.routes,
        *matters.routes,
        *peak.routes,
        *pow.routes,
    ]
    routes = [
        Mount("/api/v1", routes=api_routes),
        *sites.routes,
        *kiosk_link.ws_routes,
        Mount("/static", app=StaticFiles(directory=ROOT / "static"), name="static"),
        *devices.routes,
        *notices.routes,
        *accounts.routes,
        *holidays.routes,
        *kiosk.routes,
        *home.routes,
        *staff_pages.routes,
        *booking_pages.routes,
        *district_pages.routes,
        *supervision_pages.routes,
        *matters_pages.routes,
        *peak_pages.routes,
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
            ),
        ],
        exception_handlers={
            Refused: refused,
            HallError: errors.hall_error,
            ClientDisconnect: connections.client_gone,
            HTTPException: errors.http_error,
            Exception: errors.server_error,
        },
    )
