"""``WS /ws/sites/{site}``: a snapshot, then missed events (``since``), then live ones."""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from core.queue import views
from core.store.db import Reader
from protocol import site
from web.deps import STAFF, can_see, hall_of
from web.live.hub import Subscriber, wire
from web.live.watch import reading

REPLAY_LIMIT = 2000
STAFF_PROTOCOL = site.STAFF_PROTOCOL


def snapshot_and_missed(
    r: Reader, site_id: str, since: int | None, staff: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """Read the snapshot and the events after ``since`` in one database snapshot."""
    snap = views.snapshot(r, site_id)
    missed: list[str] = []
    if since is not None and since < snap["seq"]:
        start = max(since, snap["seq"] - REPLAY_LIMIT)
        events = views.events_between(r, site_id, start, snap["seq"], REPLAY_LIMIT)
        missed = [wire(e, staff) for e in events]
    return snap, missed


async def staff_of(ws: WebSocket, site_id: str) -> bool | None:
    """Whether the socket is a staff member's of ``site_id`` (subprotocols ``hall.staff`` and
    the bearer token: a browser cannot set headers on a websocket, and a token in the URL
    would land in access logs). None: it asked to be staff with a token that is not."""
    offered = list(ws.scope.get("subprotocols") or [])
    if STAFF_PROTOCOL not in offered:
        return False
    tokens = [p for p in offered if p != STAFF_PROTOCOL]
    who = await hall_of(ws).tokens.lookup(tokens[0]) if len(tokens) == 1 else None
    if who is None or who.role not in STAFF or not can_see(who, site_id):
        return None
    return True


async def _watch_disconnect(ws: WebSocket, sub: Subscriber) -> None:
    """Wait for the client to go; stop the sender then.

    The socket takes no messages: any frame, text or binary, closes it with 1008 (the
    protocol already refuses one over 125 bytes with 1009 before buffering it, see
    web/guard/connections.py). Reading on keeps nothing buffered and lets a client see why.
    """
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
        message = await ws.receive()
        if message["type"] == "websocket.receive":
            await ws.close(code=site.TAKES_NO_MESSAGES, reason="this socket takes no messages")
    sub.end()


async def _send_start(ws: WebSocket, hall: Any, site_id: str, since: int | None, staff: bool) -> int:
    """Send the snapshot and the missed events; the ``seq`` they reach.

    A function of its own so that the snapshot is freed once sent: kept in the socket's
    frame for the life of the connection, a day's snapshot doubled the memory per socket.
    """
    snap, missed = await hall.store.read(snapshot_and_missed, site_id, since, staff)
    await ws.send_text(site.encode(site.Snapshot(seq=snap["seq"], site=snap["site"], data=snap["data"])))
    for text in missed:
        await ws.send_text(text)
    return int(snap["seq"])


async def site_socket(ws: WebSocket) -> None:
    site_id = ws.path_params["site"]
    hall = hall_of(ws)
    if hall.config.site(site_id) is None:
        await ws.close(code=site.UNKNOWN_SITE, reason="unknown site")
        return
    raw_since = ws.query_params.get("since", "")
    since = int(raw_since) if raw_since.isdigit() else None
    staff = await staff_of(ws, site_id)
    if staff is None:
        await ws.close(code=site.NOT_STAFF, reason="not staff of this site")
        return
    await ws.accept(subprotocol=STAFF_PROTOCOL if staff else None)
    # Subscribe before reading, so nothing committed in between is lost; what the
    # snapshot already covers is skipped below.
    sub = hall.hub.subscribe(site_id, staff)
    try:
        async with reading(_watch_disconnect(ws, sub)):
            last = await _send_start(ws, hall, site_id, since, staff)
            while True:
                item = await sub.queue.get()
                if item is None:
                    if sub.overflowed:
                        await ws.close(code=site.TOO_SLOW, reason="too slow: reconnect with since")
                    return
                seq, text = item
                if seq > last:
                    last = seq
                    await ws.send_text(text)
    finally:
        hall.hub.unsubscribe(sub)


routes = [WebSocketRoute("/ws/sites/{site}", site_socket)]
