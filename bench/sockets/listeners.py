"""Websocket listeners in their own processes: many connections per process (websockets,
asyncio), each noting when it receives every ``ticket.called``.

The parent starts a group with ``Listeners(...)``, waits until every socket is connected
(and has its snapshot), drives the calls, then ``stop()`` collects, per ticket number, the
receive times on the machine's monotonic clock (shared by all processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import time
from typing import Any

MARK = '"ticket.called"'


class Listeners:
    def __init__(self, url: str, clients: int, procs: int, *, snapshot: bool, cpus: set[int] | None = None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.queue: Any = ctx.Queue()
        self.stop_event = ctx.Event()
        self.procs = []
        per = [clients // procs + (i < clients % procs) for i in range(procs)]
        for n in per:
            p = ctx.Process(target=listen, args=(url, n, snapshot, self.queue, self.stop_event, cpus), daemon=True)
            p.start()
            self.procs.append(p)

    def wait_ready(self, timeout: float = 120.0) -> list[dict[str, Any]]:
        """Block until every process has its sockets connected; their reports."""
        out = []
        for _ in self.procs:
            kind, report = self.queue.get(timeout=timeout)
            if kind == "failed":
                raise RuntimeError(f"listener failed: {report}")
            out.append(report)
        return out

    def stop(self, timeout: float = 60.0) -> tuple[dict[str, list[float]], int]:
        """Stop listening; every receive time per ticket number, and how many sockets dropped."""
        self.stop_event.set()
        got: dict[str, list[float]] = {}
        dropped = 0
        for _ in self.procs:
            _kind, report = self.queue.get(timeout=timeout)
            for number, times in report["got"].items():
                got.setdefault(number, []).extend(times)
            dropped += report["dropped"]
        for p in self.procs:
            p.join(10)
        return got, dropped


def listen(url: str, n: int, snapshot: bool, queue: Any, stop: Any, cpus: set[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    from bench.load import run

    try:
        run(_listen(url, n, snapshot, queue, stop))
    except Exception as e:  # report, so the parent does not wait forever
        queue.put(("failed", repr(e)))


async def _listen(url: str, n: int, snapshot: bool, queue: Any, stop: Any) -> None:
    from websockets.asyncio.client import connect

    conns: list[Any] = []
    for i in range(0, n, 50):  # in batches: the server's accept queue is finite
        batch = [
            connect(url, compression=None, ping_interval=None, max_queue=None, open_timeout=60, proxy=None)
            for _ in range(min(50, n - i))
        ]
        conns += await asyncio.gather(*batch)
    if snapshot:
        for ws in conns:
            first = json.loads(await ws.recv())
            assert first["type"] == "snapshot", first
    queue.put(("ready", {"pid": os.getpid(), "sockets": len(conns)}))
    got: dict[str, list[float]] = {}
    dropped = 0

    async def reader(ws: Any) -> None:
        nonlocal dropped
        try:
            async for msg in ws:
                if MARK in msg:
                    t = time.monotonic()
                    number = json.loads(msg)["data"]["ticket"]["number"]
                    got.setdefault(number, []).append(t)
        except Exception:
            dropped += 1

    tasks = [asyncio.create_task(reader(ws)) for ws in conns]
    while not stop.is_set():
        await asyncio.sleep(0.05)
    for t in tasks:
        t.cancel()
    for ws in conns:
        with contextlib.suppress(Exception):
            ws.transport.abort()
    queue.put(("done", {"got": got, "dropped": dropped}))
