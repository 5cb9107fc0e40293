"""A remote ticket taken on the phone (SPEC 6b, docs/district.md): at 390x844 /book/now takes
one for a chosen center, then the ticket page says it waits for check-in, until when, and where;
after check-in at the center it is an ordinary waiting ticket. Laid out cleanly in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import CLOCK
from tests.browser.layout.check import VIEWPORTS, Layout
from tests.live import LiveServer

RESIDENTS = {"zh": "31011519900307451X", "en": "310115198506151236"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    server = LiveServer(tmp_path_factory.mktemp("remote"), CLOCK)
    kiosk = server.cli("device", "token", "youyi-k1").split()[-1]
    server.start()
    try:
        yield server, kiosk
    finally:
        server.stop()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_take_a_number_now_on_the_phone_then_check_in(
    browser: Browser, live: tuple[LiveServer, str], lang: str
) -> None:
    server, kiosk = live
    check = Layout("phone")
    width, height = VIEWPORTS["phone"][0]
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    page.goto(f"{server.base}/book/now?lang={lang}")
    check(page, f"remote-form-{lang}", min_font=14, scrolls=True)
    page.select_option("#now-site", "youyi")
    page.select_option("#now-service", "general")
    page.fill("#now-id", RESIDENTS[lang])
    page.click("#now-submit")
    page.wait_for_url("**/t/*")
    ticket_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    body = page.locator("main")
    expect(body).to_contain_text("待签到" if lang == "zh" else "check in")
    expect(body).to_contain_text("密山路")  # where to go
    expect(body).to_contain_text("10:3")  # arrive by: issued at 09:30, within 60 minutes
    assert RESIDENTS[lang][-4:] not in body.inner_text()  # the shareable page names nobody
    check(page, f"remote-ticket-{lang}", min_font=14, scrolls=True)
    status, waiting = server.call("POST", "/api/v1/sites/youyi/check-in", {"ticket": ticket_id}, kiosk)
    assert status in (200, 201) and waiting["status"] == "waiting", waiting
    expect(page.locator("#t-status")).to_have_text("等候中" if lang == "zh" else "Waiting", timeout=10_000)
    expect(page.locator("#row-arrive")).to_be_hidden()  # no deadline once checked in
    check(page, f"remote-checked-in-{lang}", min_font=14, scrolls=True)
    context.close()
    check.assert_clean()
