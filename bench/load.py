"""HTTP load generators: each runs in its own process (see ``common.processes``).

A worker opens ``clients`` keep-alive connections (bench.rawhttp, or httpx2 for comparison:
it costs about as much CPU per request as the server) and has each send its
requests back to back; it records every latency, status and error, and the moments of
its first request and last answer on the machine's monotonic clock, so the parent can
add the workers up.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import httpx2

from bench import rawhttp
from bench.common import wait_until

T = TypeVar("T")


def _client(base: str, clients: int, token: str | None = None) -> httpx2.AsyncClient:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx2.AsyncClient(
        base_url=base,
        headers=headers,
        limits=httpx2.Limits(max_connections=clients, max_keepalive_connections=clients),
        timeout=httpx2.Timeout(30.0),
        trust_env=False,
    )


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop when it is installed (it is, with uvicorn[standard])."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def issue(
    base: str,
    token: str,
    site: str,
    services: list[str],
    clients: int,
    count: int,
    seconds: float,
    t0: float,
    lean: bool = True,
) -> dict[str, Any]:
    """Take numbers at ``site`` with ``clients`` concurrent connections until ``count`` are
    answered or ``seconds`` have passed; ``lean`` picks bench.rawhttp over httpx2."""
    return run((_issue_lean if lean else _issue_httpx)(base, token, site, services, clients, count, seconds, t0))


# One client's request: its status (or the error's name) and whether the connection still stands.
Send = Callable[[bytes], Awaitable[tuple[str, bool]]]


async def _back_to_back(sends: list[Send], payloads: list[bytes], count: int, end: float) -> dict[str, Any]:
    """Each client sends the next payload as soon as it has its answer, until ``count`` are sent or
    ``end``; every latency and status, and the moments of the first request and the last answer."""
    lat: list[float] = []
    codes: Counter[str] = Counter()
    sent = 0

    async def one_client(send: Send) -> None:
        nonlocal sent
        while sent < count and time.monotonic() < end:
            payload = payloads[sent % len(payloads)]
            sent += 1
            t = time.monotonic()
            code, alive = await send(payload)
            codes[code] += 1
            if not alive:
                return
            lat.append(time.monotonic() - t)

    start = time.monotonic()
    await asyncio.gather(*(one_client(s) for s in sends))
    return {"lat": lat, "codes": dict(codes), "start": start, "end": time.monotonic()}


async def _issue_lean(
    base: str, token: str, site: str, services: list[str], clients: int, count: int, seconds: float, t0: float
) -> dict[str, Any]:
    host, port = base.removeprefix("http://").split(":")
    conns = [await rawhttp.Connection.open(host, int(port)) for _ in range(clients)]
    path = f"/api/v1/sites/{site}/tickets"
    reqs = [conns[0].request_bytes("POST", path, f'{{"service":"{s}"}}'.encode(), token) for s in services]

    def sender(conn: rawhttp.Connection) -> Send:
        async def send(raw: bytes) -> tuple[str, bool]:
            try:
                status, _ = await conn.send(raw)
            except (OSError, asyncio.IncompleteReadError) as e:
                return type(e).__name__, False  # the connection is gone: this client stops
            return str(status), True

        return send

    wait_until(t0)
    result = await _back_to_back([sender(c) for c in conns], reqs, count, t0 + seconds)
    for c in conns:
        await c.close()
    return result


async def _issue_httpx(
    base: str, token: str, site: str, services: list[str], clients: int, count: int, seconds: float, t0: float
) -> dict[str, Any]:
    path = f"/api/v1/sites/{site}/tickets"
    bodies = [f'{{"service":"{s}"}}'.encode() for s in services]
    async with _client(base, clients, token) as http:
        # open the connections before the clock starts
        await asyncio.gather(*(http.get("/api/v1/sites") for _ in range(clients)))

        async def send(body: bytes) -> tuple[str, bool]:
            try:
                r = await http.post(path, content=body)
            except httpx2.HTTPError as e:
                return type(e).__name__, True  # the pool opens another connection
            return str(r.status_code), True

        wait_until(t0)
        return await _back_to_back([send] * clients, bodies, count, t0 + seconds)
