"""Statistics from the event log: a day built through the real core functions, every figure checked.

The day (youyi, Wednesday 2026-05-13; ann at counter 1 serves general+social, cat at counter
5 serves elderly+general), with a transfer, a recall, a void no-show later reinstated, a
requeued no-show, pauses, ratings and an expiry:

    09:00 ann opens 1, cat opens 5; A001 issued   09:02 C001   09:04 A002   09:06 B001
    09:10 ann calls A001 (waited 10), cat calls C001 (waited 8)     09:11 ann starts A001
    09:12 cat recalls C001   09:14 cat: C001 no-show (void)
    09:15 ann transfers A001 to social and calls it again    09:16 ann starts A001
    09:16 cat calls A002 (waited 12)   09:17 cat: A002 no-show (requeued)
    09:18 cat reinstates C001   09:20 cat calls A002 again   09:21 cat starts A002
    09:26 ann: A001 done (10 min)   09:27 ann calls B001 (waited 21)   09:28 starts
    09:33 cat: A002 done (12 min)   09:34 cat calls C001 again   09:35 done at once (0 min)
    09:36 ann: B001 done (8 min)    09:37 ann pauses (break); B001 rated 2 on the pad (wait)
    09:40 A003   09:45 cat pauses (meeting)   09:52 ann resumes   10:00 A004   10:05 cat resumes
    10:10 ann calls A003 (waited 30)   10:11 starts   10:21 done (10 min)
    10:30 A001 rated 5 on the phone, 10:31 A002 rated 4   16:31 A004 expires
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.days.clock import TZ, ManualClock
from core.queue import counters, tickets
from core.store.db import Store, Tx
from core.supervision import evaluation, staffing, stats, stats_report
from tests.conftest import Hall

DAY = dt.date(2026, 5, 13)


# The day, a line per minute of the clock: who does what (build_day below plays it). An elderly
# ticket's no-show is void (09:14), a general one is requeued (09:17).
DAY_SCRIPT = """
09:00 · open ann · open cat · issue A001 general
09:02 · issue C001 elderly
09:04 · issue A002 general
09:06 · issue B001 social
09:10 · call ann A001 · call cat C001
09:11 · start ann
09:12 · recall cat
09:14 · no_show cat no_show
09:15 · transfer ann social · call ann A001
09:16 · start ann · call cat A002
09:17 · no_show cat waiting
09:18 · reinstate cat C001
09:20 · call cat A002
09:21 · start cat
09:26 · done ann
09:27 · call ann B001
09:28 · start ann
09:33 · done cat
09:34 · call cat C001
09:35 · done cat
09:36 · done ann
09:37 · pause ann break · rate_at B001 2 wait
09:40 · issue A003 general
09:45 · pause cat meeting
09:52 · resume ann
10:00 · issue A004 general
10:05 · resume cat
10:10 · call ann A003
10:11 · start ann
10:21 · done ann
10:30 · rate A001 5
10:31 · rate A002 4
16:31 · close youyi 1
"""


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    h, m = hhmm.split(":")
    return dt.datetime(day.year, day.month, day.day, int(h), int(m), tzinfo=TZ)


def build_day(store: Store, clock: ManualClock, day: dt.date = DAY) -> dict[str, str]:
    """Play the day above; returns ticket ids by number."""
    ids: dict[str, str] = {}

    def when(hhmm: str) -> None:
        clock.set(at(hhmm, day))

    def w(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        return store.write_sync(fn, *args, **kw)

    def issue(number: str, service: str) -> None:
        t = w(tickets.issue, "youyi", service, source="kiosk", actor="youyi-k1").ticket
        assert t.number == number
        ids[number] = t.id

    def call(counter: str, clerk: str, number: str) -> None:
        got = w(counters.call_next, counter, clerk)
        assert got.ticket is not None and got.ticket.number == number, got

    clerks = {"ann": "youyi-1", "cat": "youyi-5"}
    for line in DAY_SCRIPT.strip().splitlines():
        hhmm, *steps = line.split(" · ")
        when(hhmm)
        for step in steps:
            verb, who, *rest = step.split()
            counter = clerks.get(who, who)
            if verb == "open":
                w(counters.open_counter, counter, who, "youyi")
            elif verb == "issue":  # issue NUMBER SERVICE
                issue(who, rest[0])
            elif verb == "call":  # call CLERK NUMBER-EXPECTED
                call(counter, who, rest[0])
            elif verb == "no_show":  # no_show CLERK STATUS-AFTER
                assert w(counters.no_show, counter, who).status == rest[0]
            elif verb == "transfer":
                w(counters.transfer, counter, who, service=rest[0])
            elif verb in ("pause", "reinstate", "resume", "start", "done", "recall"):
                w(getattr(counters, verb), counter, who, *rest)
            elif verb == "rate_at":  # rate_at NUMBER GRADE REASON: the counter's rating pad
                w(
                    evaluation.rate_at_counter,
                    "youyi-1",
                    who,
                    evaluation.check(int(rest[0]), rest[1]),
                    device="youyi-d1",
                )
            elif verb == "rate":  # rate NUMBER GRADE: on the phone
                w(evaluation.rate_ticket, ids[who], evaluation.check(int(rest[0])))
            elif verb == "close":  # close SITE EXPIRED-EXPECTED
                assert w(counters.expire_open, who, statuses=("waiting", "called")) == int(rest[0])
            else:
                raise AssertionError(step)
    return ids


def add_appointments(store: Store) -> None:
    """Appointment outcomes of the day, as the booking code leaves them."""

    def write(tx: Tx) -> None:
        statuses = ["completed", "completed", "checked_in", "no_show", "cancelled", "booked"]
        for i, status in enumerate(statuses):
            tx.execute(
                "INSERT INTO appointments (id, code, site, service, day, start_ts, end_ts, status, created_ts, "
                "updated_ts) VALUES (?, ?, 'youyi', 'general', ?, 0, 0, ?, 0, 0)",
                (f"ap{i}", f"CODE{i:04d}", DAY.isoformat(), status),
            )

    store.write_sync(write)


@pytest.fixture
def day(store: Store, clock: ManualClock) -> dict[str, Any]:
    build_day(store, clock)
    add_appointments(store)
    clock.set(at("17:00"))
    return store.read_sync(stats_report.site_stats, "youyi", DAY, DAY)


def row(rows: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any]:
    found = [r for r in rows if r[key] == value]
    assert len(found) == 1, (key, value, rows)
    return found[0]


def test_site_totals(day: dict[str, Any]) -> None:
    t = day["totals"]
    assert (t["issued"], t["served"], t["no_show"], t["cancelled"], t["expired"], t["open"]) == (6, 5, 0, 0, 1, 0)
    assert (t["called"], t["recalls"], t["requeued"], t["transfers"]) == (8, 1, 1, 1)
    # waits (issue to first call): 10, 8, 12, 21, 30 minutes; service: 10, 12, 8, 0, 10
    assert (t["wait_count"], t["wait_avg"], t["wait_p90"]) == (5, 16.2, 30.0)
    assert (t["service_count"], t["service_avg"], t["service_p90"]) == (5, 8.0, 12.0)
    assert (t["evaluations"], t["satisfied"], t["bad"], t["satisfaction_rate"]) == (3, 2, 1, 0.6667)


def test_per_service(day: dict[str, Any]) -> None:
    general = row(day["services"], "service", "general")
    assert (general["issued"], general["served"], general["expired"], general["no_show"]) == (4, 2, 1, 0)
    assert (general["wait_avg"], general["wait_p90"]) == (17.3, 30.0)  # A001 10, A002 12, A003 30
    assert (general["service_avg"], general["service_p90"]) == (11.0, 12.0)  # A002 12, A003 10
    social = row(day["services"], "service", "social")  # B001, and A001 after its transfer
    assert (social["issued"], social["served"], social["wait_avg"]) == (1, 2, 21.0)
    assert (social["service_avg"], social["service_p90"]) == (9.0, 10.0)
    assert (social["evaluations"], social["bad"]) == (2, 1)  # A001 5 and B001 2, rated as social
    elderly = row(day["services"], "service", "elderly")  # no-show, reinstated, then served
    assert (elderly["issued"], elderly["served"], elderly["no_show"], elderly["wait_avg"]) == (1, 1, 0, 8.0)
    assert (elderly["recalls"], elderly["service_avg"]) == (1, 0.0)


def test_per_counter_and_clerk(day: dict[str, Any]) -> None:
    one = row(day["counters"], "counter", "youyi-1")
    assert (one["called"], one["served"], one["transfers"], one["requeued"]) == (4, 3, 1, 0)
    assert (one["wait_avg"], one["wait_p90"], one["service_avg"], one["service_p90"]) == (20.3, 30.0, 9.3, 10.0)
    assert (one["pause_minutes"], one["evaluations"], one["satisfied"], one["bad"]) == (15.0, 2, 1, 1)
    five = row(day["counters"], "counter", "youyi-5")
    assert (five["called"], five["served"], five["recalls"], five["requeued"], five["no_show"]) == (4, 2, 1, 1, 0)
    assert (five["wait_avg"], five["wait_p90"], five["service_avg"], five["service_p90"]) == (10.0, 12.0, 6.0, 12.0)
    assert (five["pause_minutes"], five["evaluations"], five["satisfaction_rate"]) == (20.0, 1, 1.0)
    clerks = {c["clerk"]: c for c in day["clerks"]}
    assert set(clerks) == {"ann", "cat"}  # not the kiosk, not "system"
    assert {k: v for k, v in clerks["ann"].items() if k != "clerk"} == {
        k: v for k, v in one.items() if k not in ("counter", "number")
    }
    assert clerks["cat"]["served"] == 2 and clerks["cat"]["pause_minutes"] == 20.0


def test_hours_pauses_appointments_and_satisfaction(day: dict[str, Any]) -> None:
    heat = day["heatmap"]
    assert heat["dates"] == ["2026-05-13"] and heat["hours"] == list(range(8, 17))  # opening hours
    assert heat["issued"] == [[0, 5, 1, 0, 0, 0, 0, 0, 0]]
    assert {p["reason"]: (p["count"], p["minutes"]) for p in day["pauses"]} == {
        "break": (1, 15.0),
        "meeting": (1, 20.0),
    }
    appts = day["appointments"]
    general = row(appts["rows"], "service", "general")
    assert (general["completed"], general["checked_in"], general["no_show"], general["cancelled"]) == (2, 1, 1, 1)
    assert (general["booked"], general["show_rate"], appts["show_rate"]) == (1, 0.75, 0.75)
    sat = day["satisfaction"]
    assert (sat["evaluations"], sat["satisfied"], sat["bad"], sat["rate"]) == (3, 2, 1, 0.6667)
    assert [(g["grade"], g["count"]) for g in sat["grades"]] == [(5, 1), (4, 1), (3, 0), (2, 1), (1, 0)]
    assert sat["grades"][0]["label"] == "非常满意" and sat["grades"][4]["label"] == "非常不满意"


def test_a_range_without_the_day_is_empty(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    clock.set(at("17:00"))
    empty = store.read_sync(stats_report.site_stats, "youyi", dt.date(2026, 5, 14), dt.date(2026, 5, 20))
    assert empty["totals"]["issued"] == 0 and empty["totals"]["wait_avg"] is None
    assert empty["counters"] == [] and len(empty["heatmap"]["dates"]) == 7
    week = store.read_sync(stats_report.site_stats, "youyi", dt.date(2026, 5, 11), dt.date(2026, 5, 17))
    assert week["totals"]["served"] == 5 and week["heatmap"]["issued"][2][1:3] == [5, 1]


def test_day_range_rules() -> None:
    today = DAY
    assert stats.day_range(None, None, today) == (today, today)
    assert stats.day_range("2026-05-01", None, today) == (dt.date(2026, 5, 1),) * 2
    from core.errors import InvalidInput

    for bad in (("2026-05-02", "2026-05-01"), ("2025-01-01", "2026-05-01"), ("2026-13-01", None), ("x", None)):
        with pytest.raises(InvalidInput):
            stats.day_range(*bad, today)


def test_percentile_is_nearest_rank() -> None:
    assert stats_report.percentile([], 90) is None
    assert stats_report.percentile([5.0], 90) == 5.0
    assert stats_report.percentile(range(1, 11), 90) == 9
    assert stats_report.percentile(range(1, 12), 90) == 10


# -- staffing ----------------------------------------------------------------------------
def erlang_c_by_factorials(c: int, a: float) -> float:
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_erlang_c_matches_the_textbook_formula() -> None:
    assert staffing.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert staffing.erlang_c(3, 2.0) == pytest.approx(4 / 9)
    for c, a in ((1, 0.5), (5, 4.2), (12, 9.9), (40, 35.0)):
        assert staffing.erlang_c(c, a) == pytest.approx(erlang_c_by_factorials(c, a))
    assert staffing.erlang_c(3, 3.0) == 1.0 and staffing.mean_wait(3, 18, 10) is None  # a = 3: cannot keep up
    # 30 an hour, 10 minutes each: a = 5 counters of work
    assert staffing.mean_wait(6, 30, 10) == pytest.approx(erlang_c_by_factorials(6, 5) * 10 / 1)
    needed = staffing.counters_needed(30, 10, 5)
    assert staffing.mean_wait(needed, 30, 10) <= 5 < staffing.mean_wait(needed - 1, 30, 10)  # type: ignore[operator]
    assert staffing.counters_needed(0, 10, 5) == 0


def test_staffing_plan_from_the_day(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    clock.set(at("09:00", dt.date(2026, 5, 14)))
    plan = store.read_sync(staffing.plan, "youyi", 2, target_minutes=10, weeks=3)
    assert plan["days"] == ["2026-04-29", "2026-05-06", "2026-05-13"]
    assert plan["service_minutes"] == 8.0  # the day's mean service time
    hours = {h["hour"]: h for h in plan["hours"]}
    assert sorted(hours) == list(range(8, 17)) and hours[8]["label"] == "08:00"
    # 5 arrivals in the 9 o'clock hour of one day in three
    assert hours[9]["arrivals_per_hour"] == round(5 / 3, 2)
    # ann paused 09:37-09:52 and cat from 09:45: 45 + 45 minutes open in that hour, one day in three
    assert hours[9]["open_counters"] == round(1.5 / 3, 2)
    assert hours[10]["open_counters"] == round((1 + 55 / 60) / 3, 2)
    assert hours[12]["open_counters"] == round(2 / 3, 2) and hours[16]["open_counters"] == round(2 / 3, 2)
    assert hours[9]["needed_counters"] == staffing.counters_needed(5 / 3, 8.0, 10)
    assert hours[12]["needed_counters"] == 0 and hours[12]["predicted_wait_minutes"] == 0.0


def test_staffing_hours_come_from_the_planned_day_not_a_holiday_among_the_references(
    store: Store, clock: ManualClock
) -> None:
    """2026-10-07 is a Wednesday of the National Day holiday (weekend hours 08:30-11:30): planning the
    next working Wednesday from the three Wednesdays before it must neither take the holiday's hours
    nor count the holiday among the reference days."""
    build_day(store, clock, dt.date(2026, 10, 7))
    build_day(store, clock, dt.date(2026, 10, 14))
    clock.set(at("09:00", dt.date(2026, 10, 22)))
    plan = store.read_sync(staffing.plan, "youyi", 2, target_minutes=10, weeks=3, until="2026-10-21")
    assert plan["date"] == "2026-10-28" and (plan["opens"], plan["closes"]) == ("08:30", "16:30")
    assert plan["days"] == ["2026-10-14", "2026-10-21"]
    hours = {h["hour"]: h for h in plan["hours"]}
    assert sorted(hours) == list(range(8, 17))
    assert hours[9]["arrivals_per_hour"] == round(5 / 2, 2)  # the holiday's five are not counted


# -- the API: JSON and CSV ---------------------------------------------------------------
def test_stats_api_and_csv(client: TestClient, hall: Hall, clock: ManualClock) -> None:
    build_day(hall.hall.store, clock)
    clock.set(at("17:00"))
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor')}"}
    r = client.get("/api/v1/sites/youyi/stats?from=2026-05-13&to=2026-05-13", headers=sup)
    assert r.status_code == 200 and r.json()["totals"]["served"] == 5
    r = client.get("/api/v1/sites/youyi/stats?from=2026-05-13&format=csv&table=services", headers=sup)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("业务代码,业务,取号,叫号,办结")
    assert lines[1].startswith("general,综合受理,4,")
    r = client.get("/api/v1/sites/youyi/stats?from=2026-05-13&format=csv&table=evaluations&lang=en", headers=sup)
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Time,Number,Service code,Counter,Clerk,Grade")
    assert "B001,social,1,ann,2,不满意,pad,Waited too long" in text
    for bad in ("table=nope&format=csv", "format=xml", "from=2026-02-30", "to=2026-05-01&from=2026-05-02"):
        assert client.get(f"/api/v1/sites/youyi/stats?{bad}", headers=sup).status_code == 422
    clerk = {"Authorization": f"Bearer {hall.user('ann2')}"}
    assert client.get("/api/v1/sites/youyi/stats", headers=clerk).status_code == 403
    other = {"Authorization": f"Bearer {hall.user('wsup', 'supervisor', 'wusong')}"}
    assert client.get("/api/v1/sites/youyi/stats", headers=other).status_code == 403
    district = {"Authorization": f"Bearer {hall.user('dsup', 'supervisor', None)}"}
    assert client.get("/api/v1/sites/youyi/stats", headers=district).status_code == 200
    r = client.get("/api/v1/sites/youyi/staffing?weekday=2&weeks=1&target=10&until=2026-05-13", headers=sup)
    assert r.status_code == 200 and r.json()["days"] == ["2026-05-13"]
    assert client.get("/api/v1/sites/youyi/staffing?weekday=9", headers=sup).status_code == 422


def test_stats_pages_and_session_export(client: TestClient, hall: Hall, clock: ManualClock) -> None:
    build_day(hall.hall.store, clock)
    clock.set(at("17:00"))
    from tests.supervision.test_pages import sign_in

    sign_in(client, "sue2", role="supervisor")
    page = client.get("/admin/stats?site=youyi&from=2026-05-13&to=2026-05-13")
    assert page.status_code == 200 and 'name="api-token"' in page.text and "table=clerks" in page.text
    csv = client.get("/admin/stats/export?site=youyi&from=2026-05-13&to=2026-05-13&table=pauses&format=csv")
    assert csv.status_code == 200 and csv.content.decode("utf-8-sig").splitlines()[1:] == [
        "休息,1,15.0",
        "会议,1,20.0",
    ]
    assert client.get("/admin/stats?site=wusong").status_code == 403
    assert client.get("/admin/hall?site=youyi").status_code == 200
    sign_in(client, "ann3")
    assert client.get("/admin/stats?site=youyi").status_code == 403
