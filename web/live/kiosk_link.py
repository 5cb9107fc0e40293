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
import logging
from typing import Any, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from core import devices
from core.accounts import Principal
from core.devices import CardIdentity
from core.errors import AppointmentNotFound, HallError
from core.registry import appointments
from protocol import kiosk as wire
from web import body
from web.deps import hall_of, require
from web.errors import ApiError
from web.guard.auth import bearer
from web.guard.guesses import verified
from web.live.kiosks import IDENTITY_SECONDS, MAX_MESSAGE, PAGE_QUEUE, KioskLinks
from web.live.watch import reading


# -- request bodies ----------------------------------------------------------------------
class PrintRequest(body.Body):
    kind: Literal["guide", "appointment"]
    service: str | None = None
    matter: str | None = None
    code: str | None = None
    verify: str | None = None


log = logging.getLogger("hall.kiosks")


# -- the API side ---------------------------------------------------------------------------
def card_identity(request: Request, who: Principal, token: str, id_number: str | None) -> CardIdentity:
    """Resolve ``card`` in a ticket or check-in request (kiosks only).

    :raises ApiError: 422 with ``id_number`` too or from staff; 410 when expired.
    """
    if id_number:
        raise ApiError(422, "invalid_input", "card 与 id_number 只能给一个 / give card or id_number, not both")
    if who.role != "kiosk":
        raise ApiError(422, "invalid_input", "card tokens come from a kiosk's reader")
    return hall_of(request).kiosks.identity(who.name, token)


async def print_ticket(request: Request, who: Principal, view: dict[str, Any], existing: bool) -> dict[str, Any]:
    """After a kiosk issued a ticket: print it there if its agent can."""
    hall = hall_of(request)
    slip = devices.ticket_slip(hall.clock.now(), view, existing)
    return await hall_of(request).kiosks.send_job(who.name, "ticket", slip, view["id"])


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
    req = await body.decode(request, PrintRequest)
    hall = hall_of(request)
    await hall.limits.device(who.name)
    now = hall.clock.now()
    if req.kind == "guide":
        # a place kiosk (no site) prints the guide of any service: guide_slip knows it by its id
        slip = devices.guide_slip(hall.config, now, who.site or who.name, req.service or "", req.matter)
    else:
        code = req.code or ""
        appointments_view = await verified(hall, code, lambda: _lookup_here(hall, who.site, code, req.verify or ""))
        slip = devices.appointment_slip(hall.config, now, appointments_view)
    result = await hall_of(request).kiosks.send_job(who.name, req.kind, slip)
    if result["status"] != "sent":
        raise ApiError(
            409, "printer_unavailable", "打印机暂不可用 / the printer is not available", reason=result["reason"]
        )
    return JSONResponse(result, status_code=202)


async def _lookup_here(hall: Any, site: str | None, code: str, verify: str) -> dict[str, Any]:
    """A booking of this kiosk's site (a place kiosk, of no site, books for all); another site's
    booking is the same answer as a wrong verification (no oracle), and counts as a miss against the code."""
    found: dict[str, Any] = await hall.store.read(appointments.lookup, code, verify)
    if site is not None and found["site"] != site:
        raise AppointmentNotFound("预约码或验证信息不正确 / no booking matches this code and verification")
    return found


# -- the sockets ----------------------------------------------------------------------------
async def _authorise(ws: WebSocket, token: str | None) -> str | None:
    """Accept, then check the kiosk's token; close with 4401/4403 and return None if wrong."""
    kiosk_id = str(ws.path_params["kiosk"])
    await ws.accept()
    who = await hall_of(ws).tokens.lookup(token) if token else None
    if who is None:
        await ws.close(code=wire.NO_TOKEN, reason="a kiosk device token is required")
        return None
    if who.role != "kiosk" or who.name != kiosk_id:
        await ws.close(code=wire.WRONG_DEVICE, reason="this token is not this kiosk's")
        return None
    return kiosk_id


async def agent_socket(ws: WebSocket) -> None:
    kiosk_id = await _authorise(ws, bearer(ws))
    if kiosk_id is None:
        return
    await serve_agent(ws, hall_of(ws).kiosks, kiosk_id)


async def page_socket(ws: WebSocket) -> None:
    kiosk_id = await _authorise(ws, ws.query_params.get("token") or bearer(ws))
    if kiosk_id is None:
        return
    reg = hall_of(ws).kiosks
    k = reg.kiosk(kiosk_id)
    q: asyncio.Queue[str | None] = asyncio.Queue(PAGE_QUEUE)
    k.pages.add(q)

    async def watch() -> None:  # the page sends nothing we use: any frame is read and dropped
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            while (await ws.receive())["type"] != "websocket.disconnect":
                pass
        with contextlib.suppress(asyncio.QueueFull):
            q.put_nowait(None)

    try:
        async with reading(watch()):
            await ws.send_text(wire.encode(k.agent_state()))
            while (text := await q.get()) is not None:
                await ws.send_text(text)
    finally:
        k.pages.discard(q)


# -- the agent's messages -------------------------------------------------------------------
async def on_card(reg: KioskLinks, kiosk_id: str, card: wire.Card, now: Any) -> None:
    if not card.id_number:
        reg.to_pages(kiosk_id, wire.IdentityError(reason="unreadable" if card.error else "no_identity"))
        return
    try:
        ident = devices.card_identity(reg.config, now, card.id_number, card.name)
    except HallError:
        reg.to_pages(kiosk_id, wire.IdentityError(reason="invalid"))
        return
    token = reg.hold(kiosk_id, ident)
    reg.to_pages(kiosk_id, wire.Identity(card=token, masked=ident.masked, name_masked=ident.name_masked,
                                         green=ident.green, expires_in=int(IDENTITY_SECONDS)))  # fmt: skip


async def on_scan(reg: KioskLinks, kiosk_id: str, data: str, now: Any) -> None:
    data = data.strip()[:512]
    if devices.scan_kind(data) == "booking":
        reg.to_pages(kiosk_id, wire.Scanned(kind="booking", data=data.upper()))
        return
    ticket = devices.scanned_ticket(data)
    if ticket is not None:  # a remote ticket's QR, from the phone page or the slip: the page checks it in
        reg.to_pages(kiosk_id, wire.Scanned(kind="ticket", data=ticket))
        return
    number = await asyncio.to_thread(reg.resolver.resolve, data)  # 随申码: the city's service, if configured
    if number is None:
        reg.to_pages(kiosk_id, wire.Scanned(kind="unknown", data=None))
        return
    await on_card(reg, kiosk_id, wire.Card(id_number=number), now)


async def on_message(reg: KioskLinks, kiosk_id: str, message: wire.AgentMessage) -> None:
    k = reg.kiosk(kiosk_id)
    now = reg.store.clock.now()
    if isinstance(message, wire.Hello):
        await reg.store.write(devices.record_seen, kiosk_id, message.version)
    elif isinstance(message, wire.Health):
        k.health = devices.parse_health(msgspec.to_builtins(message))  # the values: core's to judge
        await reg.store.write(devices.record_health, kiosk_id, k.health)
        reg.to_pages(kiosk_id, k.agent_state())
    elif isinstance(message, wire.Card):
        await on_card(reg, kiosk_id, message, now)
    elif isinstance(message, wire.CardRemoved):
        reg.to_pages(kiosk_id, wire.IdentityRemoved())
    elif isinstance(message, wire.Scan):
        await on_scan(reg, kiosk_id, message.data, now)
    elif isinstance(message, wire.Ack) and message.job is not None:
        await reg.finish(kiosk_id, message.job, message.status, message.reason)


def agent_frame(frame: Any, kiosk_id: str = "") -> wire.AgentMessage | None:
    """The agent's message in a frame, or None for anything else (binary, too big, not JSON,
    not one of protocol.kiosk's agent messages: an unknown type, a field of the wrong type).
    A closing frame raises ``WebSocketDisconnect``."""
    if frame.get("type") == "websocket.disconnect":
        raise WebSocketDisconnect(frame.get("code", 1000))
    raw = frame.get("text")
    if not isinstance(raw, str) or len(raw) > MAX_MESSAGE:
        return None
    try:
        return wire.decode_agent(raw)
    except msgspec.DecodeError:
        kind = wire.type_of(raw)
        if kind is not None:  # a message, not noise: said by type only (a card's fields stay out of logs)
            log.warning("kiosk %s: ignored a %.40r message (not one of the protocol)", kiosk_id, kind)
        return None


async def serve_agent(ws: WebSocket, reg: KioskLinks, kiosk_id: str) -> None:
    """One agent connection: welcome, then its messages until it goes."""
    k = reg.kiosk(kiosk_id)
    old, k.agent = k.agent, ws
    if old is not None:  # a restarted agent replaces the old link
        with contextlib.suppress(Exception):
            await old.close(code=wire.REPLACED, reason="replaced by a newer connection")
    try:
        await reg.store.write(devices.record_seen, kiosk_id)
        now = reg.store.clock.now().isoformat(timespec="seconds")
        await ws.send_text(wire.encode(wire.Welcome(kiosk=kiosk_id, server_time=now)))
        reg.to_pages(kiosk_id, k.agent_state())
        while True:
            message = agent_frame(await ws.receive(), kiosk_id)
            if message is not None:
                try:
                    await on_message(reg, kiosk_id, message)
                except (HallError, ValueError, TypeError, KeyError) as e:  # a message we cannot use: not the link
                    log.warning("kiosk %s: ignored a %s message (%s)", kiosk_id, wire.tag(message), type(e).__name__)
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
