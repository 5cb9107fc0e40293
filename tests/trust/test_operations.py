"""Operations: online backup while serving, restore, and retention of personal data."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from core import notify
from core.days.clock import TZ, ManualClock
from core.queue import counters, tickets
from core.store.db import Store
from tests.conftest import Hall
from tests.live import LiveServer
from web.guard.logs import JsonFormatter

ELDER = "110105195001011234"


@pytest.mark.live
def test_backup_while_serving_and_restore(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00").start()
    try:
        token = server.cli("device", "token", "youyi-k1").split()[-1]
        for _ in range(5):
            assert server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, token)[0] == 201
        out = server.cli("backup", str(tmp_path / "copy.db"))
        assert "integrity: ok" in out
        assert server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, token)[0] == 201
    finally:
        server.stop()
    with sqlite3.connect(tmp_path / "copy.db") as db:
        assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 5
    # restore: the copy replaces the database; numbering continues from the copy
    restored = tmp_path / "restored"
    restored.mkdir()
    (tmp_path / "copy.db").rename(restored / "hall.db")
    (tmp_path / "hall.secret").rename(restored / "hall.secret")
    server = LiveServer(restored, "2026-05-13T10:00:00+08:00").start()
    try:
        token = server.cli("device", "token", "youyi-k1").split()[-1]
        code, t = server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, token)
        assert code == 201 and t["number"] == "A006"
    finally:
        server.stop()


def test_retention_purges_personal_data_but_keeps_the_rows(store: Store, clock: ManualClock) -> None:
    t = store.write_sync(tickets.issue, "youyi", "general", source="kiosk", actor="k", id_number=ELDER).ticket
    store.write_sync(counters.open_counter, "youyi-1", "ann", "youyi")
    store.write_sync(counters.call_next, "youyi-1", "ann")
    store.write_sync(counters.done, "youyi-1", "ann")
    assert store.write_sync(notify.purge) == 0  # too recent
    clock.set(dt.datetime(2026, 6, 13, 9, 0, tzinfo=TZ))
    assert store.write_sync(notify.purge) == 1
    row = store.read_sync(lambda r: dict(r.one("SELECT status, id_hash, id_masked FROM tickets WHERE id = ?", (t.id,))))
    assert row == {"status": "done", "id_hash": None, "id_masked": None}


def test_access_log_is_json_with_request_ids_and_no_ids_or_codes(
    client: TestClient, hall: Hall, kiosk: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="hall.access")
    t = hall.take("general", kiosk, id_number="110105195001011234")
    r = client.get(f"/api/v1/tickets/{t['id']}", headers={"X-Request-Id": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    lines = [JsonFormatter().format(rec) for rec in caplog.records if rec.name == "hall.access"]
    assert any('"route": "/api/v1/tickets/{id}"' in line and '"abc-123"' in line for line in lines)
    assert all(t["id"] not in line and "110105195001011234" not in line for line in lines)
