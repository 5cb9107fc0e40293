"""The kiosks this process is linked to: each agent's state and socket, the pages
listening, card identities held under one-time tokens (120 s; the full ID number never
reaches the browser) and print jobs waiting for their acknowledgement. The sockets and
the API that use it are in web/live/kiosk_link.py."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from core import devices
from core.config import Config
from core.devices import CardIdentity, CodeResolver, NoResolver
from core.errors import HallError
from core.store.db import Store
from protocol import kiosk as wire
from web.errors import ApiError

log = logging.getLogger("hall.kiosks")


IDENTITY_SECONDS = 120.0
HELD_PER_KIOSK = 4  # a booking's applicants at most (web/api/booking.py)
JOB_TIMEOUT = 15.0
PAGE_QUEUE = 64
MAX_MESSAGE = wire.MAX_MESSAGE


class CardExpired(ApiError):
    def __init__(self) -> None:
        super().__init__(
            410, "card_expired", "身份信息已过期，请重新刷卡 / the card read has expired: read the card again"
        )


@dataclass
class Kiosk:
    """What the server knows about one kiosk right now (memory only)."""

    agent: WebSocket | None = None
    health: devices.Health | None = None
    pages: set[asyncio.Queue[str | None]] = field(default_factory=set)
    jobs: dict[int, asyncio.TimerHandle] = field(default_factory=dict)

    def agent_state(self) -> wire.AgentState:
        h = self.health
        return wire.AgentState(
            online=self.agent is not None,
            printer=None if h is None or not h.printer_configured else h.printer_online,
            printer_configured=None if h is None else h.printer_configured,
            paper=None if h is None else h.paper,
            reader=None if h is None else h.reader_present,
            scanner=None if h is None else h.scanner_present,
        )

    def can_print(self) -> str | None:
        """None if a job may be sent, else why not."""
        if self.agent is None:
            return "agent_offline"
        h = self.health
        if h is not None and not h.printer_configured:
            return "no_printer"
        if h is not None and h.printer_online is False:
            return "printer_offline"
        if h is not None and h.paper == "out":
            return "paper_out"
        return None


@dataclass(frozen=True)
class Held:
    kiosk: str
    identity: CardIdentity
    expires: float


class KioskLinks:
    """The live kiosks of this server process: agents, pages, identities, print jobs."""

    def __init__(self, store: Store, config: Config, resolver: CodeResolver | None = None,
                 timer: Callable[[], float] = time.monotonic, job_timeout: float = JOB_TIMEOUT) -> None:  # fmt: skip
        self.store = store
        self.job_timeout = job_timeout  # seconds an agent has to acknowledge a print job
        self.config = config
        self.resolver: CodeResolver = resolver or NoResolver()
        self.timer = timer
        self.kiosks: dict[str, Kiosk] = {}
        self._held: dict[str, Held] = {}

    def kiosk(self, kiosk_id: str) -> Kiosk:
        return self.kiosks.setdefault(kiosk_id, Kiosk())

    def to_pages(self, kiosk_id: str, message: wire.PageMessage) -> None:
        text = wire.encode(message)
        for q in tuple(self.kiosk(kiosk_id).pages):
            try:
                q.put_nowait(text)
            except asyncio.QueueFull:  # a stalled page: drop it, it reconnects
                self.kiosk(kiosk_id).pages.discard(q)
                while not q.empty():
                    q.get_nowait()
                q.put_nowait(None)

    # -- identities ------------------------------------------------------------------
    def hold(self, kiosk_id: str, ident: CardIdentity) -> str:
        now = self.timer()
        mine = [token for token, held in self._held.items() if held.kiosk == kiosk_id]
        for token, held in list(self._held.items()):
            # up to four identities per kiosk (a booking's applicants, read one after another at a
            # place kiosk), the oldest dropped first; each still for 120 s and one use
            if held.expires < now or token in mine[: max(0, len(mine) - HELD_PER_KIOSK + 1)]:
                del self._held[token]
        token = secrets.token_urlsafe(18)
        self._held[token] = Held(kiosk_id, ident, now + IDENTITY_SECONDS)
        return token

    def identity(self, kiosk_id: str, token: str) -> CardIdentity:
        """The identity behind a card token of this kiosk.

        :raises CardExpired: unknown, expired, used, or read at another kiosk.
        """
        held = self._held.get(token)
        if held is None or held.kiosk != kiosk_id or held.expires < self.timer():
            raise CardExpired()
        return held.identity

    def consume(self, token: str) -> None:
        self._held.pop(token, None)

    # -- printing --------------------------------------------------------------------
    async def send_job(
        self, kiosk_id: str, kind: str, slip: dict[str, Any], ticket: str | None = None
    ) -> dict[str, Any]:
        """Create a print job and send it to the kiosk's agent: ``{job, status: sent}``, or
        ``{status: unavailable, reason}`` when it cannot print (the page offers the mobile ticket)."""
        k = self.kiosk(kiosk_id)
        reason = k.can_print()
        if reason is not None:
            return {"job": None, "status": "unavailable", "reason": reason}
        agent = k.agent
        job = await self.store.write(devices.new_job, kiosk_id, kind, ticket)
        try:
            assert agent is not None
            await agent.send_text(wire.encode(wire.PrintJob(job=job, kind=kind, slip=slip)))
        except (RuntimeError, OSError, WebSocketDisconnect, AssertionError):
            await self.finish(kiosk_id, job, "failed", "agent_offline")
            return {"job": job, "status": "failed", "reason": "agent_offline"}
        loop = asyncio.get_running_loop()
        k.jobs[job] = loop.call_later(
            self.job_timeout, lambda: asyncio.ensure_future(self.finish(kiosk_id, job, "failed", "no_ack"))
        )
        return {"job": job, "status": "sent", "reason": None}

    async def finish(self, kiosk_id: str, job: int, status: str, reason: str | None) -> None:
        handle = self.kiosk(kiosk_id).jobs.pop(job, None)
        if handle is not None:
            handle.cancel()
        try:  # shielded: this also runs in a closing socket's cleanup
            done = await asyncio.shield(self.store.write(devices.finish_job, kiosk_id, job, status, reason))
        except HallError:
            return
        if done:
            self.to_pages(kiosk_id, wire.Printed(job=job, status=status, reason=reason))
