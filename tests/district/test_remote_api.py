"""Remote tickets over HTTP: who may take one (a phone, a place kiosk), what is refused, the limits,
and check-in at the site's kiosk by the ticket's QR, a typed ID number or the ID card."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import Hall
from tests.devices.test_kiosk_link import HEALTHY, agent, page, until
from tests.district.test_remote_queue import FULLWIDTH, OTHER, RESIDENT

URL = "/api/v1/sites/youyi/remote-tickets"


def take(client: TestClient, headers: dict[str, str] | None = None, **body: Any) -> Any:
    return client.post(URL, json={"service": "general", "id_number": RESIDENT, **body}, headers=headers or {})


def test_a_phone_takes_one_and_a_kiosk_checks_it_in(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    r = take(client, phone="13800138000")
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["status"] == "remote" and t["arrive_by"] == "2026-05-13T10:30:00+08:00"
    assert t["track_url"] == f"http://testserver/t/{t['id']}" and t["people_ahead"] == 0
    assert RESIDENT not in r.text
    seen = client.get(f"/api/v1/tickets/{t['id']}").json()
    assert seen["status"] == "remote" and seen["arrive_by"] == t["arrive_by"] and seen["site_address"]
    checked = client.post("/api/v1/sites/youyi/check-in", json={"ticket": t["id"]}, headers=kiosk)
    assert checked.status_code == 201, checked.text
    assert checked.json()["status"] == "waiting" and checked.json()["appointment"] is None
    assert checked.json()["number"] == t["number"]


def test_refused_inputs_and_closed_services(client: TestClient) -> None:
    bad = take(client, id_number="110105199003071230")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_id_number"
    assert take(client, phone="12345").json()["error"]["code"] == "invalid_phone"
    assert take(client, id_number=None).status_code == 422
    assert take(client, extra=1).status_code == 422
    closed = take(client, service="elderly")
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "remote_closed"
    marriage = client.post("/api/v1/sites/registry/remote-tickets", json={"service": "marriage", "id_number": RESIDENT})
    assert marriage.status_code == 409 and marriage.json()["error"]["code"] == "remote_closed"
    assert take(client, service="nope").status_code == 404


def test_one_a_day_whatever_the_digits(client: TestClient) -> None:
    assert take(client).status_code == 201
    again = client.post(
        "/api/v1/sites/wusong/remote-tickets", json={"service": "social", "id_number": RESIDENT.translate(FULLWIDTH)}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "remote_held"
    assert "/t/" not in again.text  # the number and the center, never the link


def test_only_phones_and_place_kiosks(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    clerk = {"Authorization": f"Bearer {hall.user('remote-clerk')}"}
    display = {"Authorization": f"Bearer {hall.device('youyi-d1')}"}
    for headers in (clerk, display, kiosk):  # a center's own kiosk takes normal numbers
        r = take(client, headers)
        assert r.status_code == 403, r.text
    place = {"Authorization": f"Bearer {hall.device('wanda-k1')}"}
    r = take(client, place)
    assert r.status_code == 201, r.text
    assert r.json()["print"]  # the place kiosk is told whether its slip printed
    # the place kiosk checks nobody in at a center; another center's kiosk neither
    wusong = {"Authorization": f"Bearer {hall.device('wusong-k1')}"}
    for headers in (place, wusong):
        assert (
            client.post("/api/v1/sites/youyi/check-in", json={"ticket": r.json()["id"]}, headers=headers).status_code
            == 403
        )
    elsewhere = client.post("/api/v1/sites/wusong/check-in", json={"ticket": r.json()["id"]}, headers=wusong)
    assert elsewhere.status_code == 404


def test_per_address_and_per_identity_rates(client: TestClient, hall: Hall) -> None:
    limits = hall.hall.config.limits
    codes = [take(client, id_number=OTHER).status_code for _ in range(limits.tickets_per_identity_per_hour + 1)]
    assert codes[0] == 201 and codes[-1] == 429
    hall.hall.limits.forget("id:")
    answers = [take(client, id_number=RESIDENT).status_code for _ in range(limits.bookings_per_address_per_minute)]
    assert answers[-1] == 429


def test_check_in_by_typed_id_and_by_card(client: TestClient, hall: Hall) -> None:
    token = hall.device("youyi-k1")
    kiosk = {"Authorization": f"Bearer {token}"}
    mine = take(client).json()
    other = take(client, id_number=OTHER).json()
    typed = client.post(
        "/api/v1/sites/youyi/check-in", json={"id_number": RESIDENT.translate(FULLWIDTH)}, headers=kiosk
    )
    assert typed.status_code == 201 and typed.json()["id"] == mine["id"] and typed.json()["status"] == "waiting"
    with agent(client, token) as a, page(client, token) as p:
        a.send_text(json.dumps(HEALTHY))
        until(p, "agent")
        a.send_text(json.dumps({"type": "card", "source": "idmodule", "id_number": OTHER, "name": "赵六"}))
        card = until(p, "identity")["card"]
        r = client.post("/api/v1/sites/youyi/check-in", json={"card": card}, headers=kiosk)
    assert r.status_code == 201, r.text
    assert r.json()["id"] == other["id"] and r.json()["status"] == "waiting"
    both = client.post("/api/v1/sites/youyi/check-in", json={"ticket": mine["id"], "code": "X"}, headers=kiosk)
    assert both.status_code == 422
    unknown = client.post("/api/v1/sites/youyi/check-in", json={"ticket": "nope"}, headers=kiosk)
    assert unknown.status_code == 404


def test_the_tickets_qr_scanned_at_a_center_without_bookings(client: TestClient, hall: Hall) -> None:
    """友谊路 takes no bookings, so its kiosk has no check-in screen: the remote ticket's QR (its phone
    link) scanned there reaches the page as a ticket to check in, and checks it in."""
    token = hall.device("youyi-k1")
    mine = take(client).json()
    with agent(client, token) as a, page(client, token) as p:
        a.send_text(json.dumps(HEALTHY))
        until(p, "agent")
        a.send_text(json.dumps({"type": "scan", "data": mine["track_url"] + "\r"}))
        scanned = until(p, "scan")
    assert scanned == {"type": "scan", "kind": "ticket", "data": mine["id"]}
    r = client.post("/api/v1/sites/youyi/check-in", json={"ticket": scanned["data"]},
                    headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert r.status_code == 201 and r.json()["status"] == "waiting" and r.json()["number"] == mine["number"]
