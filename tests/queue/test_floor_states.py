"""What the counter and the phone page say after a no-show, a transfer or a priority ticket:
the server's truth, nothing that tells a stranger why a ticket goes first or whose it is."""

from __future__ import annotations

from starlette.testclient import TestClient

from core.days.clock import ManualClock
from tests.conftest import Hall

ELDER = "110105195001011234"  # born 1950: green channel (senior)


def test_counter_last_ticket_and_reinstate_follow_the_server(
    client: TestClient, hall: Hall, kiosk: dict[str, str]
) -> None:
    clerk = hall.clerk_at("youyi-1")
    a = hall.take("general", kiosk)  # general requeues once, then voids
    hall.act("youyi-1", "call-next", clerk)
    after_first = hall.act("youyi-1", "no-show", clerk).json()
    assert after_first["last"] == {
        "number": a["number"], "service": "general", "status": "waiting", "requeued": True, "reinstatable": False
    }  # fmt: skip
    assert after_first["reinstatable"] == []  # put back, not voided: nothing to reinstate
    r = hall.act("youyi-1", "reinstate", clerk, number=a["number"], position="arrival")
    assert r.status_code == 409  # the page no longer offers this
    hall.act("youyi-1", "call-next", clerk)
    after_second = hall.act("youyi-1", "no-show", clerk).json()
    assert after_second["last"]["status"] == "no_show" and after_second["last"]["reinstatable"] is True
    assert after_second["reinstatable"] == [a["number"]]
    # the same truth after a reload of the page
    again = client.get("/api/v1/counters/youyi-1", headers=clerk).json()
    assert again["last"] == after_second["last"] and again["reinstatable"] == [a["number"]]
    r = hall.act("youyi-1", "reinstate", clerk, number=a["number"], position="arrival")
    assert r.status_code == 200
    assert r.json()["reinstatable"] == [] and r.json()["last"]["status"] == "waiting"


def test_phone_page_never_says_why_a_ticket_goes_first(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    t = hall.take("general", kiosk, id_number=ELDER)
    assert t["priority"] == "elderly"  # the kiosk's own answer may say so, to the holder in front of it
    api = client.get(f"/api/v1/tickets/{t['id']}").json()
    assert "priority" not in api and "id_masked" not in api
    html = client.get(f"/t/{t['id']}").text
    for telltale in ("elderly", "老年", "绿色通道", "1234", '"priority"'):
        assert telltale not in html, telltale


def test_phone_page_says_people_with_their_word(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    hall.clerk_at("youyi-1")
    hall.take("general", kiosk)
    second = hall.take("general", kiosk)
    third = hall.take("general", kiosk)
    assert '<dd id="t-ahead">1 人</dd>' in client.get(f"/t/{second['id']}").text
    assert '<dd id="t-ahead">1 person</dd>' in client.get(f"/t/{second['id']}?lang=en").text
    assert '<dd id="t-ahead">2 people</dd>' in client.get(f"/t/{third['id']}?lang=en").text


def test_phone_api_tells_a_missed_call_put_back(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    clerk = hall.clerk_at("youyi-1")
    t = hall.take("general", kiosk)
    hall.act("youyi-1", "call-next", clerk)
    hall.act("youyi-1", "no-show", clerk)
    view = client.get(f"/api/v1/tickets/{t['id']}").json()
    assert view["status"] == "waiting" and view["requeued"] is True and view["transferred"] is False


def test_hall_waiting_list_in_calling_order(
    client: TestClient, hall: Hall, kiosk: dict[str, str], clock: ManualClock
) -> None:
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor')}"}
    clerk = hall.clerk_at("youyi-1")
    first = hall.take("general", kiosk)
    clock.advance(minutes=5)
    elder = hall.take("general", kiosk, id_number=ELDER)  # 5 minutes later, 20 minutes of bonus
    view = client.get("/api/v1/sites/youyi/hall", headers=sup).json()
    assert [w["number"] for w in view["waiting"]] == [elder["number"], first["number"]]
    assert view["waiting"][0]["priority"] == "elderly"  # the staff page marks it
    called = hall.act("youyi-1", "call-next", clerk).json()["ticket"]["number"]
    assert called == view["waiting"][0]["number"]  # the list said who is called next


def test_phone_page_in_english_names_the_site_in_english(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    t = hall.take("general", kiosk)
    html = client.get(f"/t/{t['id']}?lang=en").text
    assert "Youyi Road Subdistrict" in html and "友谊路" not in html
