"""The PostgreSQL store as two server processes see it: two stores (two writer threads, two
sets of connections) on one database, each as a process has it."""

from __future__ import annotations

import concurrent.futures
import contextlib
import sqlite3
import threading
from collections.abc import Iterator

import psycopg
import pytest

from core.config import Config
from core.days.clock import ManualClock
from core.errors import HallError
from core.queue import counters, tickets
from core.store import queries
from core.store.db import Reader, Store
from core.store.pg.dialect import translate
from core.store.pg.migrate import migrate
from tests.conftest import SECRET


@pytest.fixture
def pair(pg_url: str, config: Config, clock: ManualClock) -> Iterator[tuple[Store, Store]]:
    a = Store(pg_url, config, clock, SECRET)
    b = Store(pg_url, config, clock, SECRET)
    a.write_sync(counters.sync)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def _issue(store: Store) -> tickets.Issued:
    return store.write_sync(tickets.issue, "youyi", "general", source="kiosk", actor="youyi-k1")


def _events(r: Reader, site: str) -> list[tuple[int, str, str | None]]:
    return [(e.seq, e.type, e.ticket) for e in queries.events_since(r, site, 0, 10**9, 10**6)]


def test_200_tickets_from_two_stores_at_once_are_numbered_exactly(pair: tuple[Store, Store]) -> None:
    a, b = pair
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        issued = list(pool.map(lambda i: _issue(a if i % 2 else b), range(200)))
    numbers = sorted(i.ticket.number for i in issued)
    assert numbers == [f"A{n:03d}" for n in range(1, 201)]  # none twice, none skipped
    log = a.read_sync(_events, "youyi")
    issued_events = [e for e in log if e[1] == "ticket.issued"]
    assert [e[0] for e in log] == list(range(1, len(log) + 1))  # the site's seq gap-free
    assert len(issued_events) == 200
    assert {e[2] for e in issued_events} == {i.ticket.id for i in issued}
    # seq order is commit order: a ticket's number grows with its event's seq
    by_id = {i.ticket.id: i.ticket.seq for i in issued}
    seqs_in_log = [by_id[e[2]] for e in issued_events if e[2] is not None]
    assert seqs_in_log == sorted(seqs_in_log)


def test_two_counters_on_two_stores_never_call_the_same_ticket(pair: tuple[Store, Store]) -> None:
    a, b = pair
    for _ in range(60):
        _issue(a)
    a.write_sync(counters.open_counter, "youyi-1", "ann", "youyi")
    b.write_sync(counters.open_counter, "youyi-2", "bob", "youyi")

    together = threading.Barrier(2)  # each call starts with the other's: they really compete

    def serve(store: Store, counter: str, clerk: str) -> list[str]:
        got = []
        while True:
            with contextlib.suppress(threading.BrokenBarrierError):  # the other counter found the queue empty
                together.wait(timeout=10)
            called = store.write_sync(counters.call_next, counter, clerk)
            if called.ticket is None:
                together.abort()
                return got
            got.append(called.ticket.number)
            store.write_sync(counters.done, counter, clerk)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        one = pool.submit(serve, a, "youyi-1", "ann")
        two = pool.submit(serve, b, "youyi-2", "bob")
        first, second = one.result(), two.result()
    assert not set(first) & set(second)
    assert sorted(first + second) == [f"A{n:03d}" for n in range(1, 61)]
    assert first and second  # both counters really served


def test_a_failing_job_rolls_back_alone_and_the_seq_stays_gap_free(pair: tuple[Store, Store]) -> None:
    a, b = pair
    _issue(a)

    def issue_then_fail(tx: object) -> None:
        tickets.issue(tx, "youyi", "general", source="kiosk", actor="x")  # type: ignore[arg-type]
        raise HallError("refused after issuing")

    with pytest.raises(HallError):
        b.write_sync(issue_then_fail)
    _issue(b)
    log = a.read_sync(_events, "youyi")
    assert [e[0] for e in log] == list(range(1, len(log) + 1))
    assert sorted(t.number for t in a.read_sync(queries.waiting_list, "youyi", None)) == ["A001", "A002"]


def test_one_live_ticket_per_identity_holds_across_stores(pair: tuple[Store, Store]) -> None:
    a, b = pair
    kw = {"source": "kiosk", "actor": "k", "id_number": "110105199003071239"}
    first = a.write_sync(tickets.issue, "youyi", "general", **kw)
    again = b.write_sync(tickets.issue, "youyi", "general", **kw)
    assert again.existing and again.ticket.id == first.ticket.id


def test_the_events_table_is_append_only(pair: tuple[Store, Store]) -> None:
    a, _ = pair
    _issue(a)

    def tamper(tx: object) -> None:
        tx.execute("UPDATE events SET type = 'x'")  # type: ignore[attr-defined]

    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        a.write_sync(tamper)


def test_migrations_run_once_when_processes_start_together(pg_url: str) -> None:
    def run() -> list[str]:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            return migrate(conn)

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        done = list(pool.map(lambda _: run(), range(3)))
    assert done == [[], [], []]  # the template had them all; none runs twice


def test_a_broken_uniqueness_rule_is_an_integrity_error(pair: tuple[Store, Store]) -> None:
    a, _ = pair

    def twice(tx: object) -> None:
        for _ in range(2):
            tx.execute("INSERT INTO devices (token_hash, device, created_ts) VALUES (?, ?, ?)", ("h", "d", 1.0))  # type: ignore[attr-defined]

    with pytest.raises(sqlite3.IntegrityError):
        a.write_sync(twice)


def test_the_sqlite_forms_the_store_uses_read_as_postgresql() -> None:
    assert translate("SELECT * FROM t INDEXED BY i WHERE a = ? AND b LIKE '%?'") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE '%%?'"
    )
    assert (
        translate("INSERT OR IGNORE INTO c (id) VALUES (?)") == "INSERT INTO c (id) VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert translate(
        "INSERT INTO n (k, last) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET last = last + 1 WHERE last < ? "
        "RETURNING last"
    ) == ("INSERT INTO n (k, last) VALUES (%s, 1) ON CONFLICT (k) DO UPDATE SET last = n.last + 1 WHERE n.last < %s "
          "RETURNING last")  # fmt: skip
    assert translate("SELECT a FROM (SELECT 1 AS a) GROUP BY a") == "SELECT a FROM (SELECT 1 AS a) AS _q1 GROUP BY a"
    assert translate("SELECT json_extract(data, '$.ticket.service') FROM e WHERE type GLOB 'ticket.*'") == (
        "SELECT (data::jsonb #> '{ticket,service}') FROM e WHERE type LIKE 'ticket.%%'"
    )
