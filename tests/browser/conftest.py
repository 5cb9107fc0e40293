"""Real-browser tests: the real server in a subprocess, Debian's chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import system
from tests.live import LiveServer, OnLive

CHROMIUM = "/usr/bin/chromium"
CLOCK = "2026-05-13T09:30:00+08:00"  # a Wednesday, open
PASSWORD = "browser-test-password"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API keeps an event loop running in the main
    thread until the session ends, which would break later tests that call ``asyncio.run``."""
    here = Path(__file__).parent
    items.sort(key=lambda item: Path(str(item.path)).is_relative_to(here))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    system.require(Path(CHROMIUM).exists(), "no /usr/bin/chromium (apt-get install chromium fonts-wqy-microhei)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--autoplay-policy=no-user-gesture-required",
        ],
    }


@dataclass
class Server(OnLive):
    live: LiveServer
    kiosk_tokens: dict[str, str]

    def staff_token(self, name: str) -> str:
        return str(self.api("POST", "/api/v1/auth/token", {"username": name, "password": PASSWORD})["token"])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the browser suite: clerks for youyi and wusong, kiosk tokens for both."""
    live = LiveServer(tmp_path_factory.mktemp("browser"), CLOCK)
    live.cli("user", "add", "clerk1", "--role", "clerk", "--site", "youyi", stdin=PASSWORD + "\n")
    live.cli("user", "add", "clerk-w", "--role", "clerk", "--site", "wusong", stdin=PASSWORD + "\n")
    tokens = {k: live.cli("device", "token", k).split()[-1] for k in ("youyi-k1", "wusong-k1")}
    with live:  # started here, stopped after the suite
        yield Server(live, tokens)


@pytest.fixture(scope="session")
def base_url(server: Server) -> str:
    """Replaces pytest-base-url's fixture (deprecated style under pytest 9): pages resolve against the server."""
    return server.base
