"""Call-next latency with 10,000 tickets waiting at one site.

    python -m bench.callnext

The site's queue is filled over HTTP first (10,000 tickets plus one per call measured,
so that 10,000 or more wait at every call). Then one clerk, in a load process, calls the
next ticket and finishes it, again and again; only ``POST call-next`` is timed, from the
client, subtracting nothing (loopback, keep-alive: what the clerk's screen waits for).
"""

from __future__ import annotations

import time
from typing import Any

from bench import tickets
from bench.common import Row, Table, ms, percentile, processes, run_alone, server, start_at, wait_until

SITE, COUNTER, CLERK = "wusong", "wusong-1", "bench-clerk"
WAITING, CALLS = 10_000, 400
TARGET_P99 = 0.010


def clerk(port: int, token: str, counter: str, calls: int, t0: float) -> dict[str, Any]:
    from bench.load import run

    return run(_clerk(port, token, counter, calls, t0))


async def _clerk(port: int, token: str, counter: str, calls: int, t0: float) -> dict[str, Any]:
    import json

    from bench.rawhttp import Connection

    conn = await Connection.open("127.0.0.1", port)
    call = conn.request_bytes("POST", f"/api/v1/counters/{counter}/call-next", b"{}", token)
    done = conn.request_bytes("POST", f"/api/v1/counters/{counter}/done", b"{}", token)
    wait_until(t0)
    lat: list[float] = []
    errors = 0
    for _ in range(calls):
        t = time.monotonic()
        status, body = await conn.send(call)
        lat.append(time.monotonic() - t)
        if status != 200 or json.loads(body)["ticket"] is None:
            errors += 1
            continue
        status, _ = await conn.send(done)
        errors += status != 200
    await conn.close()
    return {"lat": lat, "errors": errors}


def measure(table: Table) -> None:
    with server("callnext") as srv:
        tokens = srv.accounts(users=[(CLERK, "clerk", SITE)], devices=[f"{SITE}-k1"])
        srv.start()
        kiosk = tokens[f"{SITE}-k1"]
        filled = tickets.run_issue(srv, kiosk, 64, WAITING + CALLS, 60.0, 2, site=SITE)
        token = srv.login(CLERK)
        srv.ok("POST", f"/api/v1/counters/{COUNTER}/open", {}, token)
        before = sum(s["waiting"] for s in srv.ok("GET", f"/api/v1/sites/{SITE}/services"))
        r = processes(clerk, [(srv.port, token, COUNTER, CALLS, start_at(0.5))])[0]
    lat = r["lat"]
    table.add(
        Row(
            f"call-next, {before:,} waiting at one site",
            f"p50 {ms(percentile(lat, 50))}, p99 {ms(percentile(lat, 99))}, max {ms(max(lat))} "
            f"({len(lat)} calls, client-measured)",
            f"p99 < {TARGET_P99 * 1000:.0f} ms",
            percentile(lat, 99) < TARGET_P99 and r["errors"] == 0 and before - CALLS >= WAITING,
            f"errors {r['errors']}" if r["errors"] else f"queue filled at {filled['rate']:,.0f} tickets/s",
        )
    )


if __name__ == "__main__":
    run_alone(measure)
