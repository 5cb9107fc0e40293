"""The agent for real: a live server, ``python -m kiosk`` in a subprocess, a simulated ID
card module on a pty and a TCP printer; the kiosk page's channel as a websocket client."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.agent import backoff, link_url
from printers.decode import decode
from tests.kiosk_rig import KioskRig, wait_for
from tests.live import LiveServer

CLOCK = "2026-05-13T09:30:00+08:00"
ELDER = "310113194803071223"


def device_state(db: Path, device: str) -> tuple[int | None, str | None, float]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT printer_online, paper, last_seen_ts FROM device_status WHERE device = ?",
                           (device,)).fetchone()  # fmt: skip
    return row if row else (None, None, 0.0)


@pytest.mark.live
def test_card_ticket_slip_and_pulled_plug(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, CLOCK).start()
    token = server.cli("device", "token", "youyi-k1").split()[-1]
    rig = KioskRig(tmp_path, server.base, "youyi-k1", token).start()
    try:
        with rig.page() as page:
            wait_for(page, lambda m: m["type"] == "agent" and m["online"] and m["printer"] is True and m["reader"])
            rig.module.place("elder")
            ident = wait_for(page, lambda m: m["type"] == "identity")
            assert ident["masked"] == "**************1223" and ident["green"] and ELDER not in str(ident)

            body = {"service": "general", "card": ident["card"]}
            status, ticket = server.call("POST", "/api/v1/sites/youyi/tickets", body, token)
            assert status == 201 and ticket["print"]["status"] == "sent" and ticket["priority"] == "elderly"
            slip = decode(rig.printer.wait_for_job(1))
            assert slip.line(ticket["number"]).width == 4
            assert slip.line("综合受理").height == 2
            assert slip.line("证件号码").text.endswith("**************1223")
            assert slip.qr_codes[0].data == ticket["track_url"] and slip.cuts == 1
            done = wait_for(page, lambda m: m["type"] == "print")
            assert done == {"type": "print", "job": ticket["print"]["job"], "status": "printed", "reason": None}
            rig.module.take()
            wait_for(page, lambda m: m["type"] == "identity_removed")

            # pull the printer's plug: the next ticket falls back to the phone within 5 s
            rig.printer.stop()
            pulled = time.monotonic()
            status, second = server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "social"}, token)
            assert status == 201
            if second["print"]["status"] == "sent":
                failed = wait_for(page, lambda m: m["type"] == "print" and m["job"] == second["print"]["job"], 5)
                assert failed["status"] == "failed" and failed["reason"] == "unreachable"
            assert time.monotonic() - pulled < 5
            wait_for(page, lambda m: m["type"] == "agent" and m["printer"] is False, 5)
            assert device_state(tmp_path / "hall.db", "youyi-k1")[0] == 0  # unhealthy on the admin page

            rig.stop_agent()
            wait_for(page, lambda m: m["type"] == "agent" and not m["online"], 5)
    finally:
        rig.stop()
        server.stop()
    # the card's data stayed in memory: not in the database, its WAL or the logs
    for f in [tmp_path / "hall.db", tmp_path / "hall.db-wal", server.log, rig.log]:
        if f.exists():
            raw = f.read_bytes()
            assert ELDER.encode() not in raw and "王秀英".encode() not in raw, f
    assert token not in server.log.read_text()  # the page channel's ?token= is never logged
    assert "/ws/kiosks/youyi-k1/page" in server.log.read_text()


@pytest.mark.live
def test_agent_reconnects_after_the_server_returns(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, CLOCK).start()
    token = server.cli("device", "token", "youyi-k1").split()[-1]
    rig = KioskRig(tmp_path, server.base, "youyi-k1", token).start()
    try:
        with rig.page() as page:
            wait_for(page, lambda m: m["type"] == "agent" and m["online"])
        server.stop()
        server.start()  # same port, same database
        with rig.page() as page:
            wait_for(page, lambda m: m["type"] == "agent" and m["online"], 15)
    finally:
        rig.stop()
        server.stop()


def test_link_url_and_backoff() -> None:
    assert link_url("http://hall.local:8000/", "k1") == "ws://hall.local:8000/ws/kiosks/k1"
    assert link_url("https://hall.example", "k1") == "wss://hall.example/ws/kiosks/k1"
    assert [round(backoff(n, lambda: 0.5)) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]


@pytest.mark.live
def test_paper_out_during_a_slip_is_reported_at_once(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, CLOCK).start()
    token = server.cli("device", "token", "youyi-k1").split()[-1]
    rig = KioskRig(tmp_path, server.base, "youyi-k1", token, health_seconds=60).start()  # no heartbeat to help
    try:
        with rig.page() as page:
            wait_for(page, lambda m: m["type"] == "agent" and m["online"] and m["printer"] is True, 15)
            rig.printer.fault_after = (300, "paper_out")  # the roll ends in the middle of the slip
            status, ticket = server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, token)
            assert status == 201 and ticket["print"]["status"] == "sent"
            done = wait_for(page, lambda m: m["type"] == "print", 10)
            assert done == {"type": "print", "job": ticket["print"]["job"], "status": "failed", "reason": "paper_out"}
            wait_for(page, lambda m: m["type"] == "agent" and m["paper"] == "out" and m["printer"] is False, 3)
            status, second = server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "social"}, token)
            assert second["print"] == {"job": None, "status": "unavailable", "reason": "printer_offline"}
    finally:
        rig.stop()
        server.stop()


def test_the_agents_client_survives_any_frame(tmp_path: Path) -> None:
    import asyncio
    import json

    from websockets.asyncio.server import serve

    from kiosk.agent import Agent
    from kiosk.config import AgentConfig

    acks: list[dict[str, object]] = []

    async def server(ws: object) -> None:
        await ws.recv()  # type: ignore[attr-defined]  # hello
        await ws.send(json.dumps({"type": "welcome", "kiosk": "k1"}))  # type: ignore[attr-defined]
        for junk in (b"\x00\xff", "not json", "[1]", "null", '{"type": "print", "job": "x", "slip": 5}', "{}"):
            await ws.send(junk)  # type: ignore[attr-defined]
        await ws.send(json.dumps({"type": "print", "job": 7, "kind": "ticket", "slip": {}}))  # type: ignore[attr-defined]
        async for raw in ws:  # type: ignore[attr-defined]
            message = json.loads(raw)
            if message["type"] == "ack":
                acks.append(message)
                if message["job"] == 7:
                    return

    async def run() -> None:
        async with serve(server, "127.0.0.1", 0) as srv:
            port = srv.sockets[0].getsockname()[1]
            (tmp_path / "token").write_text("t")
            agent = Agent(f"http://127.0.0.1:{port}", "k1", tmp_path / "token", AgentConfig())
            agent._loop = asyncio.get_running_loop()
            assert await asyncio.wait_for(agent.session(), 10)  # served to the end, not crashed

    asyncio.run(run())
    assert acks[0] == {"type": "ack", "job": None, "status": "failed", "reason": "bad_job"}
    assert acks[-1]["job"] == 7 and acks[-1]["status"] == "failed"
