"""The kiosk link in-process: agent and page sockets, card tokens, print jobs and acks."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from core import devices
from tests.conftest import Hall

ELDER = "310113194803071223"  # born 1948: green channel
YOUNG = "110105199003071239"
HEALTHY = {
    "type": "health",
    "version": "1.0.0",
    "printer": {"online": True, "paper": "ok", "configured": True},
    "reader": {"kind": "idmodule", "present": True},
    "scanner": {"kind": "serial", "present": True},
}


def recv(ws: Any) -> dict[str, Any]:
    return dict(json.loads(ws.receive_text()))


@contextmanager
def agent(client: TestClient, token: str, kiosk: str = "youyi-k1") -> Iterator[Any]:
    with client.websocket_connect(f"/ws/kiosks/{kiosk}", headers={"Authorization": f"Bearer {token}"}) as ws:
        assert recv(ws)["type"] == "welcome"
        ws.send_text(json.dumps({"type": "hello", "version": "1.0.0"}))
        yield ws


@contextmanager
def page(client: TestClient, token: str, kiosk: str = "youyi-k1") -> Iterator[Any]:
    with client.websocket_connect(f"/ws/kiosks/{kiosk}/page?token={token}") as ws:
        assert recv(ws)["type"] == "agent"
        yield ws


def until(ws: Any, kind: str) -> dict[str, Any]:
    for _ in range(10):
        message = recv(ws)
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message")


@pytest.fixture
def token(hall: Hall) -> str:
    return hall.device("youyi-k1")


def overview(hall: Hall, device: str) -> dict[str, Any]:
    sites = hall.hall.store.read_sync(devices.overview, ["youyi"])
    return next(d for d in sites[0]["devices"] if d["id"] == device)


def test_refused_without_the_kiosks_token(client: TestClient, hall: Hall, token: str) -> None:
    other = hall.device("youyi-k2")
    display = hall.device("youyi-d1")
    cases = [({}, 4401), ({"Authorization": "Bearer nope"}, 4401), ({"Authorization": f"Bearer {other}"}, 4403),
             ({"Authorization": f"Bearer {display}"}, 4403)]  # fmt: skip
    for headers, code in cases:
        with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/ws/kiosks/youyi-k1",
                                                                                   headers=headers) as ws:  # fmt: skip
            ws.receive_text()
        assert closed.value.code == code
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect(f"/ws/kiosks/youyi-k1/page?token={other}") as ws,
    ):
        ws.receive_text()
    assert closed.value.code == 4403


def test_card_to_page_to_ticket_to_printed_slip(client: TestClient, hall: Hall, token: str) -> None:
    kiosk = {"Authorization": f"Bearer {token}"}
    with agent(client, token) as a, page(client, token) as p:
        a.send_text(json.dumps(HEALTHY))
        state = until(p, "agent")
        assert state == {"type": "agent", "online": True, "printer": True, "printer_configured": True, "paper": "ok",
                         "reader": True, "scanner": True}  # fmt: skip
        a.send_text(json.dumps({"type": "card", "source": "idmodule", "id_number": ELDER, "name": "王秀英",
                                "birth_date": "1948-03-07", "address": "上海市宝山区"}))  # fmt: skip
        ident = until(p, "identity")
        assert ident["masked"] == "**************1223" and ident["name_masked"] == "王**" and ident["green"] is True
        assert ELDER not in json.dumps(ident) and "秀英" not in json.dumps(ident)

        r = client.post(
            "/api/v1/sites/youyi/tickets", json={"service": "general", "card": ident["card"]}, headers=kiosk
        )
        assert r.status_code == 201, r.text
        ticket = r.json()
        assert ticket["priority"] == "elderly" and ticket["id_masked"] == "**************1223"
        assert ticket["print"]["status"] == "sent"
        job = recv(a)
        assert job["type"] == "print" and job["kind"] == "ticket" and job["job"] == ticket["print"]["job"]
        assert job["slip"]["number"] == ticket["number"] and job["slip"]["service_name"] == "综合受理"
        assert job["slip"]["id_masked"] == "**************1223" and ELDER not in json.dumps(job)
        a.send_text(json.dumps({"type": "ack", "job": job["job"], "status": "printed", "reason": None}))
        assert until(p, "print") == {"type": "print", "job": job["job"], "status": "printed", "reason": None}

        # the token was used once
        again = client.post(
            "/api/v1/sites/youyi/tickets", json={"service": "social", "card": ident["card"]}, headers=kiosk
        )
        assert again.status_code == 410 and again.json()["error"]["code"] == "card_expired"
        a.send_text(json.dumps({"type": "card_removed"}))
        assert until(p, "identity_removed") == {"type": "identity_removed"}
    info = overview(hall, "youyi-k1")
    assert info["printed_today"] == 1 and info["version"] == "1.0.0"


def test_card_tokens_expire_and_stay_at_their_kiosk(client: TestClient, hall: Hall, token: str) -> None:
    kiosk = {"Authorization": f"Bearer {token}"}
    links = hall.hall.kiosks
    ident = devices.card_identity(hall.hall.config, hall.hall.clock.now(), YOUNG, "李明")
    card = links.hold("youyi-k1", ident)
    other = {"Authorization": f"Bearer {hall.device('youyi-k2')}"}
    r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general", "card": card}, headers=other)
    assert r.status_code == 410
    both = client.post("/api/v1/sites/youyi/tickets", json={"service": "general", "card": card, "id_number": YOUNG},
                       headers=kiosk)  # fmt: skip
    assert both.status_code == 422
    now = links.timer()
    links.timer = lambda: now + 121
    r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general", "card": card}, headers=kiosk)
    assert r.status_code == 410
    clerk = {"Authorization": f"Bearer {hall.user('ann')}"}
    links.timer = lambda: now
    r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general", "card": card}, headers=clerk)
    assert r.status_code == 422  # card tokens are a kiosk's


def test_no_agent_or_failed_print_means_mobile_ticket(client: TestClient, hall: Hall, token: str) -> None:
    kiosk = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=kiosk)
    assert r.json()["print"] == {"job": None, "status": "unavailable", "reason": "agent_offline"}
    with agent(client, token) as a, page(client, token) as p:
        a.send_text(json.dumps(HEALTHY))
        until(p, "agent")
        r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=kiosk)
        job = recv(a)
        a.send_text(json.dumps({"type": "ack", "job": job["job"], "status": "failed", "reason": "unreachable"}))
        assert until(p, "print")["status"] == "failed"
        assert overview(hall, "youyi-k1")["state"] == "fault"  # marked unhealthy at once
        unplugged = {**HEALTHY, "printer": {"online": False, "paper": "unknown", "error": "unreachable"}}
        a.send_text(json.dumps(unplugged))
        assert until(p, "agent")["printer"] is False
        r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=kiosk)
        assert r.json()["print"] == {"job": None, "status": "unavailable", "reason": "printer_offline"}
    assert overview(hall, "youyi-k1")["failed_today"] == 1


def test_unacknowledged_jobs_fail(client: TestClient, hall: Hall, token: str) -> None:
    hall.hall.kiosks.job_timeout = 0.2
    kiosk = {"Authorization": f"Bearer {token}"}
    with agent(client, token) as a, page(client, token) as p:
        r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=kiosk)
        assert recv(a)["type"] == "print"
        message = until(p, "print")
        assert message["job"] == r.json()["print"]["job"] and message["reason"] == "no_ack"


def test_scans_booking_codes_and_opaque_codes(client: TestClient, hall: Hall, token: str) -> None:
    with agent(client, token) as a, page(client, token) as p:
        a.send_text(json.dumps({"type": "scan", "data": "k7pq2mxa\n"}))
        assert until(p, "scan") == {"type": "scan", "kind": "booking", "data": "K7PQ2MXA"}
        a.send_text(json.dumps({"type": "scan", "data": "SSM:0f1e2d3c4b5a"}))
        assert until(p, "scan") == {"type": "scan", "kind": "unknown", "data": None}

        class City:
            def resolve(self, payload: str) -> str | None:
                return YOUNG if payload == "SSM:known" else None

        hall.hall.kiosks.resolver = City()
        a.send_text(json.dumps({"type": "scan", "data": "SSM:known"}))
        ident = until(p, "identity")
        assert ident["masked"].endswith("1239") and ident["green"] is False
        a.send_text(json.dumps({"type": "card", "source": "pcsc", "uid": "DEADBEEF"}))
        assert until(p, "identity_error")["reason"] == "no_identity"
        a.send_text(json.dumps({"type": "card", "source": "idmodule", "id_number": "110105199003071230"}))
        assert until(p, "identity_error")["reason"] == "invalid"


def test_print_a_guide_at_this_kiosk(client: TestClient, hall: Hall, token: str) -> None:
    kiosk = {"Authorization": f"Bearer {token}"}
    body = {"kind": "guide", "service": "social", "matter": "社会保障卡补换"}
    r = client.post("/api/v1/kiosks/youyi-k1/print", json=body, headers=kiosk)
    assert r.status_code == 409 and r.json()["error"]["reason"] == "agent_offline"
    with agent(client, token) as a:
        r = client.post("/api/v1/kiosks/youyi-k1/print", json=body, headers=kiosk)
        assert r.status_code == 202, r.text
        job = recv(a)
        assert (
            job["kind"] == "guide" and job["slip"]["matters"][0]["documents"][0] == "居民身份证原件（可用电子证照免交）"
        )
        bad = client.post("/api/v1/kiosks/youyi-k1/print", json={**body, "matter": "nope"}, headers=kiosk)
        assert bad.status_code == 422
    r = client.post("/api/v1/kiosks/youyi-k2/print", json=body, headers=kiosk)
    assert r.status_code == 403


def test_offline_after_thirty_silent_seconds(client: TestClient, hall: Hall, token: str, clock: Any) -> None:
    with agent(client, token) as a, page(client, token) as p:
        a.send_text(json.dumps(HEALTHY))
        until(p, "agent")
    assert overview(hall, "youyi-k1")["state"] == "ok"
    assert overview(hall, "youyi-k2")["state"] == "offline" and overview(hall, "youyi-k2")["last_seen"] is None
    clock.advance(seconds=31)
    assert overview(hall, "youyi-k1")["state"] == "offline"


def test_the_agent_link_survives_any_frame(client: TestClient, hall: Hall, token: str) -> None:
    kiosk = {"Authorization": f"Bearer {token}"}
    with agent(client, token) as a, page(client, token) as p:
        a.send_bytes(b"\x00\xff binary")
        a.send_bytes(json.dumps(HEALTHY).encode())  # JSON, but in a binary frame: still ignored
        for junk in ("not json", "[1, 2]", "null", '"health"', "x" * 100_000, '{"type": "nope"}', '{"no": "type"}',
                     '{"type": "health", "printer": "on", "reader": [], "version": {"a": 1}}',
                     '{"type": "ack", "job": true, "status": "printed"}', '{"type": "ack", "job": "1"}',
                     '{"type": "card", "id_number": 123, "name": ["x"]}', '{"type": "scan", "data": 5}'):  # fmt: skip
            a.send_text(junk)
        a.send_text(json.dumps(HEALTHY))  # the link is still served
        state = until(p, "agent")
        while state["printer"] is not True:
            state = until(p, "agent")
        r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=kiosk)
        job = recv(a)
        assert job["type"] == "print" and job["job"] == r.json()["print"]["job"]
        a.send_text(json.dumps({"type": "ack", "job": job["job"], "status": "failed", "reason": "paper_out"}))
        assert until(p, "print") == {"type": "print", "job": job["job"], "status": "failed", "reason": "paper_out"}
    assert overview(hall, "youyi-k1")["failed_today"] == 1


def test_the_page_socket_survives_any_frame_and_notices_its_page_leave(
    client: TestClient, hall: Hall, token: str
) -> None:
    """The page sends nothing the server uses; after a binary or junk frame the page is still served
    and its leaving is noticed. (In-process the test client ends the handler on close, so this does
    not show the old watcher's death on a binary frame; it guards the behaviour.)"""
    links = client.app.state.hall.kiosks  # type: ignore[attr-defined]
    with agent(client, token) as a:
        with page(client, token) as p:
            p.send_bytes(b"\x00\xff" * 100)
            p.send_text("not json")
            a.send_text(json.dumps(HEALTHY))
            assert until(p, "agent")["online"] is True  # still served
        deadline = time.monotonic() + 5
        while links.kiosk("youyi-k1").pages and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not links.kiosk("youyi-k1").pages
