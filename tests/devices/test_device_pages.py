"""``/admin/devices``: supervisors and admins only; every kiosk and display with its state."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.conftest import Hall
from tests.supervision.test_pages import sign_in

HEALTH = {"type": "health", "version": "1.0.0", "printer": {"online": True, "paper": "near_end"},
          "reader": {"kind": "pcsc", "present": False}}  # fmt: skip


def test_guarded_like_the_admin_pages(client: TestClient, hall: Hall) -> None:
    r = client.get("/admin/devices", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/counter?next=/admin/devices"
    assert client.get("/admin/devices.json").status_code == 403
    sign_in(client, "clerk-d")
    assert client.get("/admin/devices").status_code == 403
    assert client.get("/admin/devices.json").status_code == 403


def test_supervisor_sees_the_sites_kiosks_and_displays(client: TestClient, hall: Hall) -> None:
    token = hall.device("youyi-k1")
    with (
        client.websocket_connect("/ws/kiosks/youyi-k1", headers={"Authorization": f"Bearer {token}"}) as ws,
        client.websocket_connect(f"/ws/kiosks/youyi-k1/page?token={token}") as page,
    ):
        ws.receive_text()
        ws.send_text(json.dumps(HEALTH))
        while json.loads(page.receive_text()).get("paper") != "near_end":  # sent once the health is stored
            pass
    sign_in(client, "sup-d", "supervisor")
    r = client.get("/admin/devices")
    assert r.status_code == 200
    html = r.text
    assert 'data-device="youyi-k1" data-state="warning"' in html  # paper near end, reader missing
    assert 'data-device="youyi-k2" data-state="offline"' in html and 'data-device="youyi-d1"' in html
    assert "wusong-k1" not in html  # another site's
    assert "将尽" in html and "未连接" in html
    data = client.get("/admin/devices.json").json()
    [site] = data["sites"]
    k1 = next(d for d in site["devices"] if d["id"] == "youyi-k1")
    assert k1["paper"] == "near_end" and k1["reader_present"] is False and k1["version"] == "1.0.0"


def test_admin_sees_every_site(client: TestClient, hall: Hall) -> None:
    sign_in(client, "ada-d", "admin", None)
    html = client.get("/admin/devices").text
    assert "wusong-k1" in html and "registry" in html
    assert len(client.get("/admin/devices.json?site=wusong").json()["sites"]) == 1
