"""Websocket fan-out: a clerk's call-next reaching 1,000 (and 3,000) connected displays,
beside a bare broadcast; and the server's memory with those sockets and a day's data.

    python -m bench.sockets.fanout

Latency of a call = the last socket's receive time minus the moment the clerk's
``POST call-next`` was sent (the same monotonic clock in every process). Listeners are
spread over several processes; every socket must receive every call (``lost``).
The server's database holds a simulated full day at all 17 sites (bench.day) before it
starts, so the peak RSS is that of a server with a day's data.
"""

from __future__ import annotations

import http.client
import json
import time
from typing import Any

from bench import bare
from bench.common import QUICK, Ratio, Row, Server, Table, ms, percentile, run_alone, server
from bench.harness import free_port
from bench.sockets.listeners import Listeners

SITE, COUNTER, CLERK = "youyi", "youyi-1", "bench-clerk"
# clients, calls, pause after each call (s), listener processes
RUNS = [(1_000, 60, 0.3, 4), (3_000, 25, 0.7, 4)]
TARGETS = {1_000: 0.150, 3_000: 0.500}  # on a quiet machine
TARGET_RATIO = 1.25  # SPEC 9: p99 <= 1.25x the bare broadcast's, same run
RSS_TARGET_MB = 300
PER_CONNECTION_TARGET_KIB = 64


class Caller:
    """Keep-alive HTTP client for the driver (one clerk at one counter)."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: Any = None) -> tuple[float, Any]:
        raw = json.dumps(body or {}).encode()
        t0 = time.monotonic()
        self.conn.request("POST", path, raw, self.headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status >= 300:
            raise RuntimeError(f"POST {path}: {r.status} {data[:300]!r}")
        return t0, json.loads(data)


def latencies(sent: dict[str, float], got: dict[str, list[float]], clients: int) -> dict[str, Any]:
    last = [max(got[n]) - t0 for n, t0 in sent.items() if n in got]
    every = [t - t0 for n, t0 in sent.items() for t in got.get(n, [])]
    lost = sum(clients - len(got.get(n, [])) for n in sent)
    return {
        "p50": percentile(last, 50),
        "p99": percentile(last, 99),
        "all_p50": percentile(every, 50),
        "calls": len(sent),
        "lost": lost,
    }


def stop(groups: list[Listeners]) -> tuple[dict[str, list[float]], int]:
    got: dict[str, list[float]] = {}
    dropped = 0
    for g in groups:
        part, d = g.stop()
        for n, times in part.items():
            got.setdefault(n, []).extend(times)
        dropped += d
    return got, dropped


def hall_fanout(srv: Server, clerk: str, clients: int, calls: int, pause: float, procs: int) -> dict[str, Any]:
    """Per-socket memory is the RSS growth of the second half of the sockets over their count:
    the marginal cost, without the one-time growth (reader threads, their SQLite caches)
    that the first connections bring."""
    url = f"{srv.ws_base}/ws/sites/{SITE}"
    half = clients // 2
    first = Listeners(url, half, max(1, procs // 2), snapshot=True)
    first.wait_ready()
    time.sleep(0.5)
    rss_half = srv.status("VmRSS")
    second = Listeners(url, clients - half, max(1, procs - procs // 2), snapshot=True)
    second.wait_ready()
    time.sleep(0.5)
    rss_all = srv.status("VmRSS")
    caller = Caller(srv.port, clerk)
    sent: dict[str, float] = {}
    for _ in range(calls):
        t0, state = caller.post(f"/api/v1/counters/{COUNTER}/call-next")
        sent[state["ticket"]["number"]] = t0
        time.sleep(pause)
        caller.post(f"/api/v1/counters/{COUNTER}/done")
        time.sleep(pause / 3)
    hwm = srv.status("VmHWM")
    got, dropped = stop([first, second])
    out = latencies(sent, got, clients)
    out.update(per_conn_kib=(rss_all - rss_half) / (clients - half), hwm_kib=hwm, dropped=dropped)
    return out


def bare_fanout(clients: int, calls: int, pause: float, procs: int) -> dict[str, Any]:
    port = free_port()
    with bare.running(port):
        group = Listeners(f"ws://127.0.0.1:{port}/ws", clients, procs, snapshot=False)
        group.wait_ready()
        time.sleep(0.5)
        caller = Caller(port)
        sent: dict[str, float] = {}
        for i in range(calls):
            number = f"A{i + 1:03d}"
            t0, _ = caller.post("/call", {"number": number})
            sent[number] = t0
            time.sleep(pause)
        got, _ = group.stop()
        return latencies(sent, got, clients)


def seed_day(srv: Server) -> float:
    """Yesterday's simulated day at every site, written before the server starts; seconds taken."""
    from bench import day

    t = time.monotonic()
    day.seed(srv.db, srv.config)
    return time.monotonic() - t


def measure(table: Table) -> None:
    runs = [(1_000, 50, 0.2, 4)] if QUICK else RUNS  # quick: no day's data, no memory rows
    with server("fanout") as srv:
        if not QUICK:
            seed_day(srv)
        tokens = srv.accounts(users=[(CLERK, "clerk", SITE)], devices=[f"{SITE}-k1"])
        srv.start()
        kiosk = tokens[f"{SITE}-k1"]
        for i in range(sum(r[1] for r in runs) + 5):
            srv.ok("POST", f"/api/v1/sites/{SITE}/tickets", {"service": ["general", "social"][i % 2]}, kiosk)
        clerk = srv.login(CLERK)
        srv.ok("POST", f"/api/v1/counters/{COUNTER}/open", {}, clerk)
        results = {}
        for clients, calls, pause, procs in runs:
            results[clients] = hall_fanout(srv, clerk, clients, calls, pause, procs)
    bare = {clients: bare_fanout(clients, calls, pause, procs) for clients, calls, pause, procs in runs}
    for clients, *_ in runs:
        r, b = results[clients], bare[clients]
        target = TARGETS[clients]
        ratio = Ratio(f"fan-out p99 at {clients:,} sockets / bare broadcast", r["p99"] / b["p99"], TARGET_RATIO,
                      at_least=False)  # fmt: skip
        table.add(
            Row(
                f"fan-out to {clients:,} sockets",
                f"last socket p50 {ms(r['p50'])}, p99 {ms(r['p99'])}, lost {r['lost']} over {r['calls']} calls",
                f"<= {TARGET_RATIO:g}x bare, none lost; p99 < {target * 1000:.0f} ms on a quiet machine",
                ratio.holds and r["lost"] == 0 and r["dropped"] == 0 and b["lost"] == 0,
                f"dropped sockets {r['dropped']}" if r["dropped"] else "",
                baseline=f"bare broadcast p50 {ms(b['p50'])}, p99 {ms(b['p99'])}, lost {b['lost']}",
                ratio=ratio,
            )
        )
    if QUICK:
        return
    r = results[RUNS[0][0]]
    table.add(
        Row(
            "server memory per socket",
            f"{r['per_conn_kib']:.1f} KiB (RSS growth from {RUNS[0][0] // 2:,} to {RUNS[0][0]:,} sockets)",
            f"<= {PER_CONNECTION_TARGET_KIB} KiB",
            r["per_conn_kib"] <= PER_CONNECTION_TARGET_KIB,
        ),
        Row(
            f"server peak RSS, {RUNS[0][0]:,} sockets + a day at 17 sites",
            f"{r['hwm_kib'] / 1024:.0f} MB (VmHWM; {results[RUNS[-1][0]]['hwm_kib'] / 1024:.0f} MB after "
            f"{RUNS[-1][0]:,} sockets)",
            f"< {RSS_TARGET_MB} MB",
            r["hwm_kib"] / 1024 < RSS_TARGET_MB,
        ),
    )


if __name__ == "__main__":
    run_alone(measure)
