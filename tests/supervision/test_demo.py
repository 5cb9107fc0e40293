"""`make run`'s demo mode, as a new user meets it: on a Sunday evening the hall still works."""

from __future__ import annotations

import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import LiveServer

pytestmark = pytest.mark.live  # each test starts a server process (tests/live.py)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path, "2026-05-17T20:00:00+08:00", "--demo").start()  # a Sunday, closed
    yield server
    server.stop()


def printed(server: LiveServer) -> str:
    deadline = time.monotonic() + 10
    while "Demo accounts" not in (text := server.log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return text


def test_demo_starts_at_the_next_opening_and_its_printed_urls_work(demo: LiveServer) -> None:
    out = printed(demo)
    assert "2026-05-18 08:30" in out  # Monday's opening
    sites = demo.call("GET", "/api/v1/sites")[1]
    assert next(s for s in sites if s["id"] == "youyi")["open_now"] is True
    token = re.search(r"/kiosk/youyi-k1#token=(\S+)", out)
    assert token is not None
    code, ticket = demo.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, token.group(1))
    assert code == 201 and ticket["number"].startswith("A")
    clerk = re.search(r"clerk\s+(youyi-clerk1)\s+(\S+)", out)
    assert clerk is not None
    code, body = demo.call("POST", "/api/v1/auth/token", {"username": clerk.group(1), "password": clerk.group(2)})
    assert code == 200 and body["role"] == "clerk"
    for path in ("/counter", "/display/youyi", "/admin", "/book", "/kiosk/registry-k1#token=", "/"):
        assert f"{demo.base}{path}" in out


def test_a_newcomer_gets_working_device_links_and_a_registry_clerk(demo: LiveServer) -> None:
    """The home page of the demo links its kiosks and display ready to use (with their tokens), and the
    printed accounts include a clerk of the marriage registry who can sign in there."""
    out = printed(demo)
    clerk = re.search(r"clerk\s+(registry-clerk1)\s+(\S+)", out)
    assert clerk is not None
    code, body = demo.call("POST", "/api/v1/auth/token", {"username": clerk.group(1), "password": clerk.group(2)})
    assert code == 200 and body["role"] == "clerk"
    display = re.search(r"/display/youyi#token=(\S+)", out)
    assert display is not None
    with urllib.request.urlopen(demo.base + "/", timeout=10) as r:
        home = r.read().decode()
    kiosk = re.search(r'href="/kiosk/youyi-k1#token=([^"]+)"', home)
    assert kiosk is not None
    code, _ = demo.call("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, kiosk.group(1))
    assert code == 201
    assert f'href="/display/youyi#token={display.group(1)}"' in home
    assert 'href="/kiosk/wusong-k1"' in home  # no demo token made for it: marked as needing one
