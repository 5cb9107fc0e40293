"""Personal data never leaves in the clear: not in the database file, the logs, public
sockets or public pages (SPEC 8). Runs a real server and greps everything it produced."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect

from tests.live import LiveServer

pytestmark = pytest.mark.live  # each test starts a server process (tests/live.py)

PEOPLE = [("张三丰", "110105195001011234", "13800138000"), ("李四娘", "31011519850612174X", "13900139000")]
SECRETS = [s for p in PEOPLE for s in p]


def test_no_full_id_phone_or_name_anywhere(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00")
    server.env["HALL_HOUSEKEEPING_SECONDS"] = "1"
    server.start()
    public: list[str] = []
    try:
        kiosk = server.cli("device", "token", "youyi-k1").split()[-1]
        reg = server.cli("device", "token", "registry-k1").split()[-1]
        server.cli("user", "add", "ann", "--role", "clerk", "--site", "youyi", stdin="correct-horse-battery\n")
        clerk = server.call("POST", "/api/v1/auth/token", {"username": "ann", "password": "correct-horse-battery"})[1]
        with connect(f"ws://127.0.0.1:{server.port}/ws/sites/youyi") as ws:
            public.append(ws.recv(timeout=5))
            code, t = server.call("POST", "/api/v1/sites/youyi/tickets",
                                  {"service": "social", "id_number": PEOPLE[0][1]}, kiosk)  # fmt: skip
            assert code == 201
            server.call("POST", "/api/v1/counters/youyi-1/open", token=clerk["token"])
            server.call("POST", "/api/v1/counters/youyi-1/call-next", token=clerk["token"])
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                try:
                    public.append(ws.recv(timeout=0.5))
                except TimeoutError:
                    break
        code, booking = server.call("POST", "/api/v1/appointments", {
            "site": "registry", "service": "marriage", "start": "2026-05-14T10:00:00+08:00",
            "applicants": [{"name": n, "id_number": i, "phone": p} for n, i, p in PEOPLE]})  # fmt: skip
        assert code == 201, booking
        public.append(json.dumps(booking, ensure_ascii=False))
        public.append(json.dumps(server.call("GET", f"/api/v1/tickets/{t['id']}")[1], ensure_ascii=False))
        for path in ("/display/youyi", f"/t/{t['id']}", "/", "/api/v1/sites/youyi"):
            with urllib.request.urlopen(server.base + path) as r:
                public.append(r.read().decode())
        server.call("POST", "/api/v1/sites/registry/check-in", {"code": booking["code"]}, reg)
        time.sleep(2.5)  # a housekeeping round: the notifier writes its log
    finally:
        server.stop()
    assert len(public) >= 8 and any("ticket.called" in m for m in public)
    for text in public:
        for secret in SECRETS:
            assert secret not in text, f"{secret} in a public message: {text[:200]}"
    notifications = (tmp_path / "notifications.log").read_text()
    assert "138****8000" in notifications
    files = [tmp_path / "server.log", tmp_path / "notifications.log", *tmp_path.glob("hall.db*")]
    assert any(f.name == "hall.db-wal" for f in files) or (tmp_path / "hall.db").stat().st_size > 0
    for f in files:
        data = f.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret} found in {f.name}"
