"""The wait estimate replays the calling rules (core/queue/estimate.py); pure, no I/O."""

from __future__ import annotations

from core.queue.calling import Candidate
from core.queue.estimate import Forecast, OpenCounter, fluid, free_at, replay

NOW = 1_000_000.0
MIN = 60.0


def ticket(number: str, service: str, arrived_min: float, *, bonus_min: float = 0.0, **kw: object) -> Candidate:
    arrived = NOW + arrived_min * MIN
    return Candidate(number, number, service, "normal", arrived, arrived - bonus_min * MIN, **kw)  # type: ignore[arg-type]


def test_a_shared_counter_calls_in_arrival_order_across_its_services() -> None:
    k = OpenCounter("k1", ["a", "b"], NOW)
    out = replay([k], [ticket("A1", "a", -3), ticket("B1", "b", -2), ticket("A2", "a", -1)], {"a": 10, "b": 5}, NOW)
    assert out["a"].calls == (NOW, NOW + 15 * MIN)
    assert out["b"].calls == (NOW + 10 * MIN,)
    assert out["a"].tail == out["b"].tail == NOW + 25 * MIN  # a new ticket waits behind all three
    assert out["a"].wait_minutes(1, NOW) == 15 and out["a"].wait_minutes(2, NOW) == 25


def test_green_channel_and_busy_counters() -> None:
    busy = OpenCounter("k1", ["a"], NOW + 4 * MIN)
    idle_later = OpenCounter("k2", ["a"], NOW + 6 * MIN)
    old = ticket("A1", "a", -5)
    green = ticket("A2", "a", -1, bonus_min=20)  # effective arrival 21 minutes ago: first
    out = replay([busy, idle_later], [old, green], {"a": 10}, NOW)
    assert out["a"].calls == (NOW + 4 * MIN, NOW + 6 * MIN)
    assert out["a"].tail == NOW + 14 * MIN


def test_no_counter_for_a_service_means_no_estimate() -> None:
    out = replay([OpenCounter("k1", ["a"], NOW)], [ticket("B1", "b", -1)], {"a": 10, "b": 5}, NOW)
    assert out["b"].tail is None and out["b"].wait_minutes(0, NOW) is None
    assert out["a"].wait_minutes(0, NOW) == 0


def test_a_ticket_sent_to_one_counter_waits_for_that_counter() -> None:
    k1, k2 = OpenCounter("k1", ["a"], NOW + 30 * MIN), OpenCounter("k2", ["a"], NOW)
    out = replay([k1, k2], [ticket("A1", "a", -9, target_counter="k1"), ticket("A2", "a", -1)], {"a": 10}, NOW)
    assert out["a"].calls == (NOW,)  # A2 at k2 at once; A1 is k1's, not counted in the service's order
    assert out["a"].tail == NOW + 10 * MIN


def test_beyond_the_replayed_queue_each_ticket_adds_a_step() -> None:
    f = Forecast((NOW,), NOW + 10 * MIN, 5 * MIN)
    assert [f.wait_minutes(n, NOW) for n in range(4)] == [0, 10, 15, 20]
    assert f.wait_minutes(1, NOW + 4.6 * MIN) == 5  # rounded to the nearest minute


def test_a_counter_past_its_mean_time_still_needs_some() -> None:
    assert free_at(NOW - 5 * MIN, 10, NOW) == NOW + 5 * MIN
    assert free_at(NOW - 30 * MIN, 10, NOW) > NOW


def test_fluid_model_for_huge_queues() -> None:
    counters = [OpenCounter("k1", ["a"], NOW), OpenCounter("k2", ["a", "b"], NOW)]
    out = fluid(counters, {"a": 100, "b": 0}, {"a": 10, "b": 5}, NOW)
    assert out["a"].wait_minutes(100, NOW) == 500  # 100 ahead x 10 minutes / 2 counters
    assert out["b"].wait_minutes(0, NOW) == 0
