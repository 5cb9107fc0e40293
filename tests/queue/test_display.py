"""The hall display's server side: the 温馨提示 notices (the supervisor's form, bounds, escaping,
live to the displays), display health with the display's own token, the 12-counter limit,
English device names on /admin/devices, and the short call sentence of a burst."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from core.config import parse
from core.days.clock import ManualClock
from core.errors import ConfigError, InvalidInput
from core.supervision import notices
from tests.conftest import ROOT, Hall
from tests.supervision.test_pages import csrf_of, sign_in
from voice.speech import call_text

HEARTBEAT = "/api/v1/sites/youyi/displays/heartbeat"


def post_notices(client: TestClient, text: str, site: str = "youyi", csrf: str | None = None) -> object:
    page = client.get(f"/admin/notices?site={site}")
    token = csrf if csrf is not None else csrf_of(page.text)
    return client.post(f"/admin/notices?site={site}", data={"csrf": token, "notices": text}, follow_redirects=False)


def snapshot_notices(client: TestClient, site: str = "youyi") -> list[str]:
    with client.websocket_connect(f"/ws/sites/{site}") as ws:
        snap = json.loads(ws.receive_text())
    assert snap["type"] == "snapshot"
    return list(snap["data"]["notices"])


# -- notices -----------------------------------------------------------------------------------
def test_a_supervisor_sets_the_notices_and_the_displays_get_them_at_once(client: TestClient, hall: Hall) -> None:
    assert snapshot_notices(client) == []
    sign_in(client, "sup-n", "supervisor")
    with client.websocket_connect("/ws/sites/youyi") as ws:
        ws.receive_text()  # the snapshot
        r = post_notices(client, "请保管好随身物品。\r\n\r\n  本中心周六上午照常办公。  \n")
        assert r.status_code == 303 and r.headers["location"] == "/admin/notices?site=youyi&saved=1"  # type: ignore[attr-defined]
        event = json.loads(ws.receive_text())
    assert event["type"] == "notices.updated"
    assert event["data"] == {"notices": ["请保管好随身物品。", "本中心周六上午照常办公。"]}
    assert snapshot_notices(client) == ["请保管好随身物品。", "本中心周六上午照常办公。"]
    page = client.get("/admin/notices?site=youyi&saved=1").text
    assert "请保管好随身物品。\n本中心周六上午照常办公。</textarea>" in page and "sup-n" in page
    assert snapshot_notices(client, "wusong") == []  # per site


def test_html_in_a_notice_is_text_everywhere(client: TestClient, hall: Hall) -> None:
    sign_in(client, "sup-x", "supervisor")
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    assert post_notices(client, evil).status_code == 303  # type: ignore[attr-defined]
    assert snapshot_notices(client) == [evil]  # data, which the board sets as textContent
    page = client.get("/admin/notices?site=youyi").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    js = (ROOT / "static" / "js" / "display" / "display.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "p.textContent = model.notices" in js


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("\n".join(f"第{i}条" for i in range(notices.MAX_LINES + 1)), "最多"),
        ("长" * (notices.MAX_LINE_CHARS + 1), "每条提示最多"),
        ("看这里\u202e倒过来", "不可见字符"),
        ("响铃\x07", "不可见字符"),
        ("x" * (notices.MAX_FORM_CHARS + 1), "提示太长"),
    ],
)
def test_bad_notices_are_refused_and_change_nothing(client: TestClient, hall: Hall, text: str, why: str) -> None:
    sign_in(client, "sup-b", "supervisor")
    assert post_notices(client, "原来的提示").status_code == 303  # type: ignore[attr-defined]
    r = post_notices(client, text)
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert why in r.text and 'role="alert"' in r.text  # type: ignore[attr-defined]
    assert snapshot_notices(client) == ["原来的提示"]


def test_the_notices_form_is_guarded_like_the_other_supervisor_pages(client: TestClient, hall: Hall) -> None:
    r = client.get("/admin/notices?site=youyi", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/counter?next=/admin/notices")
    r = client.post("/admin/notices?site=youyi", data={"notices": "匿名"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/counter?next=")
    sign_in(client, "clerk-n")  # a clerk of youyi
    assert client.get("/admin/notices?site=youyi").status_code == 403
    assert client.post("/admin/notices?site=youyi", data={"notices": "职员"}).status_code == 403
    client.cookies.clear()
    sign_in(client, "sup-w", "supervisor", "wusong")  # another site's supervisor
    assert client.get("/admin/notices?site=youyi").status_code == 403
    own = csrf_of(client.get("/admin/notices?site=wusong").text)
    assert post_notices(client, "别的中心", "youyi", csrf=own).status_code == 403  # type: ignore[attr-defined]
    assert post_notices(client, "没有令牌", "wusong", csrf="").status_code == 403  # type: ignore[attr-defined]
    assert post_notices(client, "错的令牌", "wusong", csrf="x" * 43).status_code == 403  # type: ignore[attr-defined]
    assert client.get("/admin/notices?site=nowhere").status_code == 404
    assert snapshot_notices(client) == [] and snapshot_notices(client, "wusong") == []
    client.cookies.clear()
    sign_in(client, "ada-n", "admin", None)  # admins: every site
    assert post_notices(client, "管理员", "youyi").status_code == 303  # type: ignore[attr-defined]
    assert snapshot_notices(client) == ["管理员"]


def test_parse_keeps_lines_in_order_and_drops_blank_ones() -> None:
    assert notices.parse("") == []
    assert notices.parse(" a \n\n b ") == ["a", "b"]
    with pytest.raises(InvalidInput):
        notices.parse("\u200b")  # a zero-width space is invisible


# -- display health ----------------------------------------------------------------------------
def display_row(client: TestClient, device: str) -> dict[str, object]:
    data = client.get("/admin/devices.json").json()
    return next(d for s in data["sites"] for d in s["devices"] if d["id"] == device)


def test_a_display_with_its_token_shows_connected_on_the_devices_page(
    client: TestClient, hall: Hall, clock: ManualClock
) -> None:
    token = hall.device("youyi-d1")
    sign_in(client, "sup-h", "supervisor")
    assert display_row(client, "youyi-d1")["state"] == "offline"
    assert 'data-device="youyi-d1" data-state="offline"' in client.get("/admin/devices").text
    r = client.post(HEARTBEAT, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json() == {"display": "youyi-d1", "site": "youyi", "every_seconds": 10}
    row = display_row(client, "youyi-d1")
    assert row["state"] == "ok" and row["seconds_ago"] == 0
    html = client.get("/admin/devices").text
    assert 'data-device="youyi-d1" data-state="ok"' in html and "0 秒前" in html
    clock.advance(seconds=31)
    assert display_row(client, "youyi-d1")["state"] == "offline"  # silent for 30 s


def test_display_reports_need_that_displays_own_token(client: TestClient, hall: Hall) -> None:
    assert client.post(HEARTBEAT).json()["error"]["code"] == "unauthenticated"
    wrong = client.post(HEARTBEAT, headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    kiosk = hall.device("youyi-k1")
    assert client.post(HEARTBEAT, headers={"Authorization": f"Bearer {kiosk}"}).status_code == 403
    other = hall.device("wusong-d1")  # another site's display
    r = client.post(HEARTBEAT, headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    clerk = hall.user("clerk-h")
    assert client.post(HEARTBEAT, headers={"Authorization": f"Bearer {clerk}"}).status_code == 403
    assert client.post("/api/v1/sites/nowhere/displays/heartbeat").status_code == 404
    old = hall.device("youyi-d1")
    new = hall.device("youyi-d1")  # a new token replaces the old
    assert client.post(HEARTBEAT, headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.post(HEARTBEAT, headers={"Authorization": f"Bearer {new}"}).status_code == 200
    sign_in(client, "sup-t", "supervisor")
    assert display_row(client, "youyi-k1")["state"] == "offline"  # the kiosk token reported nothing


def test_floods_of_reports_are_limited(client: TestClient, hall: Hall, clock: ManualClock) -> None:
    hall.hall.limits.per_address = True  # as in production (tests may run with HALL_LIMITS=off)
    codes = [client.post(HEARTBEAT, headers={"Authorization": f"Bearer guess-{i}"}).status_code for i in range(30)]
    assert codes.count(401) == 20 and codes[-1] == 429  # failed reports: per address
    token = hall.device("youyi-d1")
    writes: list[object] = []
    store = hall.hall.store
    original = store.write

    async def counting(fn: object, *args: object, **kwargs: object) -> object:
        writes.append(fn)
        return await original(fn, *args, **kwargs)

    store.write = counting
    try:
        ok = [client.post(HEARTBEAT, headers={"Authorization": f"Bearer {token}"}).status_code for _ in range(50)]
    finally:
        store.write = original
    assert set(ok) == {200} and len(writes) == 1  # seen once: a flood costs the writer nothing
    clock.advance(seconds=6)
    assert client.post(HEARTBEAT, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    limit = hall.hall.config.limits.requests_per_device_per_minute
    codes = [client.post(HEARTBEAT, headers={"Authorization": f"Bearer {token}"}).status_code for _ in range(limit)]
    assert codes[-1] == 429  # and per device, like every device call


# -- config, devices page, voice -----------------------------------------------------------------
def test_a_site_may_have_twelve_counters_not_thirteen() -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    start = text.index('{id = "youyi-1"')
    head = text.rindex("counters = [", 0, start)
    end = text.index("]\n", start)

    def with_counters(n: int) -> str:
        rows = "\n".join(f'  {{id = "youyi-{k}", number = {k}, services = ["general"]}},' for k in range(1, n + 1))
        return f"{text[:head]}counters = [\n{rows}\n{text[end:]}"

    assert len(parse(with_counters(12)).site("youyi").counters) == 12  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match=r"\$\.sites\[\d+\]\.counters: at most 12"):
        parse(with_counters(13))


def test_devices_page_names_devices_in_english_in_english_mode(client: TestClient, hall: Hall) -> None:
    sign_in(client, "sup-e", "supervisor")
    zh = client.get("/admin/devices").text
    assert "1号自助机" in zh and "大厅屏" in zh
    en = client.get("/admin/devices?lang=en").text
    assert re.search(r'data-device="youyi-k1"[^>]*>\s*<th scope="row">Kiosk 1 ', en)
    assert re.search(r'data-device="youyi-d1"[^>]*>\s*<th scope="row">Hall display ', en)
    assert "号自助机" not in en and "大厅屏" not in en
    row = display_row(client, "youyi-d1")
    assert row["name"] == "大厅屏" and row["name_en"] == "Hall display"


def test_a_call_has_a_short_form_for_bursts() -> None:
    assert call_text("A001", 3) == "请A001号到3号窗口办理"
    assert call_text("A002", 12, short=True) == "A002号，12号窗口"
    assert call_text("A002", 12, "en", short=True) == "A002, counter 12"
