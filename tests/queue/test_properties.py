"""Invariants of the hall under random sequences of actions, through the real store."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import Config
from core.days.clock import TZ, ManualClock
from core.errors import HallError
from core.queue import counters, tickets
from core.store.db import Store
from tests.conftest import ROOT, SECRET, WEDNESDAY

SERVICES = ["general", "social", "elderly", "certificate", "consult"]
COUNTERS = ["youyi-1", "youyi-2", "youyi-3", "youyi-4"]
actions = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.sampled_from(SERVICES), st.sampled_from(["normal", "normal", "disabled"])),
        st.tuples(st.sampled_from(["call", "start", "done", "no_show", "recall"]), st.sampled_from(COUNTERS)),
        st.tuples(st.just("transfer"), st.sampled_from(COUNTERS), st.sampled_from(SERVICES)),
        st.tuples(st.just("wait"), st.integers(1, 15)),
    ),
    max_size=60,
)


def run(store: Store, clock: ManualClock, plan: list[tuple[object, ...]]) -> None:
    for c in COUNTERS:
        store.write_sync(counters.open_counter, c, f"clerk-{c}", "youyi")
    for step in plan:
        kind = step[0]
        try:
            if kind == "issue":
                store.write_sync(tickets.issue, "youyi", step[1], source="kiosk", actor="k", priority=step[2])
            elif kind == "wait":
                clock.advance(minutes=float(step[1]))  # type: ignore[arg-type]
            elif kind == "transfer":
                store.write_sync(counters.transfer, step[1], f"clerk-{step[1]}", service=step[2])
            else:
                fn = {
                    "call": counters.call_next,
                    "start": counters.start,
                    "done": counters.done,
                    "no_show": counters.no_show,
                    "recall": counters.recall,
                }[kind]  # type: ignore[index]
                store.write_sync(fn, step[1], f"clerk-{step[1]}")
        except HallError:
            pass  # refused actions (nothing in hand, busy...) must change nothing: checked below


def check(store: Store) -> None:
    def read(r: object) -> None:
        conn = r.conn  # type: ignore[attr-defined]
        rows = conn.execute("SELECT id, number, status, counter, day FROM tickets").fetchall()
        assert len({(r["day"], r["number"]) for r in rows}) == len(rows), "a number was given twice"
        held = [r["current"] for r in conn.execute("SELECT current FROM counters WHERE current IS NOT NULL")]
        assert len(held) == len(set(held)), "one ticket at two counters"
        in_hand = {r["id"]: r["counter"] for r in rows if r["status"] in ("called", "serving")}
        by_counter = dict(conn.execute("SELECT current, id FROM counters WHERE current IS NOT NULL").fetchall())
        assert in_hand == by_counter, "called/serving tickets and counters disagree"
        counts = dict(conn.execute("SELECT service, waiting FROM queue_counts").fetchall())
        actual = dict(conn.execute("SELECT service, COUNT(*) FROM tickets WHERE status='waiting' GROUP BY service"))
        assert {k: v for k, v in counts.items() if v} == actual, "waiting counts drifted"
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events WHERE site='youyi' ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1)), "gap in the event sequence"

    store.read_sync(read)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions)
def test_invariants_hold_for_any_sequence(config: Config, plan: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(WEDNESDAY)
        store = Store(Path(tmp) / "hall.db", config, clock, SECRET)
        try:
            store.write_sync(counters.sync)
            run(store, clock, plan)
            check(store)
        finally:
            store.close()


def test_core_does_not_import_the_web_layer() -> None:
    code = (
        "import sys, core.queue.counters, core.queue.tickets, core.queue.views, core.accounts, core.store.db;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'jinja2', 'web')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_clock_is_the_only_time_source() -> None:
    hits = [p for p in (ROOT / "core").rglob("*.py") if "datetime.now(" in p.read_text() and p.name != "clock.py"]
    assert hits == [], hits
    assert dt.datetime(2026, 5, 13, 9, 30, tzinfo=TZ) == WEDNESDAY
