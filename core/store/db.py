"""The database: one writer thread that owns every write, and read connections.

Every change is a function ``f(tx, ...)`` run on the writer thread inside ``BEGIN IMMEDIATE``. Jobs that queue up
while a commit is in flight are grouped into the next transaction, each in its own savepoint (group commit): one fsync
for many tickets, and a job that fails rolls back alone. Events a job emits are stored in the same transaction (data
as compact JSON) and handed to ``on_commit`` (in commit order) only after the commit succeeds.

The store also owns the yearly holiday schedule (core/days/calendar.py): loaded on open, handed to every job as
``schedule``, and replaced after a commit whose jobs changed it (core/store/holidays.py sets the job's copy; the
writer knows which jobs committed).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import logging
import queue
import random
import sqlite3
import threading
import time
from collections import ChainMap
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import msgspec

from core.config import Config
from core.days.calendar import EMPTY, Schedule
from core.days.clock import Clock
from core.errors import StoreClosed
from core.events import Event
from core.store import holidays, schema
from core.store.rows import Connection
from protocol.events import EventType

log = logging.getLogger("hall.store")
P = ParamSpec("P")
T = TypeVar("T")
MAX_BATCH = 128
MAX_ATTEMPTS = 100  # runs of a batch that keeps conflicting with other processes before its jobs fail
SCHEDULE_SECONDS = 5.0  # how stale a reader's holiday schedule may be with PostgreSQL


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


@dataclass(eq=False)
class Reader:
    """What a read function ``f(reader, ...)`` sees: a connection in one snapshot, the config,
    one instant, the secret, the short-lived memo and the yearly holiday schedule."""

    conn: Connection
    config: Config
    now: dt.datetime
    secret: bytes
    memo: MutableMapping[Any, Any]
    schedule: Schedule

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()


@dataclass(eq=False)
class Tx(Reader):
    """What a write job sees: a reader inside ``BEGIN IMMEDIATE``, plus ``emit``.

    ``memo`` and ``seqs`` are the job's own layers over the store's: what the job memoises or
    numbers reaches the store only if the job and then its transaction commit; so does a
    ``schedule`` the job replaced (core/store/holidays.py).
    """

    seqs: MutableMapping[str, int] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list, init=False)

    def emit(
        self, site: str, type_: EventType, data: dict[str, Any], *, actor: str = "system", ticket: str | None = None
    ) -> Event:
        """Append an event to the site's log, numbered in this transaction (gap-free per site)."""
        last = self.seqs.get(site)
        if last is None:
            last = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events WHERE site = ?", (site,)).fetchone()[0]
        self.seqs[site] = last + 1
        event = Event(site, last + 1, type_, self.now, data, actor, ticket)
        self.conn.execute(
            "INSERT INTO events (site, seq, type, at_ts, actor, ticket, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (site, event.seq, type_, self.now.timestamp(), actor, ticket, msgspec.json.encode(data).decode()),
        )
        self.events.append(event)
        return event


class _Retry(Exception):
    """A write batch to run again: it conflicted with another process's transaction."""


class _Job:
    __slots__ = ("args", "fn", "future", "kwargs")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.future: concurrent.futures.Future[Any] = concurrent.futures.Future()


class Sqlite:
    """The embedded database file (the default): one writer connection, a reader per thread."""

    shared = False  # no other process writes (a CLI command's writes show in data_version)

    def __init__(self, path: str) -> None:
        self.path = path
        self._data_version = -1

    def migrate(self) -> None:
        schema.migrate(self.path)

    def connect(self, readonly: bool = False) -> sqlite3.Connection:
        return connect(self.path, readonly=readonly)

    def begin_write(self, conn: Any) -> bool:
        """Start a write transaction; whether another connection wrote since our last commit."""
        conn.execute("BEGIN IMMEDIATE")
        return bool(conn.execute("PRAGMA data_version").fetchone()[0] != self._data_version)

    def committed(self, conn: Any) -> None:
        self._data_version = conn.execute("PRAGMA data_version").fetchone()[0]

    def begin_read(self, conn: Any) -> None:
        conn.execute("BEGIN")

    def seqs(self, conn: Any) -> MutableMapping[str, int] | None:
        return None  # the store's cache of committed seqs, valid while data_version holds

    def retryable(self, e: BaseException) -> bool:
        return False

    def usable(self, conn: Any) -> bool:
        return True


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


class Store:
    """Owns the database: migrations on open, the writer thread, read connections.

    ``location`` is a SQLite file, or a ``postgresql://`` URL (core/store/pg, docs/scale.md).
    """

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
        if is_postgres(self.path):
            from core.store.pg.backend import Postgres  # psycopg only where PostgreSQL is used

            self.backend: Sqlite | Postgres = Postgres(self.path)
        else:
            self.backend = Sqlite(self.path)
        # Short-lived derived values (wait estimates) shared by reads and writes.
        self.memo: dict[Any, Any] = {}
        # Committed last seq per site (writer thread; SQLite: dropped when data_version moved)
        self._seqs: dict[str, int] = {}
        self._closing = threading.Lock()
        self._closed = False
        self.backend.migrate()
        with contextlib.closing(self.backend.connect(readonly=True)) as conn:
            self.backend.begin_read(conn)
            self._schedule = self._load_schedule(conn)
            conn.execute("COMMIT")
        self._schedule_at = time.monotonic()
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._local = threading.local()
        self._readers: list[Any] = []
        self._readers_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="hall-writer", daemon=True)
        self._thread.start()

    @property
    def schedule(self) -> Schedule:
        """The yearly holiday schedule as last committed (jobs get it as ``schedule``)."""
        return self._schedule

    def _load_schedule(self, conn: Any) -> Schedule:
        return holidays.schedule(Reader(conn, self.config, self.clock.now(), self.secret, {}, EMPTY))

    # -- writing -------------------------------------------------------------------
    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> concurrent.futures.Future[T]:
        """Queue ``fn(tx, *args, **kwargs)`` for the writer; thread-safe.

        :raises StoreClosed: after ``close()``.
        """
        job = _Job(fn, args, kwargs)
        with self._closing:
            if self._closed:
                raise StoreClosed("服务正在关闭 / the server is shutting down")
            self._queue.put(job)
        return job.future

    def write_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self.submit(fn, *args, **kwargs).result()

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.wrap_future(self.submit(fn, *args, **kwargs))

    def _run(self) -> None:
        conn = self.backend.connect()
        try:
            while True:
                job = self._queue.get()
                if job is None:  # close() queues it last: every job before it is done
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
                if not self.backend.usable(conn):  # a PostgreSQL connection lost: a new one
                    with contextlib.suppress(Exception):
                        conn.close()
                    conn = self.backend.connect()
                self._commit(conn, batch)
        finally:
            conn.close()

    def _commit(self, conn: Any, batch: list[_Job]) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                events, outcomes = self._attempt(conn, batch)
                break
            except BaseException as e:  # _Retry: another process's transaction conflicted (PostgreSQL)
                if isinstance(e, _Retry) and attempt < MAX_ATTEMPTS:
                    time.sleep(random.uniform(0, 0.002 * min(attempt, 10)))
                    continue
                log.exception("write batch failed")  # the commit itself failed: nothing of the batch happened
                failure = e.__cause__ if isinstance(e, _Retry) and e.__cause__ is not None else e
                with contextlib.suppress(Exception):
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                for job in batch:
                    with contextlib.suppress(concurrent.futures.InvalidStateError):
                        job.future.set_exception(failure)
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

    def _attempt(
        self, conn: Any, batch: list[_Job]
    ) -> tuple[list[Event], list[tuple[_Job, Any, BaseException | None]]]:
        """Run the batch in one transaction, each job in its own savepoint; commit.

        :raises _Retry: a conflict with another process (PostgreSQL); everything is rolled back.
        """
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        events: list[Event] = []
        memo: dict[Any, Any] = {}  # what the batch's committed jobs memoised
        seqs: dict[str, int] = {}  # and numbered
        schedule = self._schedule  # and the schedule its committed jobs left
        try:
            if self.backend.begin_write(conn):  # another connection wrote: our seqs and schedule may be stale
                self._seqs.clear()
                schedule = self._load_schedule(conn)
            committed = self.backend.seqs(conn)
            base = self._seqs if committed is None else committed
            for job in batch:
                job_memo: dict[Any, Any] = {}
                job_seqs: dict[str, int] = {}
                tx = Tx(conn, self.config, self.clock.now(), self.secret, ChainMap(job_memo, memo, self.memo),
                        schedule, ChainMap(job_seqs, seqs, base))  # fmt: skip
                conn.execute("SAVEPOINT job")
                try:
                    result = job.fn(tx, *job.args, **job.kwargs)
                except BaseException as e:  # the job's own error, whatever it is: undo it alone
                    if self.backend.retryable(e):
                        raise _Retry from e
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    outcomes.append((job, None, e))
                    continue
                conn.execute("RELEASE job")
                outcomes.append((job, result, None))
                events.extend(tx.events)
                memo.update(job_memo)
                seqs.update(job_seqs)
                schedule = tx.schedule
            conn.execute("COMMIT")
        except BaseException as e:
            if isinstance(e, _Retry) or self.backend.retryable(e):
                with contextlib.suppress(Exception):
                    conn.execute("ROLLBACK")
                raise _Retry from e
            raise
        self.backend.committed(conn)
        if committed is None:
            self._seqs.update(seqs)
        self._schedule = schedule  # before any waiter hears of the commit
        self._schedule_at = time.monotonic()
        if len(self.memo) > 1000:
            self.memo.clear()
        self.memo.update(memo)
        return events, outcomes

    # -- reading -------------------------------------------------------------------
    def _reader(self) -> Any:
        conn: Any = getattr(self._local, "conn", None)
        if conn is not None and not self.backend.usable(conn):
            with self._readers_lock:
                self._readers.remove(conn)
            with contextlib.suppress(Exception):
                conn.close()
            conn = None
        if conn is None:
            conn = self.backend.connect(readonly=True)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def read_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(reader, ...)`` on this thread's read connection, in one snapshot."""
        conn = self._reader()
        schedule = self._schedule  # taken before the snapshot: never newer than the data it sees
        self.backend.begin_read(conn)
        if self.backend.shared and time.monotonic() - self._schedule_at > SCHEDULE_SECONDS:
            # other processes change the schedule too: a reader that has seen no write of its own
            # for a while reads it again (within its snapshot)
            schedule = self._schedule = self._load_schedule(conn)
            self._schedule_at = time.monotonic()
        try:
            return fn(Reader(conn, self.config, self.clock.now(), self.secret, self.memo, schedule), *args, **kwargs)
        finally:
            try:
                conn.execute("COMMIT")
            except Exception:
                if self.backend.usable(conn):
                    raise

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(self.read_sync, fn, *args, **kwargs)

    def close(self) -> None:
        """Finish the queued writes and close; later writes raise StoreClosed. Idempotent."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join(timeout=30)
        with self._readers_lock:
            for conn in self._readers:
                with contextlib.suppress(Exception):  # closed from another thread's view
                    conn.close()
            self._readers.clear()
