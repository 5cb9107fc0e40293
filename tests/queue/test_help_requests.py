"""Help requests (帮办): open -> claimed by one named staff member -> closed, seen by all staff,
role-checked per site, and no staff name on public sockets."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from core.errors import HelpTaken
from core.queue import help_requests
from tests.conftest import Hall

HELP = "/api/v1/sites/youyi/help"


def recv(ws: Any) -> dict[str, Any]:
    return dict(json.loads(ws.receive_text()))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def press(client: TestClient, kiosk: dict[str, str]) -> int:
    r = client.post(HELP, json={}, headers=kiosk)
    assert r.status_code == 202, r.text
    assert "by" not in json.dumps(r.json())  # the kiosk is told no staff name
    return int(r.json()["help"]["id"])


def test_claimed_by_one_seen_by_all_then_closed(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    ann, bob = bearer(hall.user("ann")), bearer(hall.user("bob", "supervisor"))
    help_id = press(client, kiosk)
    assert client.get(HELP, headers=bob).json()[0]["status"] == "open"
    r = client.post(f"{HELP}/{help_id}/claim", headers=ann)
    assert r.status_code == 200 and r.json()["claimed_by"] == "ann" and r.json()["status"] == "claimed"
    # the second person is told who has it
    r = client.post(f"{HELP}/{help_id}/claim", headers=bob)
    assert r.status_code == 409 and r.json()["error"]["code"] == "help_taken"
    assert r.json()["error"]["claimed_by"] == "ann" and "ann" in r.json()["error"]["message"]
    # everyone sees it claimed: the list and the hall view
    assert client.get(HELP, headers=bob).json()[0]["claimed_by"] == "ann"
    view = client.get("/api/v1/sites/youyi/hall", headers=bob).json()
    assert [(h["id"], h["status"], h["claimed_by"]) for h in view["help"]] == [(help_id, "claimed", "ann")]
    r = client.post(f"{HELP}/{help_id}/close", headers=ann)
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["closed_by"] == "ann"
    # closing twice or claiming a closed one: a clear answer, nothing changes
    for action in ("close", "claim"):
        r = client.post(f"{HELP}/{help_id}/{action}", headers=bob)
        assert r.status_code == 409 and r.json()["error"]["code"] == "help_closed"
    assert client.get(HELP, headers=bob).json()[0]["closed_by"] == "ann"


def test_two_claim_at_once_one_wins(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    help_id = press(client, kiosk)
    store = hall.hall.store

    def claim(name: str) -> str:
        try:
            return store.write_sync(help_requests.claim, "youyi", help_id, name).claimed_by or ""
        except HelpTaken as e:
            return f"taken by {e.details['claimed_by']}"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(claim, [f"clerk{i}" for i in range(8)]))
    winners = [r for r in results if not r.startswith("taken")]
    assert len(winners) == 1
    assert results.count(f"taken by {winners[0]}") == 7


def test_roles_sites_and_bad_ids(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    help_id = press(client, kiosk)
    other_site = bearer(hall.user("wu", "clerk", "wusong"))
    other_kiosk = bearer(hall.device("wusong-k1"))
    display = bearer(hall.device("youyi-d1"))
    for headers in (other_site, other_kiosk, display, kiosk):
        assert client.post(f"{HELP}/{help_id}/claim", headers=headers).status_code == 403
        assert client.post(f"{HELP}/{help_id}/close", headers=headers).status_code == 403
        assert client.get(HELP, headers=headers).status_code == 403
    assert client.post(f"{HELP}/{help_id}/claim").status_code == 401
    # a clerk of wusong cannot reach youyi's request through their own site either
    r = client.post(f"/api/v1/sites/wusong/help/{help_id}/claim", headers=other_site)
    assert r.status_code == 404 and r.json()["error"]["code"] == "help_not_found"
    ann = bearer(hall.user("ann"))
    for bad in ("999", "abc", "1e3", "99999999999999999999999", "-1", "１"):
        r = client.post(f"{HELP}/{bad}/claim", headers=ann)
        assert r.status_code == 404 and r.json()["error"]["code"] == "help_not_found", bad
    assert client.post(f"{HELP}/{help_id}/claim", headers=ann, json={"x": 1}).status_code == 422
    assert client.get(HELP, headers=ann).json()[0]["status"] == "open"  # nothing changed


def test_a_flood_of_presses_is_one_alert(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    with client.websocket_connect("/ws/sites/youyi") as ws:
        recv(ws)
        ids = {press(client, kiosk) for _ in range(30)}
        assert len(ids) == 1
        assert recv(ws)["type"] == "help.requested"
        # the next event is the next one: no second alert was published for the 29 presses
        ann = bearer(hall.user("ann"))
        client.post(f"{HELP}/{ids.pop()}/close", headers=ann)
        assert recv(ws)["type"] == "help.closed"
    assert len(client.get(HELP, headers=ann).json()) == 1
    # staff raising requests (no kiosk) are capped per site
    codes = [client.post(HELP, json={}, headers=ann).status_code for _ in range(help_requests.LIVE_LIMIT + 1)]
    assert codes[:-1] == [202] * help_requests.LIVE_LIMIT
    r = client.post(HELP, json={}, headers=ann)
    assert r.status_code == 409 and r.json()["error"]["code"] == "too_many_help_requests"


def test_staff_names_only_on_staff_sockets(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    token = hall.user("ann")
    help_id = press(client, kiosk)
    with (
        client.websocket_connect("/ws/sites/youyi") as public,
        client.websocket_connect("/ws/sites/youyi", subprotocols=["hall.staff", token]) as staff,
    ):
        recv(public), recv(staff)
        client.post(f"{HELP}/{help_id}/claim", headers=bearer(token))
        pub, st = recv(public), recv(staff)
        assert pub["type"] == st["type"] == "help.claimed"
        assert pub["data"] == {"help": help_id, "kiosk": "youyi-k1", "kiosk_name": "1号自助机", "status": "claimed"}
        assert "ann" not in json.dumps(pub)
        assert st["data"]["by"] == "ann" and st["data"]["status"] == "claimed"
        last = pub["seq"]
    client.post(f"{HELP}/{help_id}/close", headers=bearer(token))
    # replay after a reconnect keeps the difference
    with client.websocket_connect(f"/ws/sites/youyi?since={last - 1}") as public:
        recv(public)
        missed = [recv(public), recv(public)]
        assert [m["type"] for m in missed] == ["help.claimed", "help.closed"]
        assert "ann" not in json.dumps(missed)
    with client.websocket_connect(f"/ws/sites/youyi?since={last - 1}", subprotocols=["hall.staff", token]) as staff:
        recv(staff)
        assert [recv(staff)["data"]["by"] for _ in range(2)] == ["ann", "ann"]


@pytest.mark.parametrize("who", ["other-site", "device", "nonsense"])
def test_a_staff_socket_needs_staff_of_the_site(client: TestClient, hall: Hall, who: str) -> None:
    token = {
        "other-site": lambda: hall.user("wu", "clerk", "wusong"),
        "device": lambda: hall.device("youyi-d1"),
        "nonsense": lambda: "not-a-token",
    }[who]()
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect("/ws/sites/youyi", subprotocols=["hall.staff", token]) as ws,
    ):
        recv(ws)
    assert closed.value.code == 4401


def test_district_supervisors_handle_any_site_clerks_only_their_own(
    client: TestClient, hall: Hall, kiosk: dict[str, str]
) -> None:
    help_id = press(client, kiosk)
    district = hall.user("dee", "supervisor", None)  # a supervisor of the whole district
    r = client.post(f"{HELP}/{help_id}/claim", headers=bearer(district))
    assert r.status_code == 200 and r.json()["claimed_by"] == "dee"
    with client.websocket_connect("/ws/sites/youyi", subprotocols=["hall.staff", district]) as ws:
        assert recv(ws)["type"] == "snapshot"
    wu = bearer(hall.user("wu", "clerk", "wusong"))
    assert client.post(HELP, json={}, headers=wu).status_code == 403  # a clerk of another site cannot raise one here
