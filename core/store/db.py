"""The database: one writer thread that owns every write, and read connections.

Every state change is a plain function ``f(tx, ...)`` run on the writer thread inside
``BEGIN IMMEDIATE``. Jobs that queue up while a commit is in flight are grouped into the
next transaction, each in its own savepoint (group commit): one fsync for many tickets,
and a job that fails rolls back alone. Events a job emits are stored in the same
transaction and handed to ``on_commit`` (in commit order) only after the commit succeeds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from core.clock import Clock
from core.config import Config
from core.events import Event
from core.store import schema

log = logging.getLogger("hall.store")
P = ParamSpec("P")
T = TypeVar("T")
MAX_BATCH = 128


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA foreign_keys = ON")
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    else:
        conn.execute("PRAGMA journal_mode = WAL")
        # Acknowledged tickets, bookings and state changes survive a power cut.
        conn.execute("PRAGMA synchronous = FULL")
    return conn


class Reader:
    """What a read function ``f(reader, ...)`` sees: a connection in one snapshot, the config,
    one instant, the secret and the short-lived memo."""

    def __init__(
        self, conn: sqlite3.Connection, config: Config, now: dt.datetime, secret: bytes, memo: dict[Any, Any]
    ) -> None:
        self.conn = conn
        self.config = config
        self.now = now
        self.secret = secret
        self.memo = memo

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row


class Tx(Reader):
    """What a write job sees: a reader inside ``BEGIN IMMEDIATE``, plus ``emit``."""

    def __init__(
        self, conn: sqlite3.Connection, config: Config, now: dt.datetime, secret: bytes, memo: dict[Any, Any]
    ) -> None:
        super().__init__(conn, config, now, secret, memo)
        self.events: list[Event] = []

    def emit(
        self, site: str, type_: str, data: dict[str, Any], *, actor: str = "system", ticket: str | None = None
    ) -> Event:
        """Append an event to the site's log, numbered in this transaction."""
        row = self.conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE site = ?", (site,)).fetchone()
        event = Event(site, row[0], type_, self.now, data, actor, ticket)
        self.conn.execute(
            "INSERT INTO events (site, seq, type, at_ts, actor, ticket, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (site, event.seq, type_, self.now.timestamp(), actor, ticket, json.dumps(data, ensure_ascii=False)),
        )
        self.events.append(event)
        return event


class _Job:
    __slots__ = ("args", "fn", "future", "kwargs")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.future: concurrent.futures.Future[Any] = concurrent.futures.Future()


class Store:
    """Owns the database file: migrations on open, the writer thread, read connections."""

    def __init__(
        self,
        path: str | Path,
        config: Config,
        clock: Clock,
        secret: bytes,
        on_commit: Callable[[list[Event]], None] | None = None,
    ) -> None:
        self.path = str(path)
        self.config = config
        self.clock = clock
        self.secret = secret
        self.on_commit = on_commit
        # Short-lived derived values (wait estimates) shared by reads and writes.
        self.memo: dict[Any, Any] = {}
        schema.migrate(self.path)
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="hall-writer", daemon=True)
        self._thread.start()

    # -- writing -------------------------------------------------------------------
    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> concurrent.futures.Future[T]:
        """Queue ``fn(tx, *args, **kwargs)`` for the writer; thread-safe."""
        job = _Job(fn, args, kwargs)
        self._queue.put(job)
        return job.future

    def write_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self.submit(fn, *args, **kwargs).result()

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.wrap_future(self.submit(fn, *args, **kwargs))

    def _run(self) -> None:
        conn = connect(self.path)
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                batch = [job]
                while len(batch) < MAX_BATCH:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        self._queue.put(None)
                        break
                    batch.append(nxt)
                self._commit(conn, batch)
        finally:
            conn.close()

    def _commit(self, conn: sqlite3.Connection, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        events: list[Event] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job in batch:
                tx = Tx(conn, self.config, self.clock.now(), self.secret, self.memo)
                conn.execute("SAVEPOINT job")
                try:
                    result = job.fn(tx, *job.args, **job.kwargs)
                except Exception as e:  # the job's own error: undo it alone
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    outcomes.append((job, None, e))
                    continue
                conn.execute("RELEASE job")
                outcomes.append((job, result, None))
                events.extend(tx.events)
            conn.execute("COMMIT")
        except Exception as e:  # the commit itself failed: nothing of the batch happened
            log.exception("write batch failed")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            for job in batch:
                with contextlib.suppress(concurrent.futures.InvalidStateError):
                    job.future.set_exception(e)
            return
        if events and self.on_commit is not None:
            try:
                self.on_commit(events)
            except Exception:
                log.exception("publishing events failed")
        for job, result, error in outcomes:
            # A waiter that went away (a cancelled websocket handler) cancels its future: the
            # work is committed all the same, and the writer thread must not die of it.
            with contextlib.suppress(concurrent.futures.InvalidStateError):
                if error is not None:
                    job.future.set_exception(error)
                else:
                    job.future.set_result(result)

    # -- reading -------------------------------------------------------------------
    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, readonly=True)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def read_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(reader, ...)`` on this thread's read connection, in one snapshot."""
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            return fn(Reader(conn, self.config, self.clock.now(), self.secret, self.memo), *args, **kwargs)
        finally:
            conn.execute("COMMIT")

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(self.read_sync, fn, *args, **kwargs)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)
        with self._readers_lock:
            for conn in self._readers:
                with contextlib.suppress(sqlite3.ProgrammingError):  # closed from another thread's view
                    conn.close()
            self._readers.clear()
