"""Booking pages through the test client: they render in both languages, offer only what can
be booked, keep the QR endpoint to booking codes, and show the supervisor the day."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Hall
from tests.supervision.test_pages import sign_in

MONDAY = "2026-05-18"
COUPLE = [
    {"name": "张三", "id_number": "110105199003071239", "phone": "13800138000"},
    {"name": "李四", "id_number": "31011519850612174X", "phone": "13900139000"},
]
PAGES = ["/book", "/book/registry", "/book/registry/marriage", "/book/manage"]


def page_data(html: str) -> Any:
    m = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert m, "no page data"
    return json.loads(m.group(1))


def book(client: TestClient, start: str = f"{MONDAY}T10:00:00+08:00") -> dict[str, Any]:
    r = client.post("/api/v1/appointments", json={"site": "registry", "service": "marriage", "start": start,
                                                  "applicants": COUPLE})  # fmt: skip
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.mark.parametrize("path", PAGES)
def test_booking_pages_render_in_chinese_and_english(client: TestClient, path: str) -> None:
    zh = client.get(path)
    assert zh.status_code == 200
    assert '<html lang="zh-CN">' in zh.text and "在线预约" in zh.text
    en = client.get(path, params={"lang": "en"})
    assert '<html lang="en">' in en.text and "Online booking" in en.text
    for html in (zh.text, en.text):
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'type="application/json"' in tag or "src=" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert not re.search(r"\sstyle\s*=", html), path  # the CSP allows no inline styles


def test_book_lists_only_the_registry(client: TestClient) -> None:
    html = client.get("/book").text
    assert 'href="/book/registry"' in html and "宝山区婚姻登记管理所" in html
    assert [s for s in re.findall(r'href="/book/([a-z-]+)"', html) if s not in ("manage", "now")] == ["registry"]
    site = client.get("/book/registry").text
    services = re.findall(r'href="/book/registry/([a-z-]+)"', site)
    assert services == ["marriage", "divorce-apply", "divorce-issue", "reissue", "counselling"]
    assert "双方须本人到场" in site


def test_sites_and_services_that_cannot_be_booked_are_404(client: TestClient) -> None:
    for path in ["/book/youyi", "/book/nowhere", "/book/registry/general", "/book/youyi/marriage",
                 "/book/registry/nothing", "/book/registry/general/days.json"]:  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_the_booking_page_carries_the_next_30_days(client: TestClient) -> None:
    html = client.get("/book/registry/marriage").text
    data = page_data(html)
    # ceremonies: its peak days have ceremony sessions (docs/peak-days.md)
    assert data["service"] == {"id": "marriage", "name": "结婚登记", "name_en": "Marriage registration",
                               "parties": 2, "slot_minutes": 30, "checkin_early": 30, "checkin_late": 15,
                               "ceremonies": True}  # fmt: skip
    days = {d["date"]: d for d in data["days"]}
    assert len(days) == 30 and min(days) == "2026-05-14" and max(days) == "2026-06-12"
    assert days[MONDAY] == {"date": MONDAY, "state": "open", "remaining": 45, "capacity": 45, "special": None,
                            "special_en": None}  # fmt: skip
    assert days["2026-05-16"]["state"] == "closed"  # Saturday: the registry is closed
    assert days["2026-05-20"]["special_en"] == "520 (I love you)"
    assert days["2026-05-20"]["special"] == "520 我爱你" and days["2026-05-20"]["remaining"] == 17 * 6
    assert 'id="name-1"' in html and 'id="id-1"' in html and 'id="phone-1"' in html  # both parties
    assert 'id="name-2"' not in html
    assert "双方本人的居民身份证原件" in html  # the documents to bring, from the service guide
    assert 'for="phone-0"' in html  # every field has a label
    one = client.get("/book/registry/counselling").text
    assert 'id="name-0"' in one and 'id="name-1"' not in one


def test_days_follow_bookings(client: TestClient) -> None:
    book(client)
    days = {d["date"]: d for d in client.get("/book/registry/marriage/days.json").json()}
    assert days[MONDAY]["remaining"] == 44


def test_days_close_the_afternoon_before(client: TestClient, clock: Any) -> None:
    clock.advance(hours=7)  # 16:30: tomorrow's booking has closed
    days = client.get("/book/registry/marriage/days.json").json()
    assert days[0]["date"] == "2026-05-14" and days[0]["state"] == "not_bookable"
    assert days[1]["state"] == "open"


def test_manage_prefills_only_a_well_formed_code(client: TestClient) -> None:
    assert 'value="ABCDEFGH"' in client.get("/book/manage?code=abcdefgh").text
    assert 'value="<b>"' not in client.get("/book/manage?code=<b>").text
    assert 'id="m-code" name="code" maxlength="8" required value=""' in client.get("/book/manage?code=IIII").text


def test_booking_qr_only_for_booking_codes(client: TestClient) -> None:
    ok = client.get("/qr/booking.svg", params={"code": "ABCD2345"})
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith("image/svg+xml")
    assert ok.text.lstrip().startswith("<svg")
    bad = ["", "ABCD234", "ABCD23456", "abcd2345", "ABCD2340", "ABCDI345", "ABCDO345", "ABCD 345",
           "http://testserver/t/x", "ABCD234%"]  # fmt: skip
    for code in bad:
        assert client.get("/qr/booking.svg", params={"code": code}).status_code == 400, code
    assert client.get("/qr/booking.svg").status_code == 400


def test_registry_kiosk_offers_check_in_and_community_kiosks_do_not(client: TestClient) -> None:
    html = client.get("/kiosk/registry-k1").text
    assert 'id="checkin-start"' in html and "预约签到" in html and 'id="screen-checkin"' in html
    assert page_data(html)["checkin"] is True
    keys = re.findall(r'<button type="button" class="key" data-key="([A-Z0-9])">', html.split('id="ci-code-entry"')[1])
    assert "".join(keys[:31]) == "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    assert "Check in" in client.get("/kiosk/registry-k1?lang=en").text
    youyi = client.get("/kiosk/youyi-k1").text
    assert 'id="checkin-start"' not in youyi and page_data(youyi)["checkin"] is False


def test_appointments_page_is_for_supervisors(client: TestClient) -> None:
    r = client.get("/admin/appointments", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/counter?next=/admin/appointments"
    sign_in(client, "clerk-r", site="registry")
    assert client.get("/admin/appointments").status_code == 403
    client.cookies.clear()
    sign_in(client, "sup-y", role="supervisor", site="youyi")
    assert client.get("/admin/appointments?site=registry").status_code == 403
    html = client.get("/admin/appointments").text
    assert "本中心没有可在线预约的业务" in html
    assert client.get("/admin/appointments?site=nowhere").status_code == 404


def test_supervisor_sees_the_day_and_gets_a_token_for_overrides(client: TestClient, hall: Hall) -> None:
    booked = book(client)
    sign_in(client, "sue", role="supervisor", site="registry")
    r = client.get(f"/admin/appointments?date={MONDAY}")
    assert r.status_code == 200
    html = r.text
    assert booked["code"] in html and "张* **************1239" in html and "已预约" in html
    row = re.search(r'<tr data-service="marriage">(.*?)</tr>', html, re.S)
    assert row and re.search(r'data-status="booked">1<', row.group(1)) and "44 / 45" in row.group(1)
    assert "110105199003071239" not in html and "13800138000" not in html
    token = re.search(r'<meta name="api-token" content="([^"]+)">', html)
    assert token
    auth = {"Authorization": f"Bearer {token.group(1)}"}
    body = {"date": MONDAY, "capacity": 5, "open": "09:00", "close": "12:00", "note": "加开"}
    r = client.post("/api/v1/sites/registry/services/marriage/overrides", json=body, headers=auth)
    assert r.status_code == 200, r.text
    html = client.get(f"/admin/appointments?date={MONDAY}&lang=en").text
    row = re.search(r'<tr data-service="marriage">(.*?)</tr>', html, re.S)
    assert row and "09:00–12:00" in row.group(1) and "Changed" in row.group(1) and "29 / 30" in row.group(1)
    assert client.get("/admin/appointments?date=2026-13-01").status_code == 422
    assert "No bookings on this day." in client.get("/admin/appointments?date=2026-05-19&lang=en").text


def test_every_booking_message_is_translated(client: TestClient) -> None:
    html = client.get("/book/registry/marriage").text
    strings = json.loads(re.search(r'<script type="application/json" id="i18n">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert strings["duplicate_plain"].startswith("%(who)s 已有")
    assert strings["slot_full"] == "抱歉，该时段刚刚约满。"
    assert all(re.search(r"[\u4e00-\u9fff]", v) or v == "、" for v in strings.values() if v), strings
