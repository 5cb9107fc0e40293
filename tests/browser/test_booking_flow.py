"""A couple books 结婚登记 on the phone, checks in at the registry's kiosk on the day, and is
called before a walk-in who came earlier: the appointment's slot has started."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.a11y import sign_in
from tests.browser.conftest import PASSWORD
from tests.live import LiveServer

BOOKING_DAY = "2026-05-13T09:30:00+08:00"  # Wednesday: booking opens for the next 30 days
CHECK_IN = "2026-05-18T09:45:00+08:00"  # Monday, 15 minutes before the 10:00 slot
SLOT_STARTED = "2026-05-18T10:01:00+08:00"  # the slot has started: appointments go first
START = "2026-05-18T10:00:00+08:00"
HIM = ("张三", "110105199003071239", "13800138000")
HER = ("李四", "31011519850612174X", "13900139000")
CODE = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$")


@pytest.fixture
def servers() -> Iterator[list[LiveServer]]:
    """Servers started one after another on the same database, each at its own instant."""
    started: list[LiveServer] = []
    yield started
    for s in started:
        s.stop()


def start(servers: list[LiveServer], tmp: Path, clock: str) -> LiveServer:
    for s in servers:
        s.stop()
    live = LiveServer(tmp, clock, pow=True).start()  # the page solves the proof of work as shipped
    servers.append(live)
    return live


def book_in_the_browser(page: Page, base: str) -> str:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/book")
    expect(page.locator("a.choice")).to_have_count(1)  # only the registry takes bookings
    page.locator("a.choice").click()
    page.locator('a[href="/book/registry/marriage"]').click()
    page.locator('.day[data-date="2026-05-18"]').click()
    page.locator(f'.slot[data-start="{START}"]').click()
    expect(page.locator("#form-when")).to_contain_text("10:00–10:30")
    for i, (name, id_number, phone) in enumerate((HIM, HER)):
        page.locator(f"#name-{i}").fill(name)
        page.locator(f"#id-{i}").fill(id_number[:-1] + ("0" if id_number[-1] != "0" else "1"))  # a typo first
        page.locator(f"#phone-{i}").fill(phone)
    page.locator("#book-submit").click()
    expect(page.locator("#id-0-error")).to_have_text("身份证号码有误，请核对。")  # checked before sending
    for i, (_, id_number, _) in enumerate((HIM, HER)):
        page.locator(f"#id-{i}").fill(id_number)
    page.locator("#book-submit").click()
    code_el = page.locator("#d-code")
    expect(code_el).to_have_text(CODE)
    expect(page.locator("#d-when")).to_contain_text("10:00–10:30")
    expect(page.locator("#d-people")).to_contain_text("**************174X")
    expect(page.locator("#d-qr")).to_have_attribute("src", re.compile(r"^/qr/booking\.svg\?code="))
    return code_el.inner_text()


def kiosk_keys(kiosk: Page, text: str) -> None:
    for ch in text:
        kiosk.locator(f'#screen-checkin .ci-entry:not([hidden]) .key[data-key="{ch}"]').click()


def test_book_check_in_and_be_called_first(context: BrowserContext, tmp_path: Path,
                                           servers: list[LiveServer]) -> None:  # fmt: skip
    live = start(servers, tmp_path, BOOKING_DAY)
    live.cli("user", "add", "clerk-r", "--role", "clerk", "--site", "registry", stdin=PASSWORD + "\n")
    kiosk_token = live.cli("device", "token", "registry-k1").split()[-1]
    phone = context.new_page()
    code = book_in_the_browser(phone, live.base)

    # The day: a walk-in takes a counselling number first, then the couple checks in.
    live = start(servers, tmp_path, CHECK_IN)
    status, walk_in = live.call("POST", "/api/v1/sites/registry/tickets", {"service": "counselling"}, kiosk_token)
    assert status == 201, walk_in
    kiosk = context.new_page()
    kiosk.goto(f"{live.base}/kiosk/registry-k1#token={kiosk_token}")
    kiosk.locator("#checkin-start").click()
    kiosk_keys(kiosk, code)
    expect(kiosk.locator("#ci-code")).to_have_value(code)
    kiosk.locator("#ci-submit").click()
    expect(kiosk.locator("#ci-next")).to_contain_text("**************1239")  # both still expected
    kiosk_keys(kiosk, HIM[1])
    kiosk.locator("#ci-submit").click()
    expect(kiosk.locator("#ci-next")).to_have_text("请另一方刷身份证或输入身份证号 **************174X")
    expect(kiosk.locator("#ci-checked")).to_contain_text("**************1239")
    kiosk_keys(kiosk, HER[1])
    kiosk.locator("#ci-submit").click()
    expect(kiosk.locator("#r-number")).to_have_text("J001")
    expect(kiosk.locator("#r-priority")).to_have_text("预约已签到")

    # The slot has started: the clerk at counter 5 (counselling first, then reissue, marriage)
    # gets the appointment before the walk-in who came earlier.
    live = start(servers, tmp_path, SLOT_STARTED)
    clerk = sign_in(context, live, "clerk-r")
    clerk.locator('a[href="/counter/registry-5"]').click()
    expect(clerk.locator("body")).to_have_attribute("data-state", "open")
    expect(clerk.locator("#queue")).to_contain_text(walk_in["number"])
    clerk.locator("body").press("n")
    expect(clerk.locator("#t-number")).to_have_text("J001")
    clerk.locator("body").press("s")
    expect(clerk.locator('[data-action="done"]')).to_be_enabled()
    clerk.locator("body").press("d")
    expect(clerk.locator("#t-status")).to_contain_text("J001")
    status, booking = live.call("GET", f"/api/v1/appointments/{code}?verify=1239")
    assert status == 200 and booking["status"] == "completed", booking
    assert booking["ticket"]["number"] == "J001"
