"""The yearly holiday schedule page: who may see and change it, CSRF, impossible dates, years
far away, duplicates; a confirmed schedule opens its working Saturdays to booking, and the
supervisors' warning goes away."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from core.days.clock import TZ, ManualClock
from core.registry import appointments as ap
from core.store import holidays as holiday_sql
from tests.supervision.test_pages import csrf_of, sign_in

SATURDAY = "2027-01-09"  # as if the State Council made it a 调休 working day


@pytest.fixture
def december(clock: ManualClock) -> ManualClock:
    clock.set(dt.datetime(2026, 12, 15, 10, 0, tzinfo=TZ))  # the horizon reaches 2027-01-14
    return clock


def store(client: TestClient):  # type: ignore[no-untyped-def]
    return client.app.state.hall.store  # type: ignore[attr-defined]


def entered(client: TestClient) -> dict[str, str]:
    return dict(store(client).read_sync(holiday_sql.schedule).days)


def post(client: TestClient, csrf: str | None = None, **fields: str) -> str:
    """Post a change as the page's form does; returns the page shown after it."""
    page = client.get("/admin/holidays?year=2027").text
    data = {"csrf": csrf if csrf is not None else csrf_of(page), "year": "2027", **fields}
    r = client.post("/admin/holidays", data=data, follow_redirects=True)
    return r.text


def saturday_places(client: TestClient) -> int:
    day = dt.date.fromisoformat(SATURDAY)
    return sum(s["remaining"] for s in store(client).read_sync(ap.slots_view, "registry", "marriage", day))


def test_district_supervisor_enters_and_confirms_a_year(client: TestClient, december: ManualClock) -> None:
    sign_in(client, "dora", "supervisor", None)
    home = client.get("/admin").text
    assert "2027 年的放假安排尚未确认" in home and 'href="/admin/holidays?year=2027"' in home
    page = client.get("/admin/holidays").text  # the warned year first
    assert "节假日安排 2027" in page and "2027-02-05" in page and "春节" in page and "未确认" in page
    assert "已保存" in post(client, action="add", day=SATURDAY, kind="workday", note="国办发明电")
    assert entered(client) == {SATURDAY: "workday"} and saturday_places(client) == 0  # not confirmed yet
    assert "本年度安排已确认" in post(client, action="confirm")
    assert saturday_places(client) == 45
    assert "尚未确认" not in client.get("/admin").text
    assert "已撤回确认" in post(client, action="unconfirm") and saturday_places(client) == 0
    assert "已删除" in post(client, action="remove", day=SATURDAY) and entered(client) == {}


def test_a_second_entry_for_the_same_day_replaces_the_first(client: TestClient, december: ManualClock) -> None:
    sign_in(client, "ada", "admin", None)
    post(client, action="add", day="2027-02-12", kind="holiday")
    assert "替换" in post(client, action="add", day="2027-02-12", kind="holiday", note="again")
    assert entered(client) == {"2027-02-12": "holiday"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "add", "day": "2027-02-30", "kind": "holiday"}, "日期无效"),
        ({"action": "add", "day": "2099-01-05", "kind": "holiday"}, "不在 2027 年"),
        ({"action": "add", "day": "2027-01-04", "kind": "workday"}, "本来就是工作日"),
        ({"action": "add", "day": "2027-01-01", "kind": "holiday"}, "本来就是休息日"),
        ({"action": "add", "day": "2027-01-05", "kind": "party"}, "类型应为"),
        ({"action": "drop-table", "day": "2027-01-05"}, "未知操作"),
        ({"action": "confirm", "year": "2099"}, "只能编辑"),
        ({"action": "confirm", "year": "2026"}, "日历数据包"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(
    client: TestClient, december: ManualClock, fields: dict[str, str], message: str
) -> None:
    sign_in(client, "ada", "admin", None)
    page = post(client, **fields)
    assert message in page and 'role="alert"' in page
    assert entered(client) == {} and store(client).read_sync(holiday_sql.year_confirmation, 2099) is None


def test_who_may_see_and_change_it(client: TestClient, december: ManualClock) -> None:
    sign_in(client, "cleo", "clerk", "youyi")
    assert client.get("/admin/holidays").status_code == 403
    sign_in(client, "sam", "supervisor", "registry")  # a site's supervisor sees, does not change
    page = client.get("/admin/holidays?year=2027")
    assert page.status_code == 200 and "只有管理员和区级主管" in page.text and 'name="action"' not in page.text
    r = client.post("/admin/holidays", data={"csrf": csrf_of(page.text), "year": "2027", "action": "confirm"})
    assert r.status_code == 403 and store(client).read_sync(holiday_sql.year_confirmation, 2027) is None


def test_without_the_form_token_nothing_changes(client: TestClient, december: ManualClock) -> None:
    sign_in(client, "ada", "admin", None)
    r = client.post("/admin/holidays", data={"year": "2027", "action": "confirm"})
    assert r.status_code == 403
    assert "表单已过期" in post(client, csrf="forged", action="confirm")
    assert store(client).read_sync(holiday_sql.year_confirmation, 2027) is None


@pytest.mark.parametrize("year", ["2099", "1999", "abcd", "20277", "-1"])
def test_years_far_away_or_not_years_get_a_readable_page(client: TestClient, december: ManualClock, year: str) -> None:
    sign_in(client, "ada", "admin", None)
    r = client.get(f"/admin/holidays?year={year}")
    assert r.status_code == 422 and ("只能编辑" in r.text or "四位数字" in r.text)


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    r = client.get("/admin/holidays", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/counter?next=")
    assert client.post("/admin/holidays", data={"action": "confirm"}, follow_redirects=False).status_code == 303
