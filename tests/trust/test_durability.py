"""Acknowledged writes survive SIGKILL; a display catches up after a restart (real processes)."""

from __future__ import annotations

import http.client
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

from tests.live import LiveServer, config_file
from tests.load import kill_under_load
from tests.registry.test_appointments import person

pytestmark = pytest.mark.live  # each test starts a server process (tests/live.py)

MONDAY_9 = "2026-05-18T09:00:00+08:00"


def hammer(server: LiveServer, token: str, stop: threading.Event, acked: list[Any], i0: int) -> None:
    i = i0
    while not stop.is_set():
        i += 1
        try:
            if i % 3:
                code, body = server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, token)
                if code == 201:
                    acked.append(("ticket", body["id"], body["number"]))
            else:
                p = person(i)
                code, body = server.call("POST", "/api/v1/appointments", {
                    "site": "registry", "service": "reissue", "start": MONDAY_9,
                    "applicants": [{"name": p.name, "id_number": p.id_number, "phone": p.phone}]})  # fmt: skip
                if code == 201:
                    acked.append(("booking", body["code"], p.id_number[-4:]))
        except (OSError, http.client.HTTPException, ValueError):
            return  # the server is gone, mid-answer or before it


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    roomy = config_file(tmp_path, daily_cap=99999, requests_per_device_per_minute=1000000)
    server = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00", config=roomy)
    server.start()
    server.cli("user", "add", "sue", "--role", "supervisor", "--site", "registry", stdin="correct-horse-battery\n")
    sup = server.call("POST", "/api/v1/auth/token", {"username": "sue", "password": "correct-horse-battery"})[1]
    server.call("POST", "/api/v1/sites/registry/services/reissue/overrides", {"date": "2026-05-18", "capacity": 500},
                sup["token"])  # fmt: skip
    token = server.cli("device", "token", "youyi-k1").split()[-1]
    acked: list[Any] = []
    kill_under_load(server.proc, [lambda stop, k=k: hammer(server, token, stop, acked, k * 10_000) for k in range(8)])
    tickets = [a for a in acked if a[0] == "ticket"]
    bookings = [a for a in acked if a[0] == "booking"]
    assert len(tickets) > 50 and len(bookings) > 10, (len(tickets), len(bookings))

    server.start()
    try:
        for _, ticket_id, number in tickets:
            code, body = server.call("GET", f"/api/v1/tickets/{ticket_id}")
            assert code == 200 and body["number"] == number
        for _, code_, last4 in bookings:
            code, body = server.call("GET", f"/api/v1/appointments/{code_}?verify={last4}")
            assert code == 200 and body["status"] == "booked"
        code, fresh = server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, token)
        assert code == 201 and int(fresh["number"][1:]) > max(int(n[1:]) for *_, n in tickets), (fresh, len(tickets))
    finally:
        server.stop()
    with sqlite3.connect(tmp_path / "hall.db") as db:
        for (site,) in db.execute("SELECT DISTINCT site FROM events"):
            seqs = [r[0] for r in db.execute("SELECT seq FROM events WHERE site = ? ORDER BY seq", (site,))]
            assert seqs == list(range(1, len(seqs) + 1)), f"gap in {site}'s event sequence"
        numbers = [r[0] for r in db.execute("SELECT number FROM tickets WHERE site = 'youyi' AND service = 'general'")]
        assert len(numbers) == len(set(numbers))


def test_display_catches_up_after_a_server_restart(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00").start()
    token = server.cli("device", "token", "youyi-k1").split()[-1]
    server.cli("user", "add", "ann", "--role", "clerk", "--site", "youyi", stdin="correct-horse-battery\n")
    try:
        with connect(f"ws://127.0.0.1:{server.port}/ws/sites/youyi") as ws:
            last = json.loads(ws.recv(timeout=5))["seq"]
        server.stop()
        server.start()  # the display is offline across the restart
        clerk = server.call("POST", "/api/v1/auth/token", {"username": "ann", "password": "correct-horse-battery"})[1]
        auth = clerk["token"]
        server.call("POST", "/api/v1/counters/youyi-1/open", token=auth)
        called = []
        for _ in range(3):
            server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, token)
            called.append(server.call("POST", "/api/v1/counters/youyi-1/call-next", token=auth)[1]["ticket"]["number"])
            server.call("POST", "/api/v1/counters/youyi-1/done", token=auth)
        with connect(f"ws://127.0.0.1:{server.port}/ws/sites/youyi?since={last}") as ws:
            snap = json.loads(ws.recv(timeout=5))
            missed = [json.loads(ws.recv(timeout=5)) for _ in range(snap["seq"] - last)]
    finally:
        server.stop()
    seqs = [m["seq"] for m in missed]
    assert seqs == list(range(last + 1, snap["seq"] + 1))  # in order, exactly once
    assert [m["data"]["ticket"]["number"] for m in missed if m["type"] == "ticket.called"] == called
