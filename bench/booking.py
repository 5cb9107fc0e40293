"""Booking rush: 5,000 concurrent requests for the 200 places of one slot.

    python -m bench.booking

A supervisor sets 200 places per slot for tomorrow's 补领婚姻登记证 (``reissue``, a
one-party service) through the overrides API. 5,000 residents, each with a distinct valid
ID number (GB 11643 check digit) and phone, then book the 09:00 slot at the same moment:
every connection is opened first, the requests are sent together from several load
processes. Exactly 200 must be booked and 4,800 told ``slot_full``, none 5xx, all
answered within 3 s.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from bench.common import (
    CLOCK,
    Row,
    Table,
    ms,
    percentile,
    phone,
    processes,
    run_alone,
    server,
    start_at,
    valid_id_number,
)

SITE, SERVICE, SUPERVISOR = "registry", "reissue", "bench-supervisor"
REQUESTS, PLACES, PROCS = 5_000, 200, 4
TARGET_SECONDS = 3.0


def rush(port: int, bodies: list[bytes], t0: float) -> dict[str, Any]:
    from bench.load import run

    return run(_rush(port, bodies, t0))


async def _rush(port: int, bodies: list[bytes], t0: float) -> dict[str, Any]:
    import asyncio

    from bench.rawhttp import Connection

    conns: list[Connection] = []
    for i in range(0, len(bodies), 100):  # the server's accept queue is finite: connect in batches
        conns += await asyncio.gather(*(Connection.open("127.0.0.1", port) for _ in bodies[i : i + 100]))
    reqs = [c.request_bytes("POST", "/api/v1/appointments", b) for c, b in zip(conns, bodies, strict=True)]
    out: list[tuple[float, int | str, str]] = []

    async def one(conn: Connection, raw: bytes) -> None:
        t = time.monotonic()
        try:
            status, body = await conn.send(raw)
        except (OSError, asyncio.IncompleteReadError) as e:
            out.append((time.monotonic() - t, type(e).__name__, ""))
            return
        code = ""
        if status >= 400:
            try:
                code = json.loads(body)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = "?"
        out.append((time.monotonic() - t, status, code))

    from bench.common import wait_until

    wait_until(t0)
    start = time.monotonic()
    await asyncio.gather(*(one(c, r) for c, r in zip(conns, reqs, strict=True)))
    end = time.monotonic()
    for c in conns:
        await c.close()
    return {"results": out, "start": start, "end": end}


def measure(table: Table) -> None:
    tomorrow = (dt.datetime.fromisoformat(CLOCK) + dt.timedelta(days=1)).date()
    start = dt.datetime.combine(tomorrow, dt.time(9, 0), dt.datetime.fromisoformat(CLOCK).tzinfo).isoformat()
    bodies = [
        json.dumps(
            {
                "site": SITE,
                "service": SERVICE,
                "start": start,
                "applicants": [{"name": f"申请人{i}", "id_number": valid_id_number(i), "phone": phone(i)}],
            },
            ensure_ascii=False,
        ).encode()
        for i in range(REQUESTS)
    ]
    with server("booking") as srv:
        srv.accounts(users=[(SUPERVISOR, "supervisor", SITE)])
        srv.start()
        token = srv.login(SUPERVISOR)
        slots = srv.ok(
            "POST",
            f"/api/v1/sites/{SITE}/services/{SERVICE}/overrides",
            {"date": tomorrow.isoformat(), "capacity": PLACES, "note": "bench"},
            token,
        )
        assert any(s["start"] == start and s["capacity"] == PLACES for s in slots), slots
        t0 = start_at(4.0)
        parts = processes(rush, [(srv.port, bodies[i::PROCS], t0) for i in range(PROCS)])
        left = srv.ok("GET", f"/api/v1/sites/{SITE}/services/{SERVICE}/slots?date={tomorrow}")
    results = [r for p in parts for r in p["results"]]
    total = max(p["end"] for p in parts) - min(p["start"] for p in parts)
    lat = [r[0] for r in results]
    booked = sum(r[1] == 201 for r in results)
    full = sum(r[2] == "slot_full" for r in results)
    five = sum(isinstance(r[1], int) and r[1] >= 500 for r in results)
    other = [r for r in results if r[1] != 201 and r[2] != "slot_full"]
    remaining = next(s["remaining"] for s in left if s["start"] == start)
    holds = booked == PLACES and full == REQUESTS - PLACES and five == 0 and not other and total < TARGET_SECONDS
    kinds: dict[str, int] = {}
    for r in other:
        kinds[f"{r[1]} {r[2]}".strip()] = kinds.get(f"{r[1]} {r[2]}".strip(), 0) + 1
    table.add(
        Row(
            f"booking rush, {REQUESTS:,} requests for {PLACES} places",
            f"{booked} booked, {full:,} slot_full, {len(other)} errors, {five} 5xx; all answered in {total:.2f} s, "
            f"p50 {ms(percentile(lat, 50))}, p99 {ms(percentile(lat, 99))} (places left {remaining})",
            f"exactly {PLACES} booked, {REQUESTS - PLACES:,} slot_full, 0 5xx, < {TARGET_SECONDS:.0f} s",
            holds,
            f"errors: {kinds}" if kinds else "",
        )
    )


if __name__ == "__main__":
    run_alone(measure)
