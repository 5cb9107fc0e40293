"""Bounded connections: per-address caps, header and body deadlines, stalled writes, frame caps.

uvicorn's own options cover the idle time between requests (``timeout_keep_alive``) and
unanswered websocket pings (``ws_ping_interval``/``ws_ping_timeout``). What it has no
option for lives here, in subclasses of its httptools and websockets protocols that share
one ``ConnectionGuard``:

- a cap on the connections of one peer address (a trusted proxy's connections are many
  clients: they count toward the total only) and on the total, below the open-file limit;
- a deadline for the request head (a connection that sends nothing, or trickles its
  headers byte by byte, is answered 408 and closed) and a cap on its size (431);
- a deadline for the request body;
- a transport that cannot write (the client never reads) is aborted, not left to wait
  for a flush that never comes: ``close()`` keeps a transport open while its buffer holds
  data, and a socket that never reads held its file descriptor forever;
- the largest websocket message each socket accepts, by path (the public site socket
  takes none: only control frames fit), refused by the protocol with 1009 before it is
  buffered.

See docs/security.md, "Connections", for the figures and why.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import Response
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from core.config import Limits

log = logging.getLogger("hall.connections")

# File descriptors kept for the database, its WAL, logs and voice clips, beyond sockets.
FD_RESERVE = 128
# Bytes of automatic answers (pongs) a websocket may leave unread before it is cut off: far
# above one snapshot, which the sender writes only once the buffer is below 64 KiB.
PONG_BUFFER_CAP = 4 * 1024 * 1024
SWEEP_SECONDS = 1.0
# Largest client message per websocket path prefix; others get ``limits.ws_max_message_bytes``.
# The public site socket takes no messages: 125 bytes is the largest control frame (ping).
WS_MESSAGE_CAPS = {"/ws/sites/": 125}


def raise_open_file_limit() -> int:
    """Raise the soft open-file limit to the hard one where allowed; the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError) as e:
            log.warning("open-file limit stays at %d: %s", soft, e)
    return soft


def refusal(status: int, reason: str, code: str, message: str, retry_after: int | None = None) -> bytes:
    """A complete HTTP/1.1 answer with the project's JSON error body, then close."""
    body = json.dumps({"error": code, "message": message}, ensure_ascii=False).encode()
    head = [f"HTTP/1.1 {status} {reason}", "content-type: application/json; charset=utf-8",
            f"content-length: {len(body)}", "connection: close"]  # fmt: skip
    if retry_after is not None:
        head.append(f"retry-after: {retry_after}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


TOO_MANY = refusal(429, "Too Many Requests", "too_many_connections",
                   "连接过多，请稍后再试 / too many connections from this address", retry_after=5)  # fmt: skip
BUSY = refusal(503, "Service Unavailable", "server_busy", "服务器繁忙，请稍后再试 / server busy", retry_after=5)
HEAD_TIMEOUT = refusal(408, "Request Timeout", "request_timeout", "请求超时 / the request took too long")
HEAD_TOO_BIG = refusal(431, "Request Header Fields Too Large", "headers_too_large", "请求头过大 / headers too large")


@dataclass
class _Conn:
    transport: asyncio.BaseTransport
    peer: str
    stalled_since: float | None = None
    buffered: int = 0  # bytes waiting to be sent at the last sweep


class ConnectionGuard:
    """Every open connection of the server, by transport; one per server process."""

    def __init__(self, limits: Limits, max_total: int) -> None:
        self.limits = limits
        self.max_total = max_total
        self._conns: dict[int, _Conn] = {}
        self._per_peer: dict[str, int] = {}
        self._sweeping = False
        self.refused = 0

    def count(self, peer: str | None = None) -> int:
        return len(self._conns) if peer is None else self._per_peer.get(peer, 0)

    def admit(self, transport: asyncio.Transport) -> bool:
        """Count a new connection, or answer 429/503 and close it; whether it was admitted."""
        if id(transport) in self._conns:  # the same connection, upgraded to a websocket
            return True
        peername = transport.get_extra_info("peername")
        peer = str(peername[0]) if isinstance(peername, tuple) and peername else "local"
        refusal_bytes = None
        if len(self._conns) >= self.max_total:
            refusal_bytes = BUSY
        elif peer not in self.limits.trusted_proxies and self.count(peer) >= self.limits.connections_per_address:
            refusal_bytes = TOO_MANY
        self._conns[id(transport)] = _Conn(transport, peer)  # released by connection_lost either way
        self._per_peer[peer] = self._per_peer.get(peer, 0) + 1
        self._start_sweeping()
        if refusal_bytes is None:
            return True
        self.refused += 1
        if self.refused % 1000 == 1:
            log.warning("connections refused: %d so far (%d open)", self.refused, len(self._conns))
        transport.write(refusal_bytes)
        transport.close()
        return False

    def release(self, transport: asyncio.BaseTransport) -> None:
        conn = self._conns.pop(id(transport), None)
        if conn is None:
            return
        left = self._per_peer[conn.peer] - 1
        if left:
            self._per_peer[conn.peer] = left
        else:
            del self._per_peer[conn.peer]

    def _start_sweeping(self) -> None:
        if not self._sweeping:
            self._sweeping = True
            asyncio.get_running_loop().call_later(SWEEP_SECONDS, self.sweep)

    def sweep(self) -> None:
        """Abort transports that sent nothing of what they hold (or did not finish closing) for
        ``write_stall_seconds``."""
        now = time.monotonic()
        for conn in list(self._conns.values()):
            t = conn.transport
            buffered = _buffered(t)
            progress, conn.buffered = buffered < conn.buffered, buffered
            if (buffered or t.is_closing()) and not progress:  # a slow reader still makes progress
                if conn.stalled_since is None:
                    conn.stalled_since = now
                elif now - conn.stalled_since >= self.limits.write_stall_seconds:
                    _abort(t)
            else:
                conn.stalled_since = None
        self._sweeping = False
        if self._conns:
            self._start_sweeping()


def _buffered(transport: asyncio.BaseTransport) -> int:
    size = getattr(transport, "get_write_buffer_size", None)
    return int(size()) if size is not None else 0


def _abort(transport: asyncio.BaseTransport) -> None:
    abort = getattr(transport, "abort", None)
    if abort is not None:
        abort()
    else:
        transport.close()


class GuardedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol with the guard's cap, head deadline and body deadline."""

    guard: ClassVar[ConnectionGuard]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._head_bytes: int | None = None  # bytes of the request head so far; None once complete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.guard.admit(transport):
            self._head_bytes = 0
            self._arm(self.guard.limits.header_timeout_seconds, HEAD_TIMEOUT)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.guard.release(self.transport)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self._head_bytes is not None:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._head_bytes is not None and self._head_bytes > self.guard.limits.max_header_bytes:
            self._refuse(HEAD_TOO_BIG)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_bytes is None:  # a further request on a kept-alive connection
            self._head_bytes = 0
        if self._deadline is None:
            self._arm(self.guard.limits.header_timeout_seconds, HEAD_TIMEOUT)

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        self._disarm()
        super().on_headers_complete()
        if not (self.parser.should_upgrade() and self._should_upgrade()):
            self._arm(self.guard.limits.body_timeout_seconds, None)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float, answer: bytes | None) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._refuse, answer)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _refuse(self, answer: bytes | None) -> None:
        """Answer (while no response has started) and close."""
        self._deadline = None
        if self.transport.is_closing():
            return
        if answer is not None and (self.cycle is None or self.cycle.response_complete):
            self.transport.write(answer)
        self.transport.close()


class GuardedWebSocket(WebSocketsSansIOProtocol):
    """uvicorn's websockets protocol: the guard's count, a message cap by path, no endless pongs."""

    guard: ClassVar[ConnectionGuard]

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.guard.admit(self.transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.guard.release(self.transport)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Pings are answered whether or not the client reads: one that never does is cut off.
        if _buffered(self.transport) > PONG_BUFFER_CAP and not self.transport.is_closing():
            _abort(self.transport)

    def handle_connect(self, event: Any) -> None:
        path = str(event.path)
        caps = [cap for prefix, cap in WS_MESSAGE_CAPS.items() if path.startswith(prefix)]
        self.conn.max_message_size = caps[0] if caps else self.guard.limits.ws_max_message_bytes
        super().handle_connect(event)

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        _abort(self.transport)  # it did not answer a ping: it will not read a close frame either


def protocols(limits: Limits) -> tuple[type[GuardedHttp], type[GuardedWebSocket], ConnectionGuard]:
    """The http and ws protocol classes for uvicorn's Config, sharing one new guard."""
    soft = raise_open_file_limit()
    guard = ConnectionGuard(limits, max_total=max(64, min(limits.connections_total, soft - FD_RESERVE)))
    http = type("Http", (GuardedHttp,), {"guard": guard})
    ws = type("WebSocket", (GuardedWebSocket,), {"guard": guard})
    return http, ws, guard


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client left (or was cut off) while sending its body: nobody reads the answer, no traceback."""
    return Response(status_code=400)
