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
from collections.abc import Coroutine
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


async def _issue_lean(
    base: str, token: str, site: str, services: list[str], clients: int, count: int, seconds: float, t0: float
) -> dict[str, Any]:
    lat: list[float] = []
    codes: Counter[str] = Counter()
    sent = 0
    host, port = base.removeprefix("http://").split(":")
    conns = [await rawhttp.Connection.open(host, int(port)) for _ in range(clients)]
    path = f"/api/v1/sites/{site}/tickets"
    reqs = [conns[0].request_bytes("POST", path, f'{{"service":"{s}"}}'.encode(), token) for s in services]
    wait_until(t0)
    end = t0 + seconds

    async def one_client(conn: rawhttp.Connection) -> None:
        nonlocal sent
        while sent < count and time.monotonic() < end:
            raw = reqs[sent % len(reqs)]
            sent += 1
            t = time.monotonic()
            try:
                status, _ = await conn.send(raw)
                codes[str(status)] += 1
            except (OSError, asyncio.IncompleteReadError) as e:
                codes[type(e).__name__] += 1
                return
            lat.append(time.monotonic() - t)

    start = time.monotonic()
    await asyncio.gather(*(one_client(c) for c in conns))
    stop = time.monotonic()
    for c in conns:
        await c.close()
    return {"lat": lat, "codes": dict(codes), "start": start, "end": stop}


async def _issue_httpx(
    base: str, token: str, site: str, services: list[str], clients: int, count: int, seconds: float, t0: float
) -> dict[str, Any]:
    lat: list[float] = []
    codes: Counter[str] = Counter()
    sent = 0
    path = f"/api/v1/sites/{site}/tickets"
    bodies = [f'{{"service":"{s}"}}'.encode() for s in services]
    async with _client(base, clients, token) as http:
        # open the connections before the clock starts
        await asyncio.gather(*(http.get("/api/v1/sites") for _ in range(clients)))
        wait_until(t0)
        end = t0 + seconds

        async def one_client() -> None:
            nonlocal sent
            while sent < count and time.monotonic() < end:
                body = bodies[sent % len(bodies)]
                sent += 1
                t = time.monotonic()
                try:
                    r = await http.post(path, content=body)
                    codes[str(r.status_code)] += 1
                except httpx2.HTTPError as e:
                    codes[type(e).__name__] += 1
                lat.append(time.monotonic() - t)

        start = time.monotonic()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        return {"lat": lat, "codes": dict(codes), "start": start, "end": time.monotonic()}
