"""Your turn is near for walk-ins too (SPEC 6b): a ticket taken with a phone is told through the
outbox once, when ``policy.turn_near_ahead`` or fewer are ahead; a ticket without one never is; the
log masks the phone, and the phone is stored sealed and purged with the ticket."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from core import notify
from core.days.clock import ManualClock
from tests.conftest import SECRET, Hall

PHONE = "13812345678"
OTHER = "13987654321"


def turn_near(hall: Hall) -> list[tuple[str, Any]]:
    rows = hall.hall.store.read_sync(
        lambda r: r.execute("SELECT ticket, phone FROM outbox WHERE kind = 'turn.near' ORDER BY id").fetchall()
    )
    return [(str(t), p) for t, p in rows]


def serve_next(hall: Hall, clerk: dict[str, str]) -> None:
    r = hall.act("youyi-1", "call-next", clerk)
    assert r.status_code == 200 and r.json()["ticket"] is not None, r.text
    assert hall.act("youyi-1", "start", clerk).status_code == 200
    assert hall.act("youyi-1", "done", clerk).status_code == 200


def test_a_walk_in_with_a_phone_is_told_once_when_three_or_fewer_are_ahead(
    client: TestClient, hall: Hall, kiosk: dict[str, str], clock: ManualClock, tmp_path: Path
) -> None:
    assert hall.hall.config.policy.turn_near_ahead == 3
    clerk = hall.clerk_at("youyi-1")
    plain = [hall.take("general", kiosk) for _ in range(4)]  # four ahead, none with a phone
    mine = hall.take("general", kiosk, phone=PHONE)
    other = hall.take("general", kiosk, phone="139 8765 4321")  # typed with spaces
    assert mine["people_ahead"] == 4 and "phone" not in mine and PHONE not in json.dumps(mine)
    serve_next(hall, clerk)  # three ahead of mine now, four of the other
    assert [t for t, _ in turn_near(hall)] == [mine["id"]]
    serve_next(hall, clerk)
    serve_next(hall, clerk)  # the other has three ahead now; mine is not told again
    told = turn_near(hall)
    assert [t for t, _ in told] == [mine["id"], other["id"]]
    assert all(p and PHONE not in p and OTHER not in p for _, p in told)  # sealed in the outbox
    assert not {t["id"] for t in plain} & {t for t, _ in told}  # no phone, no message

    clock.advance(seconds=5)
    sink = notify.LogSink(tmp_path / "notifications.log", clock)
    store = hall.hall.store
    store.write_sync(notify.mark, notify.deliver(sink, store.read_sync(notify.due), SECRET))
    log = (tmp_path / "notifications.log").read_text()
    lines = [json.loads(line) for line in log.splitlines()]
    assert [(m["kind"], m["to"]) for m in lines] == [("turn.near", "138****5678"), ("turn.near", "139****4321")]
    assert mine["number"] in lines[0]["text"] and "前面还有3人" in lines[0]["text"]
    assert PHONE not in log and OTHER not in log
    serve_next(hall, clerk)
    assert len(turn_near(hall)) == 2  # once per ticket, however often the queue moves


def test_a_bad_phone_is_refused_and_takes_no_number(hall: Hall, kiosk: dict[str, str], client: TestClient) -> None:
    r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general", "phone": "12345"}, headers=kiosk)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_phone"
    assert hall.take("general", kiosk)["number"] == "A001"  # nothing was numbered


def test_a_walk_ins_phone_is_purged_with_the_ticket(hall: Hall, kiosk: dict[str, str], clock: ManualClock) -> None:
    from core.store import booking as sql

    clerk = hall.clerk_at("youyi-1")
    hall.take("general", kiosk, phone=PHONE)
    serve_next(hall, clerk)
    store = hall.hall.store
    phone = store.read_sync(lambda r: r.execute("SELECT phone FROM tickets").fetchone()[0])
    assert phone and PHONE not in phone
    clock.advance(days=31)
    store.write_sync(lambda tx: sql.purge_before(tx, tx.now.timestamp() - 30 * 86400))
    assert store.read_sync(lambda r: r.execute("SELECT phone FROM tickets").fetchone()[0]) is None
