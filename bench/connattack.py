"""Tickets and display calls with and without a connection attack beside them.

    python -m bench.connattack

One kiosk takes a ticket, one clerk calls it and finishes it, and a display socket waits
for each call, over and over for ``SECONDS``; first alone, then while one other address
(127.0.0.2) keeps about 1,500 sockets open: a third silent, a third trickling headers, a
third websockets that never read (issue 12, "Connections"). The server runs with the
per-address limits on (``HALL_LIMITS=on``) and the connection figures of config.toml.
The row prints both rates and their ratio; a ratio under ``TARGET_RATIO`` fails it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import sys
import time
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as EventType

from websockets.sync.client import connect

from bench.common import Ratio, Row, Server, Table, holds, ms, percentile, run_alone, server

SITE, COUNTER, CLERK = "youyi", "youyi-1", "bench-clerk"
SECONDS, SOCKETS, ATTACKER = 10.0, 1500, "127.0.0.2"
TARGET_RATIO = 0.5
UPGRADE = (b"GET /ws/sites/youyi HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")  # fmt: skip
KINDS = [b"", b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", UPGRADE]


def attack(port: int, stop: EventType, opened: Synchronized[int]) -> None:
    """Hold ``SOCKETS`` sockets from one address, reconnecting as the server cuts them off.

    It runs in a process of its own at the lowest priority: an attacker is another machine,
    so its own work must not slow the load generator (sharing its GIL) or the server."""
    os.nice(19)
    socks: list[socket.socket] = []
    while not stop.is_set():
        for s in list(socks):
            try:
                s.send(b"a")
            except OSError:
                socks.remove(s)
                s.close()
        while len(socks) < SOCKETS and not stop.is_set():
            s = socket.socket()
            try:
                s.settimeout(1)
                s.bind((ATTACKER, 0))
                s.connect(("127.0.0.1", port))
                s.setblocking(False)
                if data := KINDS[len(socks) % 3]:
                    s.send(data)
            except OSError:
                s.close()
                break
            socks.append(s)
            opened.value += 1
        time.sleep(0.2)
    for s in socks:
        s.close()


def cycles(srv: Server, kiosk: str, clerk: str) -> tuple[list[float], int]:
    """Ticket, call, the call on the display, done: the duration of each cycle for ``SECONDS``, errors."""
    lat: list[float] = []
    errors = 0
    with connect(f"{srv.ws_base}/ws/sites/{SITE}", open_timeout=10) as display:
        display.recv(timeout=10)  # the snapshot
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            t = time.monotonic()
            try:
                srv.ok("POST", f"/api/v1/sites/{SITE}/tickets", {"service": "general"}, kiosk)
                srv.ok("POST", f"/api/v1/counters/{COUNTER}/call-next", {}, clerk)
                while json.loads(display.recv(timeout=5))["type"] != "ticket.called":
                    pass
                srv.ok("POST", f"/api/v1/counters/{COUNTER}/done", {}, clerk)
            except (OSError, RuntimeError, TimeoutError):
                errors += 1
                continue
            lat.append(time.monotonic() - t)
    return lat, errors


def measure(table: Table) -> None:
    with server("connattack") as srv:
        srv.env["HALL_LIMITS"] = "on"  # the per-address connection cap in force
        tokens = srv.accounts(users=[(CLERK, "clerk", SITE)], devices=[f"{SITE}-k1"])
        srv.start()
        clerk = srv.login(CLERK)
        srv.ok("POST", f"/api/v1/counters/{COUNTER}/open", {}, clerk)
        calm, calm_errors = cycles(srv, tokens[f"{SITE}-k1"], clerk)
        ctx = multiprocessing.get_context("spawn")
        stop, opened = ctx.Event(), ctx.Value("i", 0)
        attacker = ctx.Process(target=attack, args=(srv.port, stop, opened), daemon=True)
        attacker.start()
        time.sleep(3)  # at full strength
        try:
            hit, hit_errors = cycles(srv, tokens[f"{SITE}-k1"], clerk)
        finally:
            stop.set()
            attacker.join(10)
    rate_calm, rate_hit = len(calm) / SECONDS, len(hit) / SECONDS
    ratio = Ratio(f"ticket + call + display beside {SOCKETS:,} attack sockets / alone",
                  rate_hit / rate_calm if rate_calm else 0.0, TARGET_RATIO, at_least=True)  # fmt: skip
    table.add(
        Row(
            f"ticket + call + display, beside {SOCKETS:,} idle/slow sockets from one address",
            f"{rate_hit:.0f} cycles/s under attack, p99 {ms(percentile(hit, 99))}",
            f">= {TARGET_RATIO}x alone, no errors",
            ratio.holds and calm_errors == 0 and hit_errors == 0,
            f"{opened.value:,} attack sockets opened; errors {calm_errors} alone, {hit_errors} under attack",
            baseline=f"alone: {rate_calm:.0f} cycles/s, p99 {ms(percentile(calm, 99))}",
            ratio=ratio,
        )
    )


if __name__ == "__main__":
    sys.exit(0 if holds(run_alone(measure)) else 1)
