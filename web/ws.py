"""``WS /ws/sites/{site}``: a snapshot, then missed events (``since``), then live ones."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from core import views
from core.store import queries
from core.store.db import Reader
from web.hub import Subscriber

REPLAY_LIMIT = 2000


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def snapshot_and_missed(r: Reader, site_id: str, since: int | None) -> tuple[dict[str, Any], list[str]]:
    """Read the snapshot and the events after ``since`` in one database snapshot."""
    snap = views.snapshot(r, site_id)
    missed: list[str] = []
    if since is not None and since < snap["seq"]:
        start = max(since, snap["seq"] - REPLAY_LIMIT)
        missed = [_dumps(e.public()) for e in queries.events_since(r, site_id, start, snap["seq"], REPLAY_LIMIT)]
    return snap, missed


async def _watch_disconnect(ws: WebSocket, sub: Subscriber) -> None:
    """Read (and ignore) what the client sends; on disconnect, stop the sender."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await ws.receive_text()
    sub.end()


async def _send_start(ws: WebSocket, hall: Any, site_id: str, since: int | None) -> int:
    """Send the snapshot and the missed events; the ``seq`` they reach.

    A function of its own so that the snapshot is freed once sent: kept in the socket's
    frame for the life of the connection, a day's snapshot doubled the memory per socket.
    """
    snap, missed = await hall.store.read(snapshot_and_missed, site_id, since)
    await ws.send_text(_dumps(snap))
    for text in missed:
        await ws.send_text(text)
    return int(snap["seq"])


async def site_socket(ws: WebSocket) -> None:
    site_id = ws.path_params["site"]
    hall = ws.app.state.hall
    if hall.config.site(site_id) is None:
        await ws.close(code=4404, reason="unknown site")
        return
    raw_since = ws.query_params.get("since", "")
    since = int(raw_since) if raw_since.isdigit() else None
    await ws.accept()
    # Subscribe before reading, so nothing committed in between is lost; what the
    # snapshot already covers is skipped below.
    sub = hall.hub.subscribe(site_id)
    watcher = asyncio.ensure_future(_watch_disconnect(ws, sub))
    try:
        last = await _send_start(ws, hall, site_id, since)
        while True:
            item = await sub.queue.get()
            if item is None:
                if sub.overflowed:
                    await ws.close(code=4408, reason="too slow: reconnect with since")
                return
            seq, text = item
            if seq > last:
                last = seq
                await ws.send_text(text)
    except (WebSocketDisconnect, RuntimeError, OSError):
        return
    finally:
        hall.hub.unsubscribe(sub)
        watcher.cancel()
        with contextlib.suppress(BaseException):
            await watcher


routes = [WebSocketRoute("/ws/sites/{site}", site_socket)]
