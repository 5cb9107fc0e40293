"""The PostgreSQL side of the store (core/store/db.py drives it as it drives SQLite).

The domain's jobs were written for SQLite's one writer, where every transaction sees the ones
before it. Here too there is one writer at a time: each write batch first takes the cluster's
write lock (``pg_advisory_xact_lock``, released by its COMMIT or ROLLBACK), then runs READ
COMMITTED, so every statement sees all that committed before the lock was granted. Batches
of several processes therefore run one after the other, as in one process, without the
conflicts and retries of SERIALIZABLE batches on the same rows: three processes issuing
tickets for one site had reached 5-14/s that way, against 230/s for one (docs/performance.md).
A deadlock (``40P01``) or serialization failure still makes the store run the batch again
(core/store/db.py), so a job is never half-applied and never applied twice. Reads run in a
REPEATABLE READ snapshot, like a SQLite read transaction.

The event seq of a site is numbered under the site's row in ``hall_event_seq``: the first
event of a site in a transaction locks that row (``FOR UPDATE``), so two processes that
write for one site commit one after the other and their seqs follow commit order, gap-free.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import psycopg
import psycopg.errors

from core.store.pg.conn import PgConn
from core.store.pg.migrate import migrate

WRITE_LOCK = 0x4A12  # pg_advisory_xact_lock key of the write batches (migrations: 0x4A11)
RETRYABLE = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)


class SiteSeqs(MutableMapping[str, int]):
    """The last committed seq of each site, read under the site's row lock (one transaction)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def __contains__(self, site: object) -> bool:
        return isinstance(site, str)

    def __getitem__(self, site: str) -> int:
        row = self.conn.plain("SELECT last FROM hall_event_seq WHERE site = %s FOR UPDATE", (site,)).fetchone()
        if row is None:  # a site's first event ever
            self.conn.plain(
                "INSERT INTO hall_event_seq (site, last) "
                "SELECT %s, COALESCE(MAX(seq), 0) FROM events WHERE site = %s ON CONFLICT DO NOTHING",
                (site, site),
            )
            row = self.conn.plain("SELECT last FROM hall_event_seq WHERE site = %s FOR UPDATE", (site,)).fetchone()
        assert row is not None
        return int(row[0])

    def __setitem__(self, site: str, value: int) -> None:  # the events trigger keeps the row
        raise TypeError("seqs are written by inserting events")

    def __delitem__(self, site: str) -> None:
        raise TypeError("seqs are never removed")

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class Postgres:
    """A ``postgresql://`` database shared by several server processes."""

    shared = True  # other processes write: nothing read is cached across transactions

    def __init__(self, url: str) -> None:
        self.url = url

    def migrate(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            migrate(conn)

    def connect(self, readonly: bool = False) -> PgConn:
        return PgConn(self.url)

    def begin_write(self, conn: Any) -> bool:
        conn.plain("BEGIN ISOLATION LEVEL READ COMMITTED")
        conn.plain("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        return True  # every batch reads the schedule again: another process may have changed it

    def committed(self, conn: Any) -> None:
        pass

    def begin_read(self, conn: Any) -> None:
        conn.plain("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def seqs(self, conn: Any) -> MutableMapping[str, int]:
        return SiteSeqs(conn)

    def retryable(self, e: BaseException) -> bool:
        while e is not None:
            if isinstance(e, RETRYABLE):
                return True
            e = e.__cause__  # type: ignore[assignment]
        return False

    def usable(self, conn: Any) -> bool:
        return not conn.broken
