"""The calling rule (SPEC 4) as a pure function: order, ties, reasons, determinism."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from core.days.clock import TZ
from core.queue.calling import Candidate, choose, sort_key

NOW = dt.datetime(2026, 5, 13, 10, 0, tzinfo=TZ)
T = NOW.timestamp()
BONUS = 20 * 60


def cand(
    number: str, arrived_min_ago: float, service: str = "general", priority: str = "normal", **kw: object
) -> Candidate:
    arrived = T - arrived_min_ago * 60
    bonus = BONUS if priority in ("elderly", "disabled", "pregnant", "military") else 0
    return Candidate(
        id=number, number=number, service=service, priority=priority, arrived_ts=arrived, rank_ts=arrived - bonus, **kw
    )  # type: ignore[arg-type]


def test_longest_wait_first() -> None:
    picked = choose([cand("A002", 5), cand("A001", 10)], ["general"], NOW)
    assert picked is not None and picked[0].number == "A001"
    assert "10" in picked[1]


def test_green_channel_bonus_and_its_limit() -> None:
    # the elderly ticket came 15 min after A001: within the 20-minute bonus, it goes first
    picked = choose([cand("A001", 20), cand("A009", 5, priority="elderly")], ["general"], NOW)
    assert picked is not None and picked[0].number == "A009"
    assert "绿色通道" in picked[1] and "green channel" in picked[1]
    # 25 minutes later than A001: beyond the bonus, A001 keeps its turn
    picked = choose([cand("A001", 30), cand("A009", 5, priority="elderly")], ["general"], NOW)
    assert picked is not None and picked[0].number == "A001"


def test_front_transfer_beats_due_appointment_beats_wait() -> None:
    pool = [
        cand("A001", 60),
        cand("J001", 1, service="general", priority="appointment", due_ts=T - 60),
        cand("B003", 2, service="social", front=True, front_ts=T - 10),
    ]
    first = choose(pool, ["general", "social"], NOW)
    assert first is not None and first[0].number == "B003" and "transferred" in first[1]
    second = choose(pool[:2], ["general", "social"], NOW)
    assert second is not None and second[0].number == "J001" and "appointment" in second[1]


def test_appointment_not_yet_due_waits_like_everyone() -> None:
    pool = [cand("A001", 10), cand("J001", 1, priority="appointment", due_ts=T + 600)]
    picked = choose(pool, ["general"], NOW)
    assert picked is not None and picked[0].number == "A001"


def test_counter_preference_breaks_exact_ties() -> None:
    pool = [cand("A001", 5, service="general"), cand("B001", 5, service="social")]
    a = choose(pool, ["social", "general"], NOW)
    b = choose(pool, ["general", "social"], NOW)
    assert a is not None and a[0].number == "B001"
    assert b is not None and b[0].number == "A001"


def test_nobody_waiting() -> None:
    assert choose([], ["general"], NOW) is None


priorities = st.sampled_from(["normal", "normal", "elderly", "disabled"])
pools = st.lists(
    st.tuples(st.floats(0, 240), priorities, st.sampled_from(["general", "social"])),
    min_size=1,
    max_size=30,
    unique_by=lambda x: x[0],
)


@given(pools, st.randoms())
def test_same_inputs_same_choice_whatever_the_order(pool: list[tuple[float, str, str]], rnd: object) -> None:
    cands = [cand(f"{'A' if s == 'general' else 'B'}{i:03d}", m, s, p) for i, (m, p, s) in enumerate(pool)]
    shuffled = list(cands)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert choose(cands, ["general", "social"], NOW) == choose(shuffled, ["general", "social"], NOW)


@given(pools)
def test_no_normal_ticket_waits_longer_than_the_bonus_behind_a_later_green_one(
    pool: list[tuple[float, str, str]],
) -> None:
    """Serving the whole pool in order: a green ticket goes before an earlier normal ticket
    only if it arrived less than the bonus after it."""
    cands = [cand(f"A{i:03d}", m, "general", p) for i, (m, p, _) in enumerate(pool)]
    order = sorted(cands, key=lambda c: sort_key(c, T, ["general"]))
    for i, first in enumerate(order):
        for later in order[i + 1 :]:
            if first.arrived_ts > later.arrived_ts:  # first overtook an earlier arrival
                assert first.priority != "normal" and later.priority == "normal"
                assert first.arrived_ts - later.arrived_ts <= BONUS
