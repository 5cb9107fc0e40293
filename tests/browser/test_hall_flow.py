"""A resident takes a number at the kiosk, a clerk calls it, the hall display shows and announces it."""

from __future__ import annotations

import re
import time

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.a11y import sign_in
from tests.browser.conftest import Server

NUMBER = re.compile(r"^A\d{3}$")


def open_display(context: BrowserContext, server: Server, site: str) -> Page:
    page = context.new_page()
    page.goto(f"{server.base}/display/{site}")
    expect(page.locator("body")).not_to_have_attribute("data-last-seq", "")  # the snapshot arrived
    return page


def test_kiosk_to_counter_to_display(context: BrowserContext, server: Server) -> None:
    display = open_display(context, server, "youyi")

    kiosk = context.new_page()
    kiosk.goto(f"{server.base}/kiosk/youyi-k1#token={server.kiosk_tokens['youyi-k1']}")
    expect(kiosk).to_have_url(f"{server.base}/kiosk/youyi-k1")  # the token left the address bar
    kiosk.locator('[data-service="general"]').click()
    kiosk.locator("#take").click()
    number_el = kiosk.locator("#r-number")
    expect(number_el).to_have_text(NUMBER)
    number = number_el.inner_text()
    expect(kiosk.locator("#r-ahead")).to_have_text("0 人")
    expect(kiosk.locator("#r-qr")).to_have_attribute("src", re.compile(r"^/qr\.svg\?data=http"))
    assert kiosk.evaluate("localStorage.getItem('kiosk-token:youyi-k1')") == server.kiosk_tokens["youyi-k1"]

    clerk = sign_in(context, server, "clerk1")
    clerk.locator('a[href="/counter/youyi-1"]').click()
    expect(clerk.locator("body")).to_have_attribute("data-state", "open")
    expect(clerk.locator("#queue")).to_contain_text(number)

    with display.expect_request(lambda r: "/api/v1/voice/call.wav" in r.url and f"number={number}" in r.url):
        clerk.locator("body").press("n")
        start = time.monotonic()
        expect(display.locator('[data-counter="youyi-1"] .c-ticket')).to_have_text(number, timeout=1000)
        assert time.monotonic() - start < 1.0
        expect(clerk.locator("#t-number")).to_have_text(number)
        expect(display.locator("#call-log li")).to_have_count(1)
        entry = display.locator("#call-log li").first
        expect(entry).to_have_attribute("data-number", number)
        expect(entry).to_have_attribute("data-counter", "1")
        expect(display.locator("#announce-text")).to_have_text(f"请{number}号到1号窗口办理")
    expect(display.locator("#recent li.newest")).to_contain_text(number)

    # Recall: announced again, as its own entry; then the resident at the kiosk asks for help.
    clerk.locator("body").press("r")
    expect(display.locator("#call-log li")).to_have_count(2)
    kiosk.locator("#help").click()
    expect(kiosk.locator("#help-status")).to_have_text("工作人员马上就到")
    request = clerk.locator("#help-desk .alert-help")
    expect(request).to_contain_text("1号自助机请求帮办")
    request.locator("button.primary").click()  # the clerk takes it: everyone sees who has it
    expect(request).to_contain_text("clerk1 正在前往")
    request.locator("button").click()  # helped: closed for everyone
    expect(request).to_have_count(0)

    # Start and finish: the counter row on the display follows.
    clerk.locator("body").press("s")
    expect(display.locator('[data-counter="youyi-1"]')).to_have_class(re.compile("is-serving"))
    clerk.locator("body").press("d")
    expect(display.locator('[data-counter="youyi-1"] .c-ticket')).to_have_text("—")
    expect(clerk.locator("#t-status")).to_contain_text(number)


def test_display_catches_up_after_a_reconnect(context: BrowserContext, server: Server) -> None:
    kiosk = server.kiosk_tokens["wusong-k1"]
    clerk = server.staff_token("clerk-w")
    server.api("POST", "/api/v1/counters/wusong-1/open", {}, clerk)
    first = server.api("POST", "/api/v1/sites/wusong/tickets", {"service": "general"}, kiosk)["number"]
    missed = server.api("POST", "/api/v1/sites/wusong/tickets", {"service": "general"}, kiosk)["number"]

    display = open_display(context, server, "wusong")
    server.api("POST", "/api/v1/counters/wusong-1/call-next", {}, clerk)
    expect(display.locator(f'#call-log li[data-number="{first}"]')).to_have_count(1)

    display.evaluate("window.hallDisplay.disconnect()")
    server.api("POST", "/api/v1/counters/wusong-1/done", {}, clerk)
    called = server.api("POST", "/api/v1/counters/wusong-1/call-next", {}, clerk)
    assert called["ticket"]["number"] == missed
    time.sleep(0.3)
    expect(display.locator(f'#call-log li[data-number="{missed}"]')).to_have_count(0)

    with display.expect_request(lambda r: "/api/v1/voice/call.wav" in r.url and f"number={missed}" in r.url):
        display.evaluate("window.hallDisplay.connect()")
        expect(display.locator(f'#call-log li[data-number="{missed}"]')).to_have_count(1)
    expect(display.locator('[data-counter="wusong-1"] .c-ticket')).to_have_text(missed)
    expect(display.locator("#call-log li")).to_have_count(2)
    seqs = display.locator("#call-log li").evaluate_all("els => els.map(e => Number(e.dataset.seq))")
    assert len(set(seqs)) == 2 and seqs == sorted(seqs)
    last = display.locator("body").get_attribute("data-last-seq")
    assert last is not None and int(last) >= max(seqs)
    # A second reconnect replays nothing new: still exactly one entry per call.
    display.evaluate("window.hallDisplay.disconnect(); window.hallDisplay.connect()")
    display.wait_for_timeout(500)
    expect(display.locator("#call-log li")).to_have_count(2)
