"""Place kiosks (SPEC 6b, docs/district.md): configured with a place instead of a site, a device token
like any kiosk's, a kiosk of no site (never a normal ticket or a check-in at a center), the agent link
and health as at a center, and their own group on /admin/devices."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from core import accounts
from core.config import Config, parse
from core.days.clock import ManualClock
from core.errors import ConfigError, InvalidInput
from tests.conftest import Hall
from tests.supervision.test_config import MINIMAL
from tests.supervision.test_pages import sign_in

PLACE = """
[[places]]
id = "mall"
name = "商场服务点"
hours = "24h"
kiosks = [{id = "mall-k1"}]
"""
WEEK = ", ".join(['{open = "10:00", close = "22:00"}'] * 7)


def test_the_demo_has_place_kiosks_apart_from_the_centers(config: Config) -> None:
    assert len(config.places) >= 3
    found = config.place_kiosk("wanda-k1")
    assert found is not None and found[0].id == "wanda" and found[1].id == "wanda-k1"
    assert config.device("wanda-k1") is None  # not a center's device
    assert config.place_kiosk("youyi-k1") is None
    assert any(p.hours == "24h" for p in config.places)
    assert any(isinstance(p.hours, list) for p in config.places)


def test_a_place_with_open_and_close_per_weekday() -> None:
    cfg = parse(MINIMAL + PLACE.replace('hours = "24h"', f"hours = [{WEEK}]"))
    place = cfg.place("mall")
    assert place is not None and isinstance(place.hours, list) and place.hours[6].close == "22:00"
    assert place.hotline == "12345"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (('id = "mall"', 'id = "Mall!"'), "$.places[0].id"),
        (('id = "mall"', 'id = "hall"'), "$.places[0]"),  # a site's id
        (('{id = "mall-k1"}', '{id = "hall-1"}'), "$.places[0].kiosks[0]"),  # a counter's id
        (('kiosks = [{id = "mall-k1"}]', "kiosks = []"), "$.places[0].kiosks"),
        (('hours = "24h"', 'hours = "always"'), "$.places[0].hours"),
        (('hours = "24h"', 'hours = [{open = "10:00", close = "22:00"}]'), "$.places[0].hours"),
        (('hours = "24h"', f"hours = [{WEEK.replace('22:00', '09:00', 1)}]"), "$.places[0].hours[0]"),
        (('hours = "24h"', f"hours = [{WEEK.replace('10:00', '25:00', 1)}]"), "$.places[0].hours[0].open"),
        (('hours = "24h"', 'hours = "24h"\nlat = 95.0'), "$.places[0].lat"),
    ],
)
def test_bad_places_fail_with_the_path(change: tuple[str, str], path: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse(MINIMAL + PLACE.replace(*change))
    assert path in str(e.value)


def test_a_place_kiosk_id_is_unique_across_sites_and_places() -> None:
    twice = PLACE + PLACE.replace('id = "mall"', 'id = "park"')
    with pytest.raises(ConfigError, match=r"duplicate id 'mall-k1' at \$\.places\[1\]\.kiosks\[0\]"):
        parse(MINIMAL + twice)
    at_site = MINIMAL.replace("[sites.hours]", 'kiosks = [{id = "mall-k1"}]\n\n[sites.hours]')
    with pytest.raises(ConfigError, match="duplicate id 'mall-k1'"):
        parse(at_site + PLACE)


def test_a_place_kiosk_token_is_a_kiosk_of_no_site(client: TestClient, hall: Hall) -> None:
    token = hall.device("wanda-k1")
    who = hall.hall.store.read_sync(accounts.principal, token)
    assert who == accounts.Principal("wanda-k1", "kiosk", None)
    assert hall.hall.store.write_sync(accounts.revoke_device, "wanda-k1") is True
    assert hall.hall.store.read_sync(accounts.principal, token) is None
    with pytest.raises(InvalidInput):
        hall.hall.store.write_sync(accounts.new_device_token, "nowhere-k1")


def test_a_place_kiosk_takes_no_normal_ticket_and_checks_in_nobody(client: TestClient, hall: Hall) -> None:
    place = {"Authorization": f"Bearer {hall.device('wanda-k1')}"}
    for site in ("youyi", "registry"):
        r = client.post(f"/api/v1/sites/{site}/tickets", json={"service": "general"}, headers=place)
        assert r.status_code == 403, r.text
        r = client.post(f"/api/v1/sites/{site}/check-in", json={"code": "ABCDEFGH"}, headers=place)
        assert r.status_code == 403, r.text
    assert client.get("/api/v1/district", headers=place).status_code == 200


def test_the_agent_of_a_place_kiosk_connects_and_reports_health(client: TestClient, hall: Hall) -> None:
    token = hall.device("tonghe-k1")
    health = {"type": "health", "version": "1.0.0", "printer": {"online": True, "paper": "ok"},
              "reader": {"kind": "idmodule", "present": True}}  # fmt: skip
    with (
        client.websocket_connect("/ws/kiosks/tonghe-k1", headers={"Authorization": f"Bearer {token}"}) as ws,
        client.websocket_connect(f"/ws/kiosks/tonghe-k1/page?token={token}") as page,
    ):
        ws.receive_text()
        ws.send_text(json.dumps(health))
        while json.loads(page.receive_text()).get("paper") != "ok":
            pass
    sign_in(client, "admin-p", "admin", None)
    html = client.get("/admin/devices").text
    assert 'data-device="tonghe-k1" data-state="ok"' in html
    rows = client.get("/admin/devices.json").json()["sites"]
    places = [g for g in rows if g["place"]]
    assert [g["id"] for g in places] == ["wanda", "tonghe", "registry-lobby"]
    assert [d["id"] for d in places[1]["devices"]] == ["tonghe-k1"]
    assert places[1]["devices"][0]["state"] == "ok" and places[1]["devices"][0]["token_issued"]
    assert all(not g["place"] for g in rows[: -len(places)])  # the centers first, then the places


def test_devices_page_groups_place_kiosks_by_place(client: TestClient, hall: Hall) -> None:
    sign_in(client, "admin-g", "admin", None)
    html = client.get("/admin/devices").text
    assert 'data-group="place" data-id="wanda"' in html and 'data-device="wanda-k1" data-state="offline"' in html
    assert html.index('id="places-title"') > html.index('data-id="registry"')
    assert html.index('data-id="registry-lobby"') > html.index('id="places-title"')
    # one site picked, or a site's supervisor: that site's devices only
    assert 'data-group="place"' not in client.get("/admin/devices?site=youyi").text
    sign_in(client, "sup-g", "supervisor", "youyi")
    html = client.get("/admin/devices").text
    assert "wanda-k1" not in html and 'data-device="youyi-k1"' in html


def test_a_place_kiosk_prints_any_services_guide(client: TestClient, hall: Hall) -> None:
    place = {"Authorization": f"Bearer {hall.device('wanda-k1')}"}
    # no agent connected: the guide is understood (not 422) and the printer is said to be unavailable
    r = client.post("/api/v1/kiosks/wanda-k1/print", json={"kind": "guide", "service": "marriage"}, headers=place)
    assert r.status_code == 409 and r.json()["error"]["reason"] == "agent_offline", r.text
    r = client.post("/api/v1/kiosks/wanda-k1/print", json={"kind": "guide", "service": "nope"}, headers=place)
    assert r.status_code == 422


def test_the_place_kiosk_page_is_the_districts(client: TestClient) -> None:
    html = client.get("/kiosk/wanda-k1").text
    assert 'data-place="wanda"' in html and 'data-centers="open"' in html
    assert "宝山万达广场自助服务点" in html and "此处无工作人员。需要帮助请拨打 12345" in html  # no staff: the hotline
    for tile in ("remote-start", "centers-start", "book-start", "guide-start", "elder-start"):
        assert f'id="{tile}"' in html
    assert re.search(r'<p id="centers-closed" class="closed-note" role="status" hidden', html)
    assert 'href="/book"' in html and 'href="/book/manage"' in html
    assert 'id="screen-services"' not in html and 'id="help"' not in html  # no normal number, no staff to call
    en = client.get("/kiosk/wanda-k1?lang=en").text
    assert "No staff here. Need help? Call 12345" in en
    assert client.get("/kiosk/nowhere-k9").status_code == 404


def test_at_23_the_place_kiosk_says_no_number_can_be_taken(client: TestClient, clock: ManualClock) -> None:
    clock.advance(hours=13, minutes=30)  # Wednesday 23:00
    html = client.get("/kiosk/tonghe-k1").text
    assert 'data-centers="closed"' in html
    assert "各中心现在都已下班，08:30 开门。现在不能取号。" in html
    assert "您仍可预约办事时间，或查看、打印办事指南。" in html
    assert re.search(r'id="remote-start" class="start-tile remote-tile" hidden', html)
    assert re.search(r'id="book-start" class="start-tile book-tile">', html)  # booking and guides stay
    assert re.search(r'id="guide-start" class="start-tile guide-tile">', html)
    body = client.get("/api/v1/district?near=tonghe").json()
    assert body["open_now"] is False and body["next_opening"] == "2026-05-14T08:30:00+08:00"


def test_the_district_near_a_place_is_nearest_first(client: TestClient) -> None:
    body = client.get("/api/v1/district?near=wanda").json()
    km = [s["distance_km"] for s in body["sites"]]
    assert km == sorted(km) and body["sites"][0]["id"] == "zhangmiao"
    assert body["open_now"] is True and body["next_opening"] is None
    youyi = next(s for s in body["sites"] if s["id"] == "youyi")
    assert youyi["address"] and youyi["hours"] == {"weekday": "08:30-16:30", "weekend": "08:30-11:30"}
    assert client.get("/api/v1/district?near=nowhere").status_code == 404


def test_the_district_page_for_phones(client: TestClient, clock: ManualClock) -> None:
    html = client.get("/district").text
    assert html.count('class="district-site') == 17 and "各中心实时排队" in html
    assert 'id="centers-closed" class="closed-note" role="status" hidden' in html
    near = client.get("/district?near=wanda").text
    assert near.index('data-site="zhangmiao"') < near.index('data-site="registry"')
    assert '<option value="wanda" selected>' in near
    assert client.get("/district?near=<script>").status_code == 200  # an unknown place is ignored
    assert "All centers now" in client.get("/district?lang=en").text
    clock.advance(hours=13, minutes=30)
    late = client.get("/district?lang=zh").text
    assert 'data-centers="closed"' in late and "08:30 开门" in late


def test_booking_pages_at_a_place_kiosk_are_kiosk_sized_with_a_way_back(client: TestClient) -> None:
    assert "booking-kiosk" not in client.get("/book").text  # a phone: as ever
    client.cookies.set("hall_kiosk", "wanda-k1", path="/book")
    for path in ("/book", "/book/manage"):
        html = client.get(path).text
        assert "page booking booking-kiosk" in html and 'href="/kiosk/wanda-k1"' in html
        assert "js/place/booking.js" in html
