"""The site websocket: snapshot first, live events in order, replay with ``since``."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import Hall

ID_NUMBER = "110105195001011234"


def recv(ws: Any) -> dict[str, Any]:
    return dict(json.loads(ws.receive_text()))


def test_snapshot_then_live_events(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    clerk = hall.clerk_at("youyi-1")
    with client.websocket_connect("/ws/sites/youyi") as ws:
        snap = recv(ws)
        assert snap["type"] == "snapshot" and snap["seq"] == 1  # the counter opening
        assert {c["id"] for c in snap["data"]["counters"]} >= {"youyi-1"}
        assert snap["data"]["recent"] == []
        hall.take("general", kiosk, id_number=ID_NUMBER)
        issued = recv(ws)
        assert issued["type"] == "ticket.issued" and issued["seq"] == 2 and issued["site"] == "youyi"
        assert issued["data"]["ticket"]["number"] == "A001" and "+08:00" in issued["at"]
        hall.act("youyi-1", "call-next", clerk)
        called = recv(ws)
        assert called["type"] == "ticket.called" and called["seq"] == 3
        assert called["data"]["ticket"]["counter"] == {"id": "youyi-1", "number": 1}
        assert called["data"]["waiting"]["general"] == 0
        for message in (issued, called):
            text = json.dumps(message)
            assert ID_NUMBER not in text and "1234" not in text and "clerk" not in text


def test_replay_after_reconnect_in_order_exactly_once(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    clerk = hall.clerk_at("youyi-1")
    hall.take("general", kiosk)
    with client.websocket_connect("/ws/sites/youyi") as ws:
        last = recv(ws)["seq"]
    # the display is offline while these happen
    hall.take("general", kiosk)
    hall.act("youyi-1", "call-next", clerk)
    hall.act("youyi-1", "recall", clerk)
    with client.websocket_connect(f"/ws/sites/youyi?since={last}") as ws:
        snap = recv(ws)
        missed = [recv(ws) for _ in range(snap["seq"] - last)]
        assert [m["seq"] for m in missed] == list(range(last + 1, snap["seq"] + 1))
        assert [m["type"] for m in missed] == ["ticket.issued", "ticket.called", "ticket.recalled"]
        assert snap["data"]["recent"][0]["type"] == "ticket.recalled"
        hall.act("youyi-1", "done", clerk)
        live = [recv(ws), recv(ws)]
        assert [m["seq"] for m in live] == [snap["seq"] + 1, snap["seq"] + 2]
        assert [m["type"] for m in live] == ["ticket.serving", "ticket.done"]


def test_unknown_site_is_refused(client: TestClient) -> None:
    from starlette.websockets import WebSocketDisconnect

    try:
        with client.websocket_connect("/ws/sites/nowhere") as ws:
            ws.receive_text()
        raise AssertionError("expected a close")
    except WebSocketDisconnect as e:
        assert e.code == 4404


def test_a_stalled_subscriber_is_dropped_not_waited_for() -> None:
    from web.live.hub import QUEUE_SIZE, Hub

    hub = Hub()
    slow, fast = hub.subscribe("youyi"), hub.subscribe("youyi")
    import datetime as dt

    from core.events import Event

    for seq in range(1, QUEUE_SIZE + 5):
        hub.publish([Event("youyi", seq, "ticket.issued", dt.datetime(2026, 5, 13), {})])
        if fast.queue.qsize() > 10:
            while not fast.queue.empty():
                fast.queue.get_nowait()
    assert slow.overflowed and slow.queue.get_nowait() is None
    assert not fast.overflowed
