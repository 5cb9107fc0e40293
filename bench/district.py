"""The district API beside ticket issue (issue 14): ``GET /api/v1/district`` answers 1,000
requests/s without slowing ticket issue.

    python -m bench.district

Three runs on one server: the district API alone (clients back to back: its own rate), ticket
issue at 64 clients alone, and the same ticket issue with district polling beside it, paced at
``POLL_RATE`` requests/s (kiosks, phones and the public page asking at once). The row prints the
issue rate with polling as a ratio to without, and the rate the polling got.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from bench import load, rawhttp
from bench.common import Row, Server, Table, ms, percentile, processes, run_alone, server, start_at, wait_until
from bench.tickets import SERVICES, SITE, run_issue

PATH = f"/api/v1/district?near={SITE}"
POLL_RATE = 1_000  # requests/s beside ticket issue
POLL_CLIENTS = 32
TARGET_ALONE = 1_000  # requests/s, the district API by itself
TARGET_RATIO = 0.8  # ticket issue with polling beside, as a share of without


def poll(base: str, clients: int, rate: float | None, seconds: float, t0: float) -> dict[str, Any]:
    """GET the district from ``clients`` keep-alive connections, each paced to ``rate / clients``
    requests/s (``None``: back to back), from ``t0`` for ``seconds``."""
    return load.run(_poll(base, clients, rate, seconds, t0))


async def _poll(base: str, clients: int, rate: float | None, seconds: float, t0: float) -> dict[str, Any]:
    host, port = base.removeprefix("http://").split(":")
    conns = [await rawhttp.Connection.open(host, int(port)) for _ in range(clients)]
    raw = conns[0].request_bytes("GET", PATH)
    lat: list[float] = []
    codes: Counter[str] = Counter()
    gap = None if rate is None else clients / rate
    end = t0 + seconds

    async def one(i: int, conn: rawhttp.Connection) -> None:
        due = t0 + (0.0 if gap is None else gap * i / clients)
        while True:
            if gap is not None:
                now = time.monotonic()
                if due > now:
                    await asyncio.sleep(due - now)
                due += gap
            if time.monotonic() >= end:
                return
            t = time.monotonic()
            try:
                status, _ = await conn.send(raw)
            except (OSError, asyncio.IncompleteReadError) as e:
                codes[type(e).__name__] += 1
                return
            codes[str(status)] += 1
            lat.append(time.monotonic() - t)

    wait_until(t0)
    start = time.monotonic()
    await asyncio.gather(*(one(i, c) for i, c in enumerate(conns)))
    stop = time.monotonic()
    for c in conns:
        await c.close()
    return {"lat": lat, "codes": dict(codes), "rate": codes.get("200", 0) / (stop - start)}


def _job(kind: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """One load process: district polling or ticket issue (``processes`` runs one function)."""
    if kind == "poll":
        return poll(*args)
    return load.issue(*args)


def issue_with_polling(srv: Server, token: str, seconds: float = 5.0) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ticket issue at 64 clients (two processes) with one process polling the district beside it."""
    t0 = start_at(2.5)
    jobs = [
        ("issue", (srv.base, token, SITE, SERVICES, 32, 6_001, seconds, t0, True)),
        ("issue", (srv.base, token, SITE, SERVICES, 32, 6_001, seconds, t0, True)),
        ("poll", (srv.base, POLL_CLIENTS, POLL_RATE, seconds, t0)),
    ]
    parts = processes(_job, jobs)
    issued = parts[:2]
    wall = max(p["end"] for p in issued) - min(p["start"] for p in issued)
    lat = [x for p in issued for x in p["lat"]]
    ok = sum(p["codes"].get("201", 0) for p in issued)
    return {"rate": ok / wall, "p99": percentile(lat, 99)}, parts[2]


def measure(table: Table) -> None:
    with server("district") as srv:
        token = srv.accounts(devices=[f"{SITE}-k1"])[f"{SITE}-k1"]
        srv.start()
        run_issue(srv, token, 16, 1_000, 2.0, 1)  # warm up
        alone = processes(poll, [(srv.base, POLL_CLIENTS, None, 3.0, start_at(1.5))])[0]
        table.add(
            Row(
                "district API alone, 32 clients",
                f"{alone['rate']:,.0f}/s, p50 {ms(percentile(alone['lat'], 50))}, "
                f"p99 {ms(percentile(alone['lat'], 99))}",
                f">= {TARGET_ALONE:,}/s",
                alone["rate"] >= TARGET_ALONE and set(alone["codes"]) == {"200"},
                "" if set(alone["codes"]) == {"200"} else f"codes {alone['codes']}",
            )
        )
        base = run_issue(srv, token, 64, 12_000, 5.0, 2)
        mixed, polled = issue_with_polling(srv, token)
        ratio = mixed["rate"] / base["rate"]
        table.add(
            Row(
                f"ticket issue, 64 clients, district polled at {POLL_RATE:,}/s beside",
                f"{ratio:.2f}x without ({mixed['rate']:,.0f}/s vs {base['rate']:,.0f}/s, p99 {ms(mixed['p99'])}); "
                f"district {polled['rate']:,.0f}/s, p99 {ms(percentile(polled['lat'], 99))}",
                f">= {TARGET_RATIO}x, district >= {0.95 * POLL_RATE:,.0f}/s",
                ratio >= TARGET_RATIO and polled["rate"] >= 0.95 * POLL_RATE,
                "" if set(polled["codes"]) == {"200"} else f"district codes {polled['codes']}",
            )
        )


if __name__ == "__main__":
    run_alone(measure)
