"""Three ``server.py`` processes on one PostgreSQL database and one NATS (docs/scale.md):
numbering across processes, counters on different processes, a websocket on one process
seeing what the others do in seq order, ``since`` across a restart, and a SIGKILL under load."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from websockets.sync.client import ClientConnection, connect

from tests import pgdb
from tests.live import LiveServer, config_file
from tests.load import kill_under_load, serve_all

pytestmark = pytest.mark.live  # each test starts server processes (tests/live.py)

PASSWORD = "correct-horse-battery"
SECRET = "scale-tests-secret-0123456789abcdef0123"


class Cluster:
    """N processes serving one database; ``cli`` runs the command line on it."""

    def __init__(self, tmp: Path, url: str, nats: str, n: int) -> None:
        roomy = config_file(tmp, daily_cap=99999, requests_per_device_per_minute=1000000)
        self.servers = []
        for i in range(n):
            home = tmp / f"p{i}"
            home.mkdir()
            env = {"HALL_SECRET": SECRET, "HALL_DATA_DIR": str(home)}
            s = LiveServer(home, "2026-05-13T09:30:00+08:00", config=roomy, env=env)
            s.args[s.args.index("--db") + 1] = url
            s.args += ["--nats", nats]
            self.servers.append(s)

    def start(self) -> Cluster:
        for s in self.servers:
            s.start()
        return self

    def stop(self) -> None:
        for s in self.servers:
            s.stop()

    def kiosk(self) -> str:
        return self.servers[0].cli("device", "token", "youyi-k1").split()[-1]

    def clerk(self, name: str, counter: str, server: LiveServer) -> str:
        server.cli("user", "add", name, "--role", "clerk", "--site", "youyi", stdin=PASSWORD + "\n")
        token = str(server.ok("POST", "/api/v1/auth/token", {"username": name, "password": PASSWORD})["token"])
        server.ok("POST", f"/api/v1/counters/{counter}/open", token=token)
        return token


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    nats = pgdb.require_nats()
    with pgdb.database() as url:
        c = Cluster(tmp_path, url, nats, 3)
        try:
            yield c.start()
        finally:
            c.stop()


class Watcher:
    """A display's socket on one process, reading on a thread: the snapshot, then every event."""

    def __init__(self, server: LiveServer, since: int | None = None) -> None:
        query = "" if since is None else f"?since={since}"
        self.stack = contextlib.ExitStack()
        self.ws: ClientConnection = self.stack.enter_context(
            connect(f"{server.ws_base}/ws/sites/youyi{query}", open_timeout=10)
        )
        self.snapshot = json.loads(self.ws.recv(timeout=10))
        assert self.snapshot["type"] == "snapshot"
        self.events: list[dict[str, Any]] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for raw in self.ws:
                self.events.append(json.loads(raw))
        except Exception:
            return

    def wait_for(self, seq: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        end = time.monotonic() + timeout
        while time.monotonic() < end and (not self.events or self.events[-1]["seq"] < seq):
            time.sleep(0.05)
        return list(self.events)

    def close(self) -> None:
        self.stack.close()
        self.thread.join(5)


def last_seq(server: LiveServer) -> int:
    with connect(f"{server.ws_base}/ws/sites/youyi", open_timeout=10) as ws:
        return int(json.loads(ws.recv(timeout=10))["seq"])


async def _issue_everywhere(bases: list[str], kiosk: str, n: int) -> list[httpx2.Response]:
    auth = {"Authorization": f"Bearer {kiosk}"}
    clients = [httpx2.AsyncClient(base_url=b, limits=httpx2.Limits(max_connections=40), timeout=60) for b in bases]
    try:
        return list(await asyncio.gather(*(
            clients[i % len(clients)].post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=auth)
            for i in range(n)
        )))  # fmt: skip
    finally:
        for c in clients:
            await c.aclose()


async def _serve(base: str, counter: str, token: str) -> list[str]:
    async with httpx2.AsyncClient(base_url=base, timeout=60) as c:
        return await serve_all(c, counter, token)


def test_three_processes_number_call_and_tell_every_socket_in_order(cluster: Cluster) -> None:
    a, b, c = cluster.servers
    kiosk = cluster.kiosk()
    ann, bob = cluster.clerk("ann", "youyi-1", b), cluster.clerk("bob", "youyi-2", c)
    watcher = Watcher(a)
    start = watcher.snapshot["seq"]

    answers = asyncio.run(_issue_everywhere([s.base for s in cluster.servers], kiosk, 200))
    assert {r.status_code for r in answers} == {201}
    numbers = sorted(r.json()["number"] for r in answers)
    assert numbers == [f"A{n:03d}" for n in range(1, 201)]  # across 3 processes: none twice

    async def both() -> list[list[str]]:
        return list(await asyncio.gather(_serve(b.base, "youyi-1", ann), _serve(c.base, "youyi-2", bob)))

    first, second = asyncio.run(both())
    assert not set(first) & set(second)  # two counters on two processes never call one ticket
    assert sorted(first + second) == numbers and first and second

    end = last_seq(c)
    seen = watcher.wait_for(end)
    watcher.close()
    assert [e["seq"] for e in seen] == list(range(start + 1, end + 1))  # every event, once, in seq order
    called = [e for e in seen if e["type"] == "ticket.called"]
    assert len([e for e in seen if e["type"] == "ticket.issued"]) == 200 and len(called) == 200
    assert {e["data"]["by_counter"]["id"] for e in called} == {"youyi-1", "youyi-2"}  # made on B and C, seen on A


def test_since_replays_across_a_restart_of_one_process(cluster: Cluster) -> None:
    a, b, _ = cluster.servers
    kiosk = cluster.kiosk()
    for _ in range(3):
        b.ok("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk)
    seen = last_seq(b)
    b.stop()
    for _ in range(5):  # while B is down, on A
        a.ok("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk)
    b.start()
    watcher = Watcher(b, since=seen)
    end = last_seq(a)
    replayed = watcher.wait_for(end)
    a.ok("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk)  # and live ones after
    live = watcher.wait_for(end + 1)
    watcher.close()
    assert [e["seq"] for e in replayed][: end - seen] == list(range(seen + 1, end + 1))
    assert [e["seq"] for e in live] == list(range(seen + 1, end + 2))
    assert [e["data"]["ticket"]["number"] for e in live if e["type"] == "ticket.issued"] == [
        f"A{n:03d}" for n in range(4, 10)
    ]


def test_sigkill_of_one_process_under_load_loses_no_acknowledged_ticket(cluster: Cluster) -> None:
    a, b, c = cluster.servers
    kiosk = cluster.kiosk()
    acked: list[tuple[str, str]] = []

    def hammer(server: LiveServer) -> Callable[[threading.Event], None]:
        def work(stop: threading.Event) -> None:
            while not stop.is_set():
                try:
                    code, body = server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk)
                except Exception:
                    return  # the process is gone, mid-answer or before it
                if code == 201:
                    acked.append((body["id"], body["number"]))

        return work

    kill_under_load(a.proc, [hammer(s) for s in (a, b, a, b, c, c)], then=1.0)  # B and C keep serving
    assert len(acked) > 50
    for ticket_id, number in acked:
        got = b.ok("GET", f"/api/v1/tickets/{ticket_id}")
        assert got["number"] == number
    after = c.ok("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk)["number"]
    numbers = [n for _, n in acked]
    assert len(set(numbers)) == len(numbers)
    assert after not in numbers and int(after[1:]) > max(int(n[1:]) for n in numbers)


def test_a_display_whose_process_dies_catches_up_on_another(cluster: Cluster) -> None:
    """The kiosk takes numbers on C, the clerk calls on B, the display watches A; A is killed, and
    the display, reconnected to B with ``since``, has every event once and in seq order."""
    a, b, c = cluster.servers
    kiosk = cluster.kiosk()
    ann = cluster.clerk("ann", "youyi-1", b)

    def visit() -> None:  # a number taken on C, called and finished on B
        c.ok("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk)
        assert b.ok("POST", "/api/v1/counters/youyi-1/call-next", token=ann)["ticket"] is not None
        b.ok("POST", "/api/v1/counters/youyi-1/done", token=ann)

    display = Watcher(a)
    start = display.snapshot["seq"]
    for _ in range(3):
        visit()
    before = display.wait_for(last_seq(b))
    assert a.proc is not None
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait()
    display.close()
    for _ in range(3):  # while the display is away
        visit()
    again = Watcher(b, since=before[-1]["seq"])  # the display's reconnect, to another process
    visit()  # and live after it
    end = last_seq(c)
    after = again.wait_for(end)
    again.close()
    seqs = [e["seq"] for e in before + after]
    assert seqs == list(range(start + 1, end + 1))  # every event once, in seq order, over the two sockets
    issued = [e["data"]["ticket"]["number"] for e in before + after if e["type"] == "ticket.issued"]
    assert issued == [f"A{n:03d}" for n in range(1, 8)]
