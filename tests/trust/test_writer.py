"""The writer cannot wedge (STYLE "The edges"): a job that raises anything is undone alone and the
writer goes on; a write after close is refused at once; what a job memoised or numbered counts
only if it committed; event numbers stay gap-free per site, even with a second writer process."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from core.config import Config
from core.days.clock import ManualClock
from core.errors import StoreClosed
from core.store.db import Store, Tx
from tests.conftest import SECRET


class Boom(BaseException):
    """Not an Exception: what used to kill the writer thread."""


def emit(tx: Tx, site: str = "youyi") -> int:
    return tx.emit(site, "counter.updated", {"test": True}).seq


def emit_then(tx: Tx, error: BaseException) -> None:
    tx.emit("youyi", "counter.updated", {"test": True})
    tx.memo["mine"] = "from a job that failed"
    raise error


def test_a_job_raising_a_base_exception_is_undone_and_the_writer_goes_on(store: Store) -> None:
    first = store.write_sync(emit)
    with pytest.raises(Boom):
        store.write_sync(emit_then, Boom())
    with pytest.raises(KeyboardInterrupt):
        store.write_sync(emit_then, KeyboardInterrupt())
    assert store.write_sync(emit) == first + 1  # no gap, no duplicate
    assert "mine" not in store.memo


def test_what_a_committed_job_memoised_is_kept(store: Store) -> None:
    def remember(tx: Tx) -> None:
        tx.memo["kept"] = 42

    store.write_sync(remember)
    assert store.memo["kept"] == 42


def test_a_batch_with_a_failing_job_numbers_the_others_in_order(store: Store) -> None:
    futures = [store.submit(emit) if i % 2 else store.submit(emit_then, ValueError("no")) for i in range(10)]
    seqs = [f.result() for f in futures if f.exception(timeout=10) is None]
    assert seqs == list(range(seqs[0], seqs[0] + 5))


def test_a_write_after_close_is_refused_at_once(tmp_path: Path, config: Config, clock: ManualClock) -> None:
    s = Store(tmp_path / "hall.db", config, clock, SECRET)
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreClosed):
        s.submit(emit)


def test_jobs_queued_before_close_are_done(tmp_path: Path, config: Config, clock: ManualClock) -> None:
    s = Store(tmp_path / "hall.db", config, clock, SECRET)
    pending = [s.submit(emit) for _ in range(50)]
    s.close()
    assert [f.result(timeout=0) for f in pending] == list(range(1, 51))


def test_two_writers_on_one_file_keep_the_seq_gap_free(tmp_path: Path, config: Config, clock: ManualClock) -> None:
    """A second process (the command line) writing to the same file: the writer's remembered
    seq must not hand out a number twice."""
    a = Store(tmp_path / "hall.db", config, clock, SECRET)
    b = Store(tmp_path / "hall.db", config, clock, SECRET)
    try:
        seqs = [a.write_sync(emit), b.write_sync(emit), a.write_sync(emit), a.write_sync(emit), b.write_sync(emit)]
    finally:
        a.close()
        b.close()
    assert seqs == list(range(seqs[0], seqs[0] + 5))


def test_a_cancelled_waiter_does_not_undo_the_work_or_stop_the_writer(store: Store) -> None:
    """A websocket handler cancelled while its write is queued: the write is done all the
    same (it may already be committed), and the next write is answered."""
    release = threading.Event()

    def slow(tx: Tx) -> int:
        release.wait(5)
        return emit(tx)

    async def scenario() -> tuple[int, int]:
        blocker = asyncio.create_task(store.write(slow))  # holds the writer
        await asyncio.sleep(0.05)
        waiter = asyncio.create_task(store.write(emit))  # queued behind it
        await asyncio.sleep(0.05)
        waiter.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return await blocker, await store.write(emit)

    first, last = asyncio.run(scenario())
    assert last == first + 2  # the cancelled one's event was still written, in order
