"""Bounded connections (issue 12): attacks with real sockets against a real server process.

The attacker connects from 127.0.0.2 (any 127/8 address reaches the loopback server), the
kiosk, clerk and display from 127.0.0.1: one address cannot take the others' share.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.live import LiveServer, config_file

pytestmark = pytest.mark.live  # each test starts a server process (tests/live.py)

CLOCK = "2026-05-13T09:30:00+08:00"  # a Wednesday morning, every site open
ATTACKER = "127.0.0.2"
FAST: dict[str, int | str] = {  # small figures so that each deadline passes within a test
    "connections_per_address": 64,
    "header_timeout_seconds": 1,
    "body_timeout_seconds": 1,
    "keep_alive_seconds": 1,
    "write_stall_seconds": 1,
    "ws_ping_interval_seconds": 1,
    "ws_ping_timeout_seconds": 1,
}


def live(tmp: Path, limits: dict[str, int | str], nofile: str | None = None) -> LiveServer:
    """A server with ``limits`` in config.toml's [limits], per-address limits on, optionally under ``prlimit``."""
    server = LiveServer(tmp, CLOCK, config=config_file(tmp, **limits))
    server.env["HALL_LIMITS"] = "on"
    if nofile is not None:
        server.args[:0] = ["prlimit", f"--nofile={nofile}"]
    return server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    s = live(tmp_path, FAST).start()
    yield s
    s.stop()
    assert "Traceback" not in s.log.read_text(errors="replace")


OPENED: list[socket.socket] = []


@pytest.fixture(autouse=True)
def close_sockets() -> Iterator[None]:
    yield
    while OPENED:
        OPENED.pop().close()


def attacker_socket(port: int, timeout: float = 5.0) -> socket.socket:
    s = socket.socket()
    OPENED.append(s)
    s.settimeout(timeout)
    s.bind((ATTACKER, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_all(s: socket.socket) -> bytes:
    """Everything until the server closes (b"" on a reset); socket.timeout if it never does."""
    chunks = []
    try:
        while chunk := s.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def test_a_connection_that_sends_nothing_is_answered_408_and_closed(server: LiveServer) -> None:
    s = attacker_socket(server.port)
    t = time.monotonic()
    answer = read_all(s)
    assert answer.startswith(b"HTTP/1.1 408") and b'"request_timeout"' in answer
    assert time.monotonic() - t < 3


def test_headers_trickled_byte_by_byte_are_cut_off_at_the_deadline(server: LiveServer) -> None:
    s = attacker_socket(server.port)
    s.settimeout(0.2)
    t = time.monotonic()
    request = b"GET /api/v1/sites HTTP/1.1\r\nHost: x\r\n" + b"X-A: " + b"a" * 100
    answer = b""
    for byte in request:
        try:
            s.send(bytes([byte]))
            time.sleep(0.1)
            answer += s.recv(65536)
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            break
        if answer:
            break
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - t < 3  # not 100 bytes x 0.1 s


def test_a_further_request_on_a_kept_alive_connection_has_the_same_deadline(server: LiveServer) -> None:
    s = attacker_socket(server.port)
    s.sendall(b"GET /api/v1/sites HTTP/1.1\r\nHost: x\r\n\r\n")
    assert s.recv(65536).startswith(b"HTTP/1.1 200")
    s.sendall(b"GET /api/v1/sites HTTP/1.1\r\n")  # then nothing
    assert b"HTTP/1.1 408" in read_all(s)


def test_endless_headers_are_refused_431(server: LiveServer) -> None:
    s = attacker_socket(server.port)
    s.sendall(b"GET /api/v1/sites HTTP/1.1\r\nHost: x\r\n")
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        for _ in range(100):  # 100 KB of headers within the deadline; the answer comes after 64 KiB
            s.sendall(b"X-Filler: " + b"f" * 1000 + b"\r\n")
    answer = read_all(s)
    assert answer.startswith(b"HTTP/1.1 431") and b'"headers_too_large"' in answer


def test_a_body_trickled_too_slowly_is_cut_off(server: LiveServer) -> None:
    s = attacker_socket(server.port)
    s.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 200\r\n\r\n{")  # fmt: skip
    t = time.monotonic()
    read_all(s)
    assert time.monotonic() - t < 3


def test_one_address_holds_at_most_its_cap_and_others_are_served(server: LiveServer) -> None:
    for _ in range(64):
        attacker_socket(server.port)
    extra = attacker_socket(server.port)
    answer = read_all(extra)
    assert answer.startswith(b"HTTP/1.1 429")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "too_many_connections"
    assert server.call("GET", "/api/v1/sites")[0] == 200  # 127.0.0.1 is another address


@contextlib.contextmanager
def site_socket(server: LiveServer, site: str = "youyi") -> Iterator[ClientConnection]:
    with connect(f"ws://127.0.0.1:{server.port}/ws/sites/{site}", open_timeout=10, close_timeout=2) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        yield ws


@pytest.mark.parametrize(
    ("frame", "code"),
    [("hello", 1008), (b"\x00\xff\x10", 1008), ("", 1008), ("x" * 126, 1009), (b"\x00" * (1 << 20), 1009)],
    ids=["text", "binary", "empty", "just-too-big", "one-mebibyte"],
)
def test_the_public_socket_takes_no_frames(server: LiveServer, frame: str | bytes, code: int) -> None:
    with site_socket(server) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.send(frame)
        ws.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code
    with site_socket(server):  # the server goes on
        pass


def test_many_small_frames_close_the_public_socket_and_nothing_piles_up(server: LiveServer) -> None:
    with site_socket(server) as ws, pytest.raises(ConnectionClosed) as closed:
        for i in range(20_000):
            ws.send(f"{i}")
        ws.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def test_a_websocket_that_never_reads_or_answers_pings_is_cut_off(server: LiveServer) -> None:
    s = attacker_socket(server.port)
    s.sendall(b"GET /ws/sites/youyi HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")  # fmt: skip
    time.sleep(4)  # never reads: the server's ping (after 1 s) goes unanswered for 1 s
    s.settimeout(2)
    assert read_all(s).startswith(b"HTTP/1.1 101")  # what it was sent, then the end


def _attack(port: int, stop: threading.Event, opened: list[int]) -> None:
    """Keep about 1,500 sockets open from one address: silent, trickling headers, websockets that never read."""
    socks: list[socket.socket] = []
    kinds = [b"", b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"GET /ws/sites/youyi HTTP/1.1\r\nHost: x\r\n"
             b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             b"Sec-WebSocket-Version: 13\r\n\r\n"]  # fmt: skip
    while not stop.is_set():
        for s in list(socks):  # trickle one byte on every slow one; drop what the server closed
            try:
                s.send(b"a")
            except OSError:
                socks.remove(s)
                s.close()
        while len(socks) < 1500 and not stop.is_set():
            try:
                s = attacker_socket(port, timeout=1)
                s.setblocking(False)
                if data := kinds[len(socks) % 3]:
                    s.send(data)
            except OSError:
                break
            socks.append(s)
            opened[0] += 1
        time.sleep(0.2)
    for s in socks:
        s.close()


def test_a_kiosk_and_a_display_keep_working_while_one_address_holds_1500_sockets(tmp_path: Path) -> None:
    # The usual open-file limit (1,024) with room to raise it: the server raises it itself.
    server = live(tmp_path, {**FAST, "connections_per_address": 256}, nofile="1024:4096").start()
    stop, opened = threading.Event(), [0]
    attack = threading.Thread(target=_attack, args=(server.port, stop, opened), daemon=True)
    try:
        limits = Path(f"/proc/{server.proc.pid}/limits").read_text() if server.proc else ""
        assert re.search(r"Max open files\s+4096\s+4096", limits), limits
        kiosk = server.cli("device", "token", "youyi-k1").split()[-1]
        server.cli("user", "add", "ann", "--role", "clerk", "--site", "youyi", stdin="correct-horse-battery\n")
        clerk = server.call("POST", "/api/v1/auth/token", {"username": "ann", "password": "correct-horse-battery"})
        auth = clerk[1]["token"]
        assert server.call("POST", "/api/v1/counters/youyi-1/open", token=auth)[0] == 200
        attack.start()
        time.sleep(3)  # the attack at full strength: its sockets opened, the first ones timed out
        with site_socket(server) as display:
            calls(server, kiosk, auth, display, 20)
        assert opened[0] > 1500  # the attacker kept reconnecting as the server cut it off
    finally:
        stop.set()
        attack.join(10)
        server.stop()
    assert "Traceback" not in server.log.read_text(errors="replace")


def calls(server: LiveServer, kiosk: str, auth: str, display: ClientConnection, n: int) -> None:
    """The kiosk takes ``n`` tickets, the clerk calls each, the display sees each call."""
    for i in range(n):
        code, ticket = server.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk)
        assert code == 201, (i, ticket)
        code, call = server.call("POST", "/api/v1/counters/youyi-1/call-next", token=auth)
        assert code == 200 and call["ticket"]["number"] == ticket["number"]
        while json.loads(display.recv(timeout=5))["type"] != "ticket.called":
            pass  # the issue, then the call, reach the display
        assert server.call("POST", "/api/v1/counters/youyi-1/done", token=auth)[0] == 200


def test_a_trusted_proxy_counts_toward_the_total_only(tmp_path: Path) -> None:
    server = live(tmp_path, {**FAST, "trusted_proxies": '["127.0.0.2"]'}).start()
    try:
        for _ in range(80):  # more than connections_per_address: they are many clients
            attacker_socket(server.port)
        code, sites = server.call("GET", "/api/v1/sites")
        assert code == 200 and sites
        last = attacker_socket(server.port)
        last.sendall(b"GET /api/v1/sites HTTP/1.1\r\nHost: x\r\n\r\n")
        assert last.recv(65536).startswith(b"HTTP/1.1 200")
    finally:
        server.stop()


def test_the_total_stays_below_the_open_file_limit(tmp_path: Path) -> None:
    server = live(tmp_path, FAST, nofile="256:256").start()  # room for 128 connections
    try:
        answers = []
        for i in range(3, 6):  # three addresses, each under its cap of 64
            for _ in range(60):
                s = socket.socket()
                OPENED.append(s)
                s.settimeout(5)
                s.bind((f"127.0.0.{i}", 0))
                s.connect(("127.0.0.1", server.port))
                answers.append(s)
        s = answers[-1]
        assert read_all(s).startswith(b"HTTP/1.1 503")
    finally:
        server.stop()
