"""PostgreSQL figures beside SQLite's, in one run: ticket issue at 64 clients and a booking rush
(2,000 residents who solved the proof of work for 200 places of one slot) with one and with three
``server.py`` processes on one PostgreSQL database (and NATS), SQLite's one process the baseline.

    python -m bench.pg        # needs PostgreSQL on 127.0.0.1 (BENCH_PG=postgresql://...) and psycopg

Each process of a cluster gets a third of the load's connections. The machine's cores are
shared by the database, the server processes and the load: on a two-core machine the three
processes compete with PostgreSQL for the same cores, so these figures say what the software
does, not what three machines would (docs/performance.md, "PostgreSQL").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

from bench import load
from bench.booking import _bodies, rush, solved
from bench.common import CLOCK, Row, Server, Table, ms, percentile, processes, run_alone, start_at

ADMIN = os.environ.get("BENCH_PG", "postgresql://127.0.0.1/postgres")
NATS = os.environ.get("BENCH_NATS", "nats://127.0.0.1:4222")
SECRET = "bench-postgresql-secret-0123456789abcdef"
SITE, SERVICES = "youyi", ["general", "social", "elderly", "certificate", "consult"]
CLIENTS, TICKETS, SECONDS = 64, 12_000, 4.0
BOOK_SITE, BOOK_SERVICE, PLACES, RESIDENTS = "registry", "reissue", 200, 2_000


@contextlib.contextmanager
def database() -> Iterator[str]:
    """A fresh database on ``ADMIN``'s server, dropped afterwards."""
    import psycopg

    name = f"hall_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def cluster(url: str | None, n: int) -> Iterator[list[Server]]:
    """``n`` started servers on ``url`` (PostgreSQL), or one on its own SQLite file (``url`` None)."""
    servers = [Server(f"pg{i}", pin=False) for i in range(n)]
    try:
        for s in servers:
            if url is not None:
                s.args[s.args.index("--db") + 1] = url
                s.args += ["--nats", NATS]
                s.env.update({"HALL_SECRET": SECRET, "HALL_DATA_DIR": str(s.tmp)})
        servers[0].accounts(users=[("bench-sup", "supervisor", BOOK_SITE)])
        for s in servers:
            s.start()
        yield servers
    finally:
        for s in servers:
            s.stop()


def issue(servers: list[Server]) -> dict[str, Any]:
    token = servers[0].cli("device", "token", f"{SITE}-k1").split()[-1]
    per = len(servers)
    t0 = start_at(1.5)
    args = [(s.base, token, SITE, SERVICES, CLIENTS // per, TICKETS // per, SECONDS, t0, True) for s in servers]
    parts = processes(load.issue, args)
    lat = [x for p in parts for x in p["lat"]]
    ok = sum(p["codes"].get("201", 0) for p in parts)
    wall = max(p["end"] for p in parts) - min(p["start"] for p in parts)
    return {"rate": ok / wall, "p50": percentile(lat, 50), "p99": percentile(lat, 99), "ok": ok, "n": len(lat)}


def booking(servers: list[Server]) -> dict[str, Any]:
    day = (dt.datetime.fromisoformat(CLOCK) + dt.timedelta(days=1)).date()
    start = dt.datetime.combine(day, dt.time(9, 0), dt.datetime.fromisoformat(CLOCK).tzinfo).isoformat()
    sup = servers[0].login("bench-sup")
    servers[0].ok("POST", f"/api/v1/sites/{BOOK_SITE}/services/{BOOK_SERVICE}/overrides",
                  {"date": day.isoformat(), "capacity": PLACES, "note": "bench"}, sup)  # fmt: skip
    bodies = _bodies(start, 0, RESIDENTS)
    per = max(2, len(servers))
    ports = [servers[i % len(servers)].port for i in range(per)]
    each = -(-RESIDENTS // per)
    proofs = [p for part in processes(solved, [(port, each) for port in ports]) for p in part][:RESIDENTS]
    t0 = start_at(4.0)
    parts = processes(rush, [(ports[i], bodies[i::per], proofs[i::per], t0) for i in range(per)])
    results = [r for p in parts for r in p["results"]]
    return {
        "seconds": max(p["end"] for p in parts) - min(p["start"] for p in parts),
        "booked": sum(r[1] == 201 for r in results),
        "full": sum(r[2] == "slot_full" for r in results),
        "other": sum(r[1] != 201 and r[2] != "slot_full" for r in results),
        "p99": percentile([r[0] for r in results], 99),
    }


def measure(table: Table) -> None:
    runs: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    with cluster(None, 1) as one:
        runs["SQLite, 1 process"] = issue(one), booking(one)
    for n in (1, 3):
        with database() as url, cluster(url, n) as servers:
            runs[f"PostgreSQL, {n} process{'es' if n > 1 else ''}"] = issue(servers), booking(servers)
    base_issue, base_book = runs["SQLite, 1 process"]
    for name, (t, b) in runs.items():
        baseline = "" if name.startswith("SQLite") else (
            f"SQLite: {base_issue['rate']:,.0f}/s; rush {base_book['seconds']:.2f} s")  # fmt: skip
        table.add(
            Row(
                f"{name}: ticket issue, {CLIENTS} clients",
                f"{t['rate']:,.0f}/s, p50 {ms(t['p50'])}, p99 {ms(t['p99'])} ({t['ok']:,} of {t['n']:,} answered 201)",
                baseline=baseline,
            ),
            Row(
                f"{name}: booking rush, {RESIDENTS:,} residents, {PLACES} places",
                f"{b['booked']} booked, {b['full']:,} slot_full, {b['other']} other; all answered in "
                f"{b['seconds']:.2f} s, p99 {ms(b['p99'])}",
                f"exactly {PLACES} booked, the rest slot_full",
                b["booked"] == PLACES and b["full"] == RESIDENTS - PLACES and b["other"] == 0,
                baseline=baseline,
            ),
        )
    table.add(Row("machine", f"{os.cpu_count()} cores shared by PostgreSQL, NATS, the servers and the load; "
                  f"at {time.strftime('%H:%M')}", "(context)"))  # fmt: skip


if __name__ == "__main__":
    run_alone(measure)
