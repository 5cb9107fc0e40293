"""Kiosk agents and kiosk pages, linked through the server (SPEC 6, docs/kiosk.md).

``WS /ws/kiosks/{kiosk}`` is the agent's link (its device token in ``Authorization``):
health, card reads, scans and print acknowledgements come in, print jobs go out.
``WS /ws/kiosks/{kiosk}/page`` is the kiosk page's channel (the same token as ``?token=``,
since browsers cannot set headers on a websocket): the page hears about identities,
scans, print results and the agent's state. A card's identity stays in this process's
memory under a one-time token valid 120 s: the full ID number never reaches the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from core import appointments, devices
from core.accounts import Principal
from core.config import Config
from core.devices import CardIdentity, CodeResolver, NoResolver
from core.errors import AppointmentNotFound, HallError
from core.store.db import Store
from web import body
from web.auth import require
from web.errors import ApiError
from web.guesses import verified

log = logging.getLogger("hall.kiosks")
IDENTITY_SECONDS = 120.0
JOB_TIMEOUT = 15.0
PAGE_QUEUE = 64
MAX_MESSAGE = 16 * 1024


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

    def agent_state(self) -> dict[str, Any]:
        h = self.health
        return {
            "type": "agent",
            "online": self.agent is not None,
            "printer": None if h is None or not h.printer_configured else h.printer_online,
            "printer_configured": None if h is None else h.printer_configured,
            "paper": None if h is None else h.paper,
            "reader": None if h is None else h.reader_present,
            "scanner": None if h is None else h.scanner_present,
        }

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
                 timer: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.store = store
        self.config = config
        self.resolver: CodeResolver = resolver or NoResolver()
        self.timer = timer
        self.kiosks: dict[str, Kiosk] = {}
        self._held: dict[str, Held] = {}

    def kiosk(self, kiosk_id: str) -> Kiosk:
        return self.kiosks.setdefault(kiosk_id, Kiosk())

    def to_pages(self, kiosk_id: str, message: dict[str, Any]) -> None:
        text = json.dumps(message, ensure_ascii=False)
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
        for token, held in list(self._held.items()):
            if held.expires < now or held.kiosk == kiosk_id:  # one identity per kiosk at a time
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
            await agent.send_text(
                json.dumps({"type": "print", "job": job, "kind": kind, "slip": slip}, ensure_ascii=False)
            )
        except (RuntimeError, OSError, WebSocketDisconnect, AssertionError):
            await self.finish(kiosk_id, job, "failed", "agent_offline")
            return {"job": job, "status": "failed", "reason": "agent_offline"}
        loop = asyncio.get_running_loop()
        k.jobs[job] = loop.call_later(
            JOB_TIMEOUT, lambda: asyncio.ensure_future(self.finish(kiosk_id, job, "failed", "no_ack"))
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
            self.to_pages(kiosk_id, {"type": "print", "job": job, "status": status, "reason": reason})


def links(conn: Any) -> KioskLinks:
    found: KioskLinks = conn.app.state.hall.kiosks
    return found


# -- the API side ---------------------------------------------------------------------------
def card_identity(request: Request, who: Principal, token: str, id_number: str | None) -> CardIdentity:
    """Resolve ``card`` in a ticket or check-in request (kiosks only).

    :raises ApiError: 422 with ``id_number`` too or from staff; 410 when expired.
    """
    if id_number:
        raise ApiError(422, "invalid_input", "card 与 id_number 只能给一个 / give card or id_number, not both")
    if who.role != "kiosk":
        raise ApiError(422, "invalid_input", "card tokens come from a kiosk's reader")
    return links(request).identity(who.name, token)


async def print_ticket(request: Request, who: Principal, view: dict[str, Any], existing: bool) -> dict[str, Any]:
    """After a kiosk issued a ticket: print it there if its agent can."""
    hall = request.app.state.hall
    slip = devices.ticket_slip(hall.clock.now(), view, existing)
    return await links(request).send_job(who.name, "ticket", slip, view["id"])


async def print_slip(request: Request) -> Response:
    """
    summary: Print a service guide or an appointment confirmation at this kiosk
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [kind]
            additionalProperties: false
            properties:
              kind: {type: string, enum: [guide, appointment]}
              service: {type: string}
              matter: {type: string}
              code: {type: string}
              verify: {type: string}
    responses:
      202: {description: "{job, status: sent}"}
      404: {description: appointment_not_found}
      409: {description: "printer_unavailable (reason: agent_offline, printer_offline, paper_out, no_printer)"}
    """
    kiosk_id = request.path_params["kiosk"]
    who = await require(request, "kiosk")
    if who.name != kiosk_id:
        raise ApiError(403, "forbidden", "只能在本机打印 / a kiosk prints only on its own printer")
    req = await body.decode(request, body.PrintRequest)
    hall = request.app.state.hall
    hall.limits.device(who.name)
    now = hall.clock.now()
    if req.kind == "guide":
        slip = devices.guide_slip(hall.config, now, who.site, req.service or "", req.matter)
    else:
        code = req.code or ""
        appointments_view = await verified(hall, code, lambda: _lookup_here(hall, who.site, code, req.verify or ""))
        slip = devices.appointment_slip(hall.config, now, appointments_view)
    result = await links(request).send_job(who.name, req.kind, slip)
    if result["status"] != "sent":
        raise ApiError(
            409, "printer_unavailable", "打印机暂不可用 / the printer is not available", reason=result["reason"]
        )
    return JSONResponse(result, status_code=202)


async def _lookup_here(hall: Any, site: str | None, code: str, verify: str) -> dict[str, Any]:
    """A booking of this kiosk's site; another site's booking is the same answer as a wrong
    verification (no oracle), and counts as a miss against the code."""
    found: dict[str, Any] = await hall.store.read(appointments.lookup, code, verify)
    if found["site"] != site:
        raise AppointmentNotFound("预约码或验证信息不正确 / no booking matches this code and verification")
    return found


# -- the sockets ----------------------------------------------------------------------------
async def _authorise(ws: WebSocket, token: str | None) -> str | None:
    """Accept, then check the kiosk's token; close with 4401/4403 and return None if wrong."""
    kiosk_id = ws.path_params["kiosk"]
    await ws.accept()
    who = await ws.app.state.hall.tokens.lookup(token) if token else None
    if who is None:
        await ws.close(code=4401, reason="a kiosk device token is required")
        return None
    if who.role != "kiosk" or who.name != kiosk_id:
        await ws.close(code=4403, reason="this token is not this kiosk's")
        return None
    return kiosk_id


async def agent_socket(ws: WebSocket) -> None:
    from web.auth import bearer

    kiosk_id = await _authorise(ws, bearer(ws))
    if kiosk_id is None:
        return
    await serve_agent(ws, links(ws), kiosk_id)


async def page_socket(ws: WebSocket) -> None:
    from web.auth import bearer

    kiosk_id = await _authorise(ws, ws.query_params.get("token") or bearer(ws))
    if kiosk_id is None:
        return
    reg = links(ws)
    k = reg.kiosk(kiosk_id)
    q: asyncio.Queue[str | None] = asyncio.Queue(PAGE_QUEUE)
    k.pages.add(q)

    async def watch() -> None:  # the page sends nothing we use: any frame is read and dropped
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            while (await ws.receive())["type"] != "websocket.disconnect":
                pass
        with contextlib.suppress(asyncio.QueueFull):
            q.put_nowait(None)

    watcher = asyncio.ensure_future(watch())
    try:
        await ws.send_text(json.dumps(k.agent_state()))
        while True:
            text = await q.get()
            if text is None:
                return
            await ws.send_text(text)
    except (WebSocketDisconnect, RuntimeError, OSError):
        return
    finally:
        k.pages.discard(q)
        watcher.cancel()
        with contextlib.suppress(BaseException):
            await watcher


# -- the agent's messages -------------------------------------------------------------------
async def on_card(reg: KioskLinks, kiosk_id: str, message: dict[str, Any], now: Any) -> None:
    number = message.get("id_number")
    if not isinstance(number, str) or not number:
        reg.to_pages(
            kiosk_id, {"type": "identity_error", "reason": "unreadable" if message.get("error") else "no_identity"}
        )
        return
    name = message.get("name") if isinstance(message.get("name"), str) else None
    try:
        ident = devices.card_identity(reg.config, now, number, name)
    except HallError:
        reg.to_pages(kiosk_id, {"type": "identity_error", "reason": "invalid"})
        return
    token = reg.hold(kiosk_id, ident)
    reg.to_pages(kiosk_id, {"type": "identity", "card": token, "masked": ident.masked, "name_masked": ident.name_masked,
                            "green": ident.green, "expires_in": int(IDENTITY_SECONDS)})  # fmt: skip


async def on_scan(reg: KioskLinks, kiosk_id: str, data: str, now: Any) -> None:
    data = data.strip()[:512]
    if devices.scan_kind(data) == "booking":
        reg.to_pages(kiosk_id, {"type": "scan", "kind": "booking", "data": data.upper()})
        return
    number = await asyncio.to_thread(reg.resolver.resolve, data)  # 随申码: the city's service, if configured
    if number is None:
        reg.to_pages(kiosk_id, {"type": "scan", "kind": "unknown", "data": None})
        return
    await on_card(reg, kiosk_id, {"id_number": number}, now)


async def on_message(reg: KioskLinks, kiosk_id: str, message: dict[str, Any]) -> None:
    kind = message.get("type")
    k = reg.kiosk(kiosk_id)
    now = reg.store.clock.now()
    if kind == "hello":
        await reg.store.write(devices.record_seen, kiosk_id, str(message.get("version") or ""))
    elif kind == "health":
        k.health = devices.parse_health(message)
        await reg.store.write(devices.record_health, kiosk_id, k.health)
        reg.to_pages(kiosk_id, k.agent_state())
    elif kind == "card":
        await on_card(reg, kiosk_id, message, now)
    elif kind == "card_removed":
        reg.to_pages(kiosk_id, {"type": "identity_removed"})
    elif kind == "scan" and isinstance(message.get("data"), str):
        await on_scan(reg, kiosk_id, message["data"], now)
    elif kind == "ack" and type(message.get("job")) is int and message.get("status") in ("printed", "failed"):
        reason = message.get("reason")
        await reg.finish(kiosk_id, message["job"], message["status"], reason if isinstance(reason, str) else None)


def agent_frame(frame: Any) -> dict[str, Any] | None:
    """The JSON object in an agent's frame, or None for anything else (binary, too big, not
    JSON, not an object). A closing frame raises ``WebSocketDisconnect``."""
    if frame.get("type") == "websocket.disconnect":
        raise WebSocketDisconnect(frame.get("code", 1000))
    raw = frame.get("text")
    if not isinstance(raw, str) or len(raw) > MAX_MESSAGE:
        return None
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


async def serve_agent(ws: WebSocket, reg: KioskLinks, kiosk_id: str) -> None:
    """One agent connection: welcome, then its messages until it goes."""
    k = reg.kiosk(kiosk_id)
    old, k.agent = k.agent, ws
    if old is not None:  # a restarted agent replaces the old link
        with contextlib.suppress(Exception):
            await old.close(code=4409, reason="replaced by a newer connection")
    try:
        await reg.store.write(devices.record_seen, kiosk_id)
        now = reg.store.clock.now().isoformat(timespec="seconds")
        await ws.send_text(json.dumps({"type": "welcome", "kiosk": kiosk_id, "server_time": now}))
        reg.to_pages(kiosk_id, k.agent_state())
        while True:
            message = agent_frame(await ws.receive())
            if message is not None:
                try:
                    await on_message(reg, kiosk_id, message)
                except (HallError, ValueError, TypeError, KeyError) as e:  # a message we cannot use: not the link
                    log.warning("kiosk %s: ignored a %s message (%s)", kiosk_id, message.get("type"), type(e).__name__)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        if k.agent is ws:
            k.agent = None
            k.health = None
            for job in list(k.jobs):
                await reg.finish(kiosk_id, job, "failed", "agent_offline")
            reg.to_pages(kiosk_id, k.agent_state())


api_routes = [Route("/kiosks/{kiosk}/print", print_slip, methods=["POST"])]
ws_routes = [
    WebSocketRoute("/ws/kiosks/{kiosk}", agent_socket),
    WebSocketRoute("/ws/kiosks/{kiosk}/page", page_socket),
]
