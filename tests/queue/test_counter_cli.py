"""The counter client (``python -m counter``): its pure parts, then end to end against the
real server started as a subprocess (tests/live.py) with a fresh database."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from counter import keys, render
from counter.client import error_from, ws_url
from counter.keys import Action, Command
from counter.live import LiveFilter, expected_events
from counter.site import SiteInfo, from_detail
from protocol import site
from tests.live import ROOT, LiveServer, free_port

PASSWORD = "clerk-password-1"
CLOCK = "2026-05-13T09:30:00+08:00"
ENV = {**os.environ, "HALL_CLOCK": CLOCK, "PYTHONIOENCODING": "utf-8"}  # the clients'

DETAIL = {
    "id": "youyi",
    "services": [
        {"id": "general", "prefix": "A", "name": "综合受理"},
        {"id": "social", "prefix": "B", "name": "社保医保"},
        {"id": "elderly", "prefix": "C", "name": "养老与救助"},
    ],
    "counters": [
        {"id": "youyi-1", "number": 1, "services": ["general", "social"]},
        {"id": "youyi-3", "number": 3, "services": ["general", "elderly"]},
    ],
}


def site_of(counter_id: str) -> SiteInfo:
    found = from_detail(DETAIL, counter_id)
    assert found is not None
    return found


SITE = site_of("youyi-1")


def ticket(number: str = "A003", **extra: Any) -> dict[str, Any]:
    return {"id": "SECRET-TRACKING-ID", "number": number, "service": "general", "service_name": "综合受理",
            "status": "called", "id_masked": None, "track_url": "http://h/t/SECRET-TRACKING-ID", **extra}  # fmt: skip


def counter(current: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": "youyi-1", "number": 1, "state": "open", "pause_reason": None, "current": current, **extra}


# -- pure parts ------------------------------------------------------------------------
def test_site_from_detail() -> None:
    assert SITE.counter_number == 1 and SITE.counter_services == ("general", "social")
    assert SITE.service_name("social") == "社保医保" and SITE.counter_label("youyi-3") == "3号窗口"
    assert from_detail(DETAIL, "wusong-1") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n", Command(Action.NEXT)),
        (" ", Command(Action.NEXT)),
        ("N", Command(Action.NEXT)),
        ("+", Command(Action.NEXT)),
        ("next", Command(Action.NEXT)),
        ("r", Command(Action.RECALL)),
        ("s", Command(Action.START)),
        ("d", Command(Action.DONE)),
        (".", Command(Action.DONE)),
        ("x", Command(Action.NO_SHOW)),
        ("no-show", Command(Action.NO_SHOW)),
        ("t social f", Command(Action.TRANSFER, ("social", "f"))),
        ("p 1", Command(Action.PAUSE, ("1",))),
        ("u", Command(Action.RESUME)),
        ("i A003", Command(Action.REINSTATE, ("A003",))),
        ("l", Command(Action.LIST)),
        ("?", Command(Action.HELP)),
        ("h", Command(Action.HELP)),
        ("q", Command(Action.QUIT)),
        ("zz", None),
        ("", None),
    ],
)
def test_keys_and_lines_map_to_actions(text: str, expected: Command | None) -> None:
    assert keys.parse(text) == expected


def test_blank_input_is_ignored_but_space_calls() -> None:
    assert keys.is_blank("") and keys.is_blank("   ") and keys.is_blank("\t")
    assert not keys.is_blank(" ") and not keys.is_blank("n")


def test_answers_to_questions() -> None:
    assert [keys.pause_reason(a) for a in ("1", "2", "3", "4", "helping", "9")] == [
        "break", "meeting", "fault", "helping", "helping", None]  # fmt: skip
    assert [keys.position(a) for a in ("f", "A", "front", "arrival", "x")] == [
        "front", "arrival", "front", "arrival", None]  # fmt: skip
    assert keys.transfer_target("social", SITE) == ("service", "social")
    assert keys.transfer_target("b", SITE) == ("service", "social")
    assert keys.transfer_target("3", SITE) == ("counter", "youyi-3")
    assert keys.transfer_target("youyi-3", SITE) == ("counter", "youyi-3")
    assert keys.transfer_target("9", SITE) is None and keys.transfer_target("zz", SITE) is None
    assert keys.ticket_number(" a003 ") == "A003" and keys.ticket_number("003") is None


def test_call_next_line() -> None:
    resp = {"counter": counter(), "ticket": ticket(), "reason": "等候最久：已等 12 分钟 / longest wait: 12 min"}
    line = render.action_line(Action.NEXT, resp)
    assert line == "叫号 A003 (综合受理) — 等候最久：已等 12 分钟 / longest wait: 12 min"
    empty = render.action_line(Action.NEXT, {"counter": counter(), "ticket": None, "reason": "没有等候的号 / nobody"})
    assert "没有等候的号" in empty


def test_lines_show_masked_id_only() -> None:
    t = ticket(id_masked="**************123X", status="done")
    resp = {"counter": counter({"number": "A003", "recalls": 1}), "ticket": t}
    actions = (Action.NEXT, Action.RECALL, Action.START, Action.DONE, Action.NO_SHOW, Action.REINSTATE)
    lines = [render.action_line(a, resp) for a in actions]
    assert all("A003" in line and "**************123X" in line for line in lines)
    assert not any("SECRET" in line or "track" in line for line in lines)
    assert "第 1 次" in lines[1]


def test_no_show_says_what_happened() -> None:
    requeued = render.action_line(Action.NO_SHOW, {"counter": counter(), "ticket": ticket(status="waiting")})
    voided = render.action_line(Action.NO_SHOW, {"counter": counter(), "ticket": ticket(status="no_show")})
    assert "重新排队" in requeued and "作废" in voided


def test_counter_lines() -> None:
    paused = render.action_line(Action.PAUSE, {"counter": counter(state="paused", pause_reason="meeting")})
    assert "会议" in paused
    moved = render.transferred_line({"ticket": ticket(status="waiting")}, "3号窗口", "front")
    assert moved == "转办 A003 → 3号窗口 (排到前面 / to the front)"
    assert render.error_line("counter_busy", "请先办完 / finish first") == "✗ 请先办完 / finish first [counter_busy]"
    assert "A003" in render.busy_line({"number": "A003"})


def test_waiting_list() -> None:
    resp = {"counter": counter(ticket("A003")), "ticket": ticket("A003"),
            "waiting": [{"number": "B002", "service": "social", "priority": "elderly", "waited_minutes": 7},
                        {"number": "A004", "service": "general", "priority": "normal", "requeued": True,
                         "target_counter": "youyi-1", "waited_minutes": 3}]}  # fmt: skip
    lines = render.waiting_list(resp, SITE)
    assert "A003" in lines[0] and lines[1].startswith("等候 2 人")
    assert "B002" in lines[2] and "社保医保" in lines[2] and "已等 7 分钟" in lines[2] and "绿色通道" in lines[2]
    assert "requeued" in lines[3] and "1号窗口" in lines[3]


def test_api_errors_and_urls() -> None:
    body = json.dumps({"error": {"code": "counter_busy", "message": "请先办完"}}).encode()
    e = error_from(409, body)
    assert (e.status, e.code, e.message) == (409, "counter_busy", "请先办完")
    odd = error_from(502, b"<html>Bad Gateway</html>")
    assert odd.code == "http_502" and "Bad Gateway" in odd.message
    assert ws_url("http://127.0.0.1:8000/", "youyi", None) == "ws://127.0.0.1:8000/ws/sites/youyi"
    assert ws_url("https://hall.example/", "youyi", 42) == "wss://hall.example/ws/sites/youyi?since=42"


def test_expected_events() -> None:
    resp = {"counter": counter(), "ticket": ticket()}
    assert expected_events(Action.DONE, resp) == [("ticket.serving", "A003"), ("ticket.done", "A003")]
    assert expected_events(Action.NEXT, {"counter": counter(), "ticket": None}) == []
    paused = {"counter": counter(state="paused"), "ticket": None}
    assert expected_events(Action.PAUSE, paused) == [("counter.updated", "youyi-1:paused")]


def event(seq: int, type_: str, **data: Any) -> site.Message:
    """An event as the site socket sends it, decoded as the client decodes it (protocol.site)."""
    message = {"seq": seq, "type": type_, "site": "youyi", "at": "2026-05-13T09:30:00+08:00", "data": data}
    return site.decode(json.dumps(message))


def public(number: str, status: str, at: str | None = None, service: str = "general") -> dict[str, Any]:
    return {"number": number, "service": service, "status": status,
            "counter": {"id": at, "number": 0} if at else None, "recalls": 0}  # fmt: skip


def snapshot(seq: int, waiting: dict[str, int], current: str | None = None) -> site.Message:
    ours = counter({"number": current} if current else None)
    return site.decode(json.dumps({"type": "snapshot", "seq": seq, "site": "youyi",
                                   "data": {"counters": [ours], "waiting": waiting}}))  # fmt: skip


def test_live_filter_prints_only_what_concerns_this_counter() -> None:
    live = LiveFilter(SITE)
    assert live.handle(snapshot(5, {"general": 2, "elderly": 9}), 0.0) == ["» 等候 / waiting: 综合受理 2 · 社保医保 0"]
    assert live.handle(event(6, "help.requested", kiosk="youyi-k1", kiosk_name="1号自助机"), 1.0) == [
        "» 帮办请求 / help requested: 1号自助机"
    ]
    assert live.handle(event(7, "ticket.called", ticket=public("A001", "called", "youyi-3")), 2.0) == []
    assert live.handle(event(8, "counter.updated", counter=counter(id="youyi-3", state="paused")), 2.0) == []
    # someone else (a supervisor, the web page) acted at our counter: shown
    assert live.handle(event(9, "ticket.called", ticket=public("A002", "called", "youyi-1")), 3.0) == [
        "» 叫号 / called: A002 (综合受理)"
    ]
    assert live.handle(event(10, "ticket.done", ticket=public("A002", "done")), 3.0) == [
        "» 办结 / done: A002 (综合受理)"
    ]
    assert live.handle(event(11, "ticket.done", ticket=public("A001", "done")), 3.0) == []  # not ours
    assert live.handle(event(12, "counter.updated", counter=counter(state="closed")), 3.0) == [
        "» 1号窗口现为 / counter is now: 关闭 / closed"
    ]
    assert live.last_seq == 12


def test_live_filter_skips_what_this_client_did() -> None:
    live = LiveFilter(SITE)
    live.handle(snapshot(1, {}), 0.0)
    resp = {"counter": counter(), "ticket": ticket("A005")}
    live.expect(expected_events(Action.DONE, resp), 1.0)
    assert live.handle(event(2, "ticket.serving", ticket=public("A005", "serving", "youyi-1")), 1.0) == []
    assert live.handle(event(3, "ticket.done", ticket=public("A005", "done")), 1.0) == []
    live.expect(expected_events(Action.PAUSE, {"counter": counter(state="paused")}), 2.0)
    assert live.handle(event(4, "counter.updated", counter=counter(state="paused")), 2.0) == []
    # a close by a supervisor is not what we expected: shown
    assert live.handle(event(5, "counter.updated", counter=counter(state="closed")), 2.0) != []


def test_live_filter_front_transfers_into_our_services() -> None:
    live = LiveFilter(SITE)
    live.handle(snapshot(1, {}), 0.0)
    front = event(2, "ticket.transferred", ticket=public("C004", "waiting", service="social"), position="front")
    assert live.handle(front, 1.0) == ["» 转入 C004 (社保医保) — 排在前面 / transferred to the front"]
    elsewhere = event(3, "ticket.transferred", ticket=public("C005", "waiting", service="elderly"), position="front")
    assert live.handle(elsewhere, 1.0) == []


def test_waiting_totals_at_most_every_ten_seconds() -> None:
    live = LiveFilter(SITE, every=10.0)
    assert live.handle(snapshot(1, {"general": 0}), 0.0) != []
    issued = event(2, "ticket.issued", ticket=public("A001", "waiting"))
    assert live.handle(issued, 1.0) == []  # held back
    assert live.tick(5.0) == []
    assert live.tick(10.5) == ["» 等候 / waiting: 综合受理 1 · 社保医保 0"]
    assert live.tick(30.0) == []  # nothing new
    called = event(3, "ticket.called", ticket=public("A001", "called", "youyi-3"), waiting={"general": 0})
    assert live.handle(called, 31.0) == ["» 等候 / waiting: 综合受理 0 · 社保医保 0"]


def test_replayed_events_after_reconnect_do_not_count_twice() -> None:
    live = LiveFilter(SITE)
    live.handle(snapshot(3, {"general": 1}), 0.0)
    live.handle(snapshot(5, {"general": 2}), 20.0)  # reconnected with since=3
    assert live.handle(event(4, "ticket.issued", ticket=public("A002", "waiting")), 21.0) == []
    assert live.handle(event(5, "help.requested", kiosk_name="2号自助机"), 21.0) == [
        "» 帮办请求 / help requested: 2号自助机"
    ]
    assert live.tick(40.0) == [] and live.last_seq == 5


# -- end to end ------------------------------------------------------------------------
def http(method: str, url: str, body: dict[str, Any] | None = None, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Server(LiveServer):
    """``server.py`` in a subprocess (tests/live.py): accounts made with its command line, then served."""

    def __init__(self, tmp: Path) -> None:
        super().__init__(tmp, CLOCK)
        self.cli("user", "add", "clerk1", "--role", "clerk", "--site", "youyi", stdin=PASSWORD + "\n")
        self.kiosk = self.cli("device", "token", "youyi-k1").split()[-1]
        self.password_file = tmp / "password"
        self.password_file.write_text(PASSWORD + "\n")

    def take(self, service: str = "general") -> dict[str, Any]:
        status, t = http("POST", f"{self.base}/api/v1/sites/youyi/tickets", {"service": service}, self.kiosk)
        assert status == 201, t
        return dict(t)

    def counter_state(self, counter_id: str) -> str:
        _, site = http("GET", f"{self.base}/api/v1/sites/youyi")
        return str(next(k["state"] for k in site["counters"] if k["id"] == counter_id))

    def client_cmd(self, *extra: str, password_file: Path | None = None) -> list[str]:
        return [sys.executable, "-m", "counter", "--server", self.base, "--counter", "youyi-1", "--user", "clerk1",
                "--password-file", str(password_file or self.password_file), *extra]  # fmt: skip


def serving(tmp: Path) -> Iterator[Server]:
    srv = Server(tmp)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Shared by the tests that leave youyi-1 closed and issue no tickets but their own."""
    yield from serving(tmp_path_factory.mktemp("hall"))


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Server]:
    """A server of its own, for a test that stops and restarts it."""
    yield from serving(tmp_path)


def run_client(cmd: list[str], script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=ENV, input=script, capture_output=True, text=True, timeout=30)


@pytest.mark.live
def test_scripted_session(server: Server) -> None:
    first, second = server.take(), server.take()
    script = "n\nr\ns\nd\nd\nn\nq\nx\nl\nq\n"
    done = run_client(server.client_cmd(), script)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "已登录：clerk1" in out
    assert "叫号 A001 (综合受理) — 等候最久" in out and "重呼 A001" in out and "开始办理 A001" in out
    assert out.index("办结 A001 (综合受理) / done") < out.index("叫号 A002 (综合受理)")
    assert "[no_current_ticket]" in out  # the second d: nothing in hand
    assert "手上还有号 A002" in out  # the first q refused: the clerk stays
    assert "过号 A002 (综合受理) — 已重新排队" in out  # general requeues a no-show
    assert "A002   综合受理" in out and "requeued" in out  # l shows it waiting again
    own = [line for line in out.splitlines() if not line.startswith(render.LIVE)]  # live lines come any time
    assert own[-1] == "1号窗口已关闭，再见 / counter 1 closed, goodbye"
    assert first["id"] not in out and second["id"] not in out and "/t/" not in out
    assert server.counter_state("youyi-1") == "closed"


@pytest.mark.live
def test_sign_in_failures_and_unreachable_server(server: Server, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-password\n")
    done = run_client(server.client_cmd(password_file=wrong), "q\n")
    assert done.returncode == 2 and "[bad_credentials]" in done.stdout and "登录失败" in done.stdout
    cmd = server.client_cmd()
    cmd[cmd.index("youyi-1")] = "youyi-99"
    done = run_client(cmd, "q\n")
    assert done.returncode == 2 and "[unknown_counter]" in done.stdout
    down = [sys.executable, "-m", "counter", "--server", f"http://127.0.0.1:{free_port()}", "--counter", "youyi-1",
            "--user", "clerk1", "--password-file", str(server.password_file)]  # fmt: skip
    done = run_client(down, "q\n")
    assert done.returncode == 1 and "无法连接服务器 / cannot reach the server" in done.stdout
    assert server.counter_state("youyi-1") == "closed"


class Lines:
    """A running client's stdout, line by line, waited on with a deadline."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._q: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._q.put(line.rstrip("\n"))
        self._q.put(None)

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._q.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed; got:\n" + "\n".join(self.seen))

    def drain(self, timeout: float = 5.0) -> list[str]:
        """Everything up to the end of the stream."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0 and (line := self._q.get(timeout=left)) is not None:
            self.seen.append(line)
        return self.seen


@pytest.mark.live
def test_live_feed_reconnects_and_skips_own_events(own_server: Server) -> None:
    server = own_server
    with subprocess.Popen(server.client_cmd(), cwd=ROOT, env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as proc:  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None
        try:
            live_session(server, proc.stdin, Lines(proc.stdout))
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()


def live_session(server: Server, stdin: IO[str], out: Lines) -> None:
    out.wait_for("» 等候 / waiting: 综合受理 0 · 社保医保 0")  # the feed's snapshot arrived
    _, asked = http("POST", f"{server.base}/api/v1/sites/youyi/help", {}, server.kiosk)
    out.wait_for("» 帮办请求 / help requested: 1号自助机")
    # the same clerk acts at this counter from elsewhere (the web page): shown live
    server.take()
    _, login = http("POST", f"{server.base}/api/v1/auth/token", {"username": "clerk1", "password": PASSWORD})
    # the clerk helps and closes the request: the kiosk's next press is a new request
    help_url = f"{server.base}/api/v1/sites/youyi/help/{asked['help']['id']}/close"
    assert http("POST", help_url, None, login["token"])[0] == 200
    assert http("POST", f"{server.base}/api/v1/counters/youyi-1/call-next", None, login["token"])[0] == 200
    out.wait_for("» 叫号 / called: A001 (综合受理)")
    # the server restarts: the client says so, reconnects with since and misses nothing
    server.stop()
    out.wait_for("实时连接中断")
    server.start()
    http("POST", f"{server.base}/api/v1/sites/youyi/help", {}, server.kiosk)
    out.wait_for("实时连接已恢复")
    out.wait_for("» 帮办请求")
    stdin.write("d\nq\n")
    stdin.flush()
    out.wait_for("办结 A001 (综合受理) / done")
    out.wait_for("已关闭")
    seen = out.drain()
    assert not any(line.startswith(("» 办结", "» 开始办理")) for line in seen)  # our own d: printed once
    assert sum("帮办请求" in line for line in seen) == 2
