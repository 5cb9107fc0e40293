"""The phone's side of a remote ticket: /book/now lists the open centers' remote services, and the
ticket page says 待签到, the arrive-by time and the center's address, then that it expired."""

from __future__ import annotations

import datetime as dt
import json

from starlette.testclient import TestClient

from core.days.clock import TZ, ManualClock
from core.registry import visits
from tests.conftest import Hall
from tests.district.test_remote_queue import RESIDENT


def test_take_a_number_now_lists_open_centers_and_remote_services(client: TestClient) -> None:
    page = client.get("/book/now")
    assert page.status_code == 200 and "现在取号" in page.text
    assert "友谊路" in page.text and "js/booking/now.js" in page.text
    assert '"marriage"' not in page.text and '"elderly"' not in page.text  # not remote = true
    assert "/book/now" in client.get("/book").text


def test_nothing_to_take_when_every_center_is_closed(client: TestClient, clock: ManualClock) -> None:
    clock.set(dt.datetime(2026, 5, 13, 23, 0, tzinfo=TZ))
    page = client.get("/book/now")
    assert "08:30" in page.text and 'id="now-form"' not in page.text


def test_the_ticket_page_follows_it_to_expiry(client: TestClient, hall: Hall, clock: ManualClock) -> None:
    r = client.post("/api/v1/sites/youyi/remote-tickets", json={"service": "general", "id_number": RESIDENT})
    t = r.json()
    page = client.get(f"/t/{t['id']}")
    assert "待签到" in page.text and "10:30" in page.text and hall.hall.config.site("youyi").address in page.text
    assert 'id="t-qr"' in page.text
    clock.set(dt.datetime(2026, 5, 13, 10, 31, tzinfo=TZ))
    hall.hall.store.write_sync(visits.sweep)
    after = client.get(f"/t/{t['id']}")
    assert "status-expired" in after.text and 'id="t-qr"' not in after.text
    assert (
        json.dumps("该远程号已过期")[1:-1] in after.text or "该远程号已过期" in after.text
    )  # the note, in the page's strings
