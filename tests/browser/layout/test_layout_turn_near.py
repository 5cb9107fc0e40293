"""Your turn is near on the phone (SPEC 6b, docs/district.md): at 390x844 the ticket page says so
once ``policy.turn_near_ahead`` (3) or fewer are ahead, and buzzes once per ticket; further back it
says nothing of the kind. Laid out cleanly (layout check) in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import CLOCK, PASSWORD
from tests.browser.layout.check import VIEWPORTS, Layout
from tests.live import LiveServer

SITE, COUNTER = "youyi", "youyi-1"
BUZZ = "window.__buzz = []; navigator.vibrate = (p) => { window.__buzz.push(p); return true; };"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str, str]]:
    server = LiveServer(tmp_path_factory.mktemp("turn-near"), CLOCK)
    server.cli("user", "add", "clerk-n", "--role", "clerk", "--site", SITE, stdin=PASSWORD + "\n")
    kiosk = server.cli("device", "token", "youyi-k1").split()[-1]
    server.start()
    try:
        clerk = server.call("POST", "/api/v1/auth/token", {"username": "clerk-n", "password": PASSWORD})[1]["token"]
        server.call("POST", f"/api/v1/counters/{COUNTER}/open", {}, clerk)
        yield server, kiosk, clerk
    finally:
        server.stop()


def take(server: LiveServer, kiosk: str) -> dict[str, Any]:
    status, body = server.call("POST", f"/api/v1/sites/{SITE}/tickets", {"service": "general"}, kiosk)
    assert status == 201, body
    return dict(body)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_phone_says_and_buzzes_once_when_the_turn_is_near(
    browser: Browser, live: tuple[LiveServer, str, str], lang: str
) -> None:
    server, kiosk, clerk = live
    check = Layout("phone")
    tickets = [take(server, kiosk) for _ in range(5)]
    mine = tickets[-1]  # four ahead
    for width, height in VIEWPORTS["phone"]:  # 390x844
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
        context.add_init_script(BUZZ)
        page = context.new_page()
        page.goto(f"{server.base}/t/{mine['id']}?lang={lang}")
        expect(page.locator("#t-ahead")).to_contain_text("4")
        expect(page.locator("#t-near")).to_be_hidden()
        server.call("POST", f"/api/v1/counters/{COUNTER}/call-next", {}, clerk)  # three ahead now
        near = page.locator("#t-near")
        expect(near).to_be_visible()
        expect(near).to_contain_text("快轮到您了" if lang == "zh" else "Your turn is near")
        assert page.evaluate("window.__buzz.length") == 1
        check(page, f"turn-near-{lang}", min_font=14, scrolls=True)
        server.call("POST", f"/api/v1/counters/{COUNTER}/done", {}, clerk)
        server.call("POST", f"/api/v1/counters/{COUNTER}/call-next", {}, clerk)  # two ahead: still said, no buzz
        expect(page.locator("#t-ahead")).to_contain_text("2")
        page.reload()  # a reload does not buzz again either
        expect(near).to_be_visible()
        assert page.evaluate("window.__buzz.length") == 0
        server.call("POST", f"/api/v1/counters/{COUNTER}/done", {}, clerk)
        for _ in range(3):  # the two left ahead and this ticket: the next language starts afresh
            server.call("POST", f"/api/v1/counters/{COUNTER}/call-next", {}, clerk)
            server.call("POST", f"/api/v1/counters/{COUNTER}/done", {}, clerk)
        context.close()
    check.assert_clean()
