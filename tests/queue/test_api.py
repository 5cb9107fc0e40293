"""The HTTP API of SPEC 7 against the real app and a real SQLite file."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Hall


def test_sites_and_detail(client: TestClient) -> None:
    sites = client.get("/api/v1/sites").json()
    assert len(sites) == 17 and sum(s["kind"] == "community" for s in sites) == 16
    assert all({"id", "name", "kind", "open_now"} <= set(s) for s in sites)
    d = client.get("/api/v1/sites/youyi").json()
    assert d["counters"][0].keys() >= {"id", "number", "services", "state"}
    assert d["kiosks"] and d["displays"]
    svcs = client.get("/api/v1/sites/youyi/services").json()
    assert {s["id"] for s in svcs} == {"general", "social", "elderly", "certificate", "consult"}
    assert all(s["estimated_wait_minutes"] is None for s in svcs)  # no counter open yet


def test_issue_call_serve_done(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    t = hall.take("general", kiosk)
    assert t["number"] == "A001" and t["status"] == "waiting" and t["people_ahead"] == 0
    assert t["track_url"].endswith(f"/t/{t['id']}")
    clerk = hall.clerk_at("youyi-1")
    r = hall.act("youyi-1", "call-next", clerk)
    assert r.status_code == 200 and r.json()["ticket"]["number"] == "A001" and r.json()["reason"]
    assert client.get(f"/api/v1/tickets/{t['id']}").json()["counter"]["number"] == 1
    assert hall.act("youyi-1", "start", clerk).status_code == 200
    assert hall.act("youyi-1", "done", clerk).json()["ticket"]["status"] == "done"
    r = hall.act("youyi-1", "call-next", clerk)
    assert r.status_code == 200 and r.json()["ticket"] is None


def test_people_ahead_and_estimate(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    hall.clerk_at("youyi-1")
    for _ in range(3):
        hall.take("general", kiosk)
    t = hall.take("general", kiosk)
    assert t["people_ahead"] == 3
    assert isinstance(t["estimated_wait_minutes"], int) and t["estimated_wait_minutes"] > 0


def test_counter_actions_need_the_signed_in_clerk(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    hall.take("general", kiosk)
    hall.clerk_at("youyi-1", "ann")
    bob = {"Authorization": f"Bearer {hall.user('bob')}"}
    assert hall.act("youyi-1", "call-next", bob).status_code == 403
    other_site = {"Authorization": f"Bearer {hall.user('carl', site='wusong')}"}
    assert hall.act("youyi-2", "open", other_site).status_code == 403
    assert hall.act("youyi-1", "call-next", {}).json()["error"]["code"] == "unauthenticated"
    assert hall.act("youyi-1", "open", bob).json()["error"]["code"] == "counter_taken"


def test_kiosk_only_for_its_own_site(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    r = client.post("/api/v1/sites/wusong/tickets", json={"service": "general"}, headers=kiosk)
    assert r.status_code == 403
    display = {"Authorization": f"Bearer {hall.device('youyi-d1')}"}
    assert client.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=display).status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b'{"service": 5}', 422, "invalid_input"),
        (b'{"service": "general", "extra": 1}', 422, "invalid_input"),
        (b'{"service": "nope"}', 404, "unknown_service"),
        (b'{"service": "general", "id_number": "110105199003071230"}', 422, "invalid_id_number"),
        (b'{"service": "general", "priority": "vip"}', 422, "invalid_input"),
        (b'{"service": "general", "id_number": "' + b"1" * 20000 + b'"}', 413, "body_too_large"),
        (b"[]", 422, "invalid_input"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    client: TestClient, kiosk: dict[str, str], body: bytes, status: int, code: str
) -> None:
    before = client.get("/api/v1/sites/youyi/services").json()
    r = client.post("/api/v1/sites/youyi/tickets", content=body, headers={**kiosk, "Content-Type": "application/json"})
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message"]
    assert client.get("/api/v1/sites/youyi/services").json() == before


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/sites/nowhere", 404),
        ("GET", "/api/v1/tickets/no-such-ticket", 404),
        ("POST", "/api/v1/counters/nope/call-next", 404),
        ("GET", "/api/v1/no/such/route", 404),
        ("DELETE", "/api/v1/sites", 405),
    ],
)
def test_unknown_ids_get_json_errors(client: TestClient, method: str, path: str, status: int) -> None:
    r = client.request(method, path)
    assert r.status_code == status
    assert r.json()["error"]["code"]


def test_counter_bad_bodies(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    clerk = hall.clerk_at("youyi-1")
    assert hall.act("youyi-1", "pause", clerk, reason="lunch").status_code == 422
    assert hall.act("youyi-1", "transfer", clerk, service="social").json()["error"]["code"] == "no_current_ticket"
    hall.take("general", kiosk)
    hall.act("youyi-1", "call-next", clerk)
    r = hall.act("youyi-1", "transfer", clerk, service="social", counter="youyi-2")
    assert r.status_code == 422
    r = hall.act("youyi-1", "transfer", clerk, service="marriage")
    assert r.status_code == 404
    assert hall.act("youyi-1", "pause", clerk, reason="break").json()["error"]["code"] == "counter_busy"


def test_existing_ticket_is_returned_for_the_same_identity(
    client: TestClient, hall: Hall, kiosk: dict[str, str]
) -> None:
    a = client.post(
        "/api/v1/sites/youyi/tickets", json={"service": "social", "id_number": "110105195001011234"}, headers=kiosk
    )
    b = client.post(
        "/api/v1/sites/youyi/tickets", json={"service": "social", "id_number": "110105195001011234"}, headers=kiosk
    )
    assert (a.status_code, b.status_code) == (201, 200)
    assert a.json()["id"] == b.json()["id"] and b.json()["existing"] is True
    assert a.json()["priority"] == "elderly" and a.json()["id_masked"].endswith("1234")
    assert "110105195001011234" not in a.text


def test_login_and_logout(client: TestClient, hall: Hall) -> None:
    token = hall.user("ann")
    r = client.post("/api/v1/auth/token", json={"username": "ann", "password": "wrong-password"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_credentials"
    h = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/auth/logout", headers=h).status_code == 204
    assert client.post("/api/v1/counters/youyi-1/open", headers=h).status_code == 401


def test_openapi(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/sites/{site}/tickets" in doc["paths"]
    assert "/api/v1/counters/{counter}/call-next" in doc["paths"]


def test_200_concurrent_tickets_get_distinct_numbers(client: TestClient, kiosk: dict[str, str]) -> None:
    results: list[Any] = []
    lock = threading.Lock()

    def take() -> None:
        r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=kiosk)
        with lock:
            results.append(r)

    threads = [threading.Thread(target=take) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 201 for r in results)
    assert len({r.json()["number"] for r in results}) == 200


def test_counter_view_lists_tickets_sent_to_it_from_other_services(
    client: TestClient, hall: Hall, kiosk: dict[str, str]
) -> None:
    ann = hall.clerk_at("youyi-1")
    hall.take("general", kiosk)
    hall.act("youyi-1", "call-next", ann)
    certificate = next(
        k["id"] for k in client.get("/api/v1/sites/youyi").json()["counters"] if "general" not in k["services"]
    )
    hall.act("youyi-1", "transfer", ann, counter=certificate)
    bob = hall.clerk_at(certificate, "bob")
    listed = client.get(f"/api/v1/counters/{certificate}", headers=bob).json()["waiting"]
    assert [w["number"] for w in listed] == ["A001"] and listed[0]["target_counter"] == certificate
