"""Statutory holidays of any year (the 2025 national rules, lunar dates computed) and what the
yearly schedule does to booking and hours in a year the calendar package does not know."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from core.config import Config
from core.days import calendar
from core.days.calendar import Schedule
from core.days.clock import TZ, ManualClock
from core.days.holidays import statutory
from core.days.hours import hours_on, window
from core.registry import appointments as ap
from core.registry import divorce
from core.store import holidays as holiday_sql
from core.store.db import Store, Tx

PACKAGE_NAMES = {
    "new_year": "New Year's Day",
    "spring": "Spring Festival",
    "qingming": "Tomb-sweeping Day",
    "labour": "Labour Day",
    "dragon_boat": "Dragon Boat Festival",
    "mid_autumn": "Mid-autumn Festival",
    "national": "National Day",
}


def days(*isos: str) -> list[dt.date]:
    return [dt.date.fromisoformat(d) for d in isos]


@pytest.mark.parametrize("year", [2025, 2026])
def test_computed_days_agree_with_the_published_schedule(year: int) -> None:
    computed = statutory(year)
    assert len(computed) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 (no overlap in these years)
    for day, key in computed.items():
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        assert on_holiday and name == PACKAGE_NAMES[key], (day, key, name)


def test_statutory_holidays_of_2027_and_2028() -> None:
    assert sorted(statutory(2027)) == days(
        "2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05", "2027-05-01",
        "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03",
    )  # fmt: skip
    assert sorted(statutory(2028)) == days(
        "2028-01-01", "2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28", "2028-04-04", "2028-05-01",
        "2028-05-02", "2028-05-28", "2028-10-01", "2028-10-02", "2028-10-03",
    )  # fmt: skip  # 中秋 2028 is 10-03, inside 国庆: one day off less that year
    assert statutory(2027)[dt.date(2027, 2, 5)] == "spring"  # 除夕 is a day off since 2025


def test_a_year_without_a_schedule_rests_on_statutory_days_and_weekends() -> None:
    empty = Schedule()
    assert calendar.is_rest_day(dt.date(2027, 1, 1), empty)  # 元旦, a Friday
    assert calendar.is_rest_day(dt.date(2027, 1, 2), empty)  # a Saturday
    assert not calendar.is_rest_day(dt.date(2027, 1, 4), empty)
    assert calendar.unconfirmed_years(dt.date(2026, 12, 15), dt.date(2027, 1, 14), empty) == [2027]
    assert (
        calendar.unconfirmed_years(dt.date(2026, 12, 15), dt.date(2027, 1, 14), Schedule({}, frozenset({2027}))) == []
    )


def test_hours_of_new_year_2027_are_the_holiday_hours(config: Config) -> None:
    youyi, registry = config.site("youyi"), config.site("registry")
    assert youyi is not None and registry is not None
    new_year = dt.date(2027, 1, 1)
    assert hours_on(youyi, new_year, Schedule()) == youyi.hours.weekend  # 08:30-11:30
    assert window(registry, new_year, Schedule()) is None  # the registry closes on rest days
    assert window(registry, dt.date(2027, 1, 4), Schedule()) is not None


@pytest.fixture
def december(clock: ManualClock) -> ManualClock:
    clock.set(dt.datetime(2026, 12, 15, 10, 0, tzinfo=TZ))
    return clock


def places(store: Store, day: dt.date) -> int:
    return sum(s["remaining"] for s in store.read_sync(ap.slots_view, "registry", "marriage", day))


def test_new_year_2027_is_not_bookable(store: Store, december: ManualClock) -> None:
    assert places(store, dt.date(2027, 1, 1)) == 0
    assert places(store, dt.date(2027, 1, 4)) == 45  # the Monday after: 15 slots of 3


def test_an_unconfirmed_year_books_no_weekend_until_the_schedule_is_confirmed(
    store: Store, december: ManualClock
) -> None:
    saturday = dt.date(2027, 1, 9)  # say the State Council makes it a 调休 working day
    store.write_sync(holiday_sql.set_calendar_override, saturday.isoformat(), "workday", "test")
    assert places(store, saturday) == 0  # entered, but the year is not confirmed
    store.write_sync(holiday_sql.confirm_year, 2027, "ada", 0.0)
    assert places(store, saturday) == 45  # a working Saturday takes Friday's places
    assert places(store, dt.date(2027, 1, 1)) == 0  # 元旦 stays a rest day


def test_divorce_periods_follow_the_computed_holidays() -> None:
    # received 2026-12-02: cooling-off's last day 2027-01-01 (元旦) moves past the weekend
    p = divorce.periods(dt.date(2026, 12, 2), Schedule())
    assert p.cooling_end == dt.date(2027, 1, 4) and p.window_start == dt.date(2027, 1, 5)
    spec = divorce.periods(dt.date(2025, 3, 3), Schedule())  # the SPEC 5 example still holds
    assert (spec.cooling_end, spec.window_end) == (dt.date(2025, 4, 2), dt.date(2025, 5, 6))


def test_the_store_owns_the_schedule_it_hands_to_jobs(store: Store, config: Config, clock: ManualClock) -> None:
    """Entered days reach every later job once committed, and only then; a new store reads them."""
    day, key = dt.date(2027, 1, 9), "2027-01-09"
    seen: list[str | None] = []

    def enter_then_look(tx: Tx) -> None:
        holiday_sql.set_calendar_override(tx, key, "workday", "test")
        seen.append(tx.schedule.days.get(key))  # the rest of the job sees its own change

    def enter_then_fail(tx: Tx) -> None:
        holiday_sql.set_calendar_override(tx, "2027-01-10", "workday", "test")
        raise RuntimeError("the job fails: nothing of it happened")

    assert store.read_sync(lambda r: calendar.is_rest_day(day, r.schedule))
    store.write_sync(enter_then_look)
    assert seen == ["workday"]
    assert not store.read_sync(lambda r: calendar.is_rest_day(day, r.schedule))
    assert not store.write_sync(lambda tx: calendar.is_rest_day(day, tx.schedule))
    with pytest.raises(RuntimeError):
        store.write_sync(enter_then_fail)
    assert store.read_sync(lambda r: dict(r.schedule.days)) == {key: "workday"}
    store.write_sync(holiday_sql.confirm_year, 2027, "ada", 0.0)
    assert store.schedule.known(2027)
    again = Store(store.path, config, clock, b"x" * 32)
    try:
        assert again.schedule == store.schedule == Schedule({key: "workday"}, frozenset({2027}))
    finally:
        again.close()
