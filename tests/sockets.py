"""Receiving from a TestClient websocket with a deadline: starlette's ``receive_json`` waits
forever, so a missing event hangs the test run instead of failing the test."""

from __future__ import annotations

import json
from typing import Any

import anyio
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

TIMEOUT = 10.0


def receive_json(ws: WebSocketTestSession, timeout: float = TIMEOUT) -> Any:
    """The next JSON message of ``ws``.

    :raises TimeoutError: nothing came within ``timeout`` seconds (the test fails, named).
    :raises WebSocketDisconnect: the server closed the socket.
    """

    async def within() -> Any:
        with anyio.fail_after(timeout):
            return await ws._send_rx.receive()

    try:
        message = ws.portal.call(within)
    except TimeoutError:
        raise TimeoutError(f"no websocket message within {timeout} s") from None
    if message["type"] == "websocket.close":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason", ""))
    return json.loads(message["text"])


def receive_many(ws: WebSocketTestSession, n: int, timeout: float = TIMEOUT) -> list[Any]:
    return [receive_json(ws, timeout) for _ in range(n)]
