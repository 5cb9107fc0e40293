"""Matters in a real browser, as the issue tells it: at 友谊路 the clerk serving a ticket opens a 居住证
matter for a resident of 吴淞 and prints the receipt; 吴淞's supervisor sees it arrive on the matters
page, starts it and marks it ready; the resident's phone page shows every step; at 吴淞 a 出证领证
ticket taken with the ID card shows the matter at the counter, which hands it over; the resident rates
it. Each screen is laid out at its device's viewport (tests/browser/layout/check.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import sign_in
from tests.browser.conftest import CLOCK, PASSWORD
from tests.browser.layout.check import Layout
from tests.live import LiveServer, OnLive

RESIDENT = "31011519850612107X"
FONT = 14


class Hall(OnLive):
    def __init__(self, live: LiveServer, kiosks: dict[str, str]) -> None:
        self.live = live
        self.kiosks = kiosks

    def take(self, site: str, service: str) -> dict[str, Any]:
        body = {"service": service, "id_number": RESIDENT}
        return dict(self.api("POST", f"/api/v1/sites/{site}/tickets", body, self.kiosks[site]))


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    live = LiveServer(tmp_path_factory.mktemp("matters"), CLOCK)
    for name, role, site in (
        ("m-clerk", "clerk", "youyi"),
        ("w-sup", "supervisor", "wusong"),
        ("w-clerk", "clerk", "wusong"),
    ):
        live.cli("user", "add", name, "--role", role, "--site", site, stdin=PASSWORD + "\n")
    kiosks = {s: live.cli("device", "token", f"{s}-k1").split()[-1] for s in ("youyi", "wusong")}
    live.start()
    try:
        yield Hall(live, kiosks)
    finally:
        live.stop()


def serve(page: Page, number: str) -> None:
    """Call until ``number`` is at this counter, then start it."""
    page.keyboard.press("n")
    expect(page.locator("#t-number")).to_have_text(number)
    page.keyboard.press("s")
    expect(page.locator("body")).to_have_attribute("data-ticket-status", "serving")


def test_a_matter_from_one_center_to_the_other(browser: Browser, hall: Hall) -> None:
    counter, desk, phone = Layout("counter"), Layout("desk"), Layout("phone")
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = sign_in(ctx, hall, "m-clerk")
    page.goto(f"{hall.base}/counter/youyi-1")
    expect(page.locator("body")).to_have_attribute("data-state", "open")
    serve(page, hall.take("youyi", "general")["number"])
    expect(page.locator("#matters-card")).to_be_visible()
    page.keyboard.press("m")
    expect(page.locator("#dlg-matter")).to_be_visible()
    page.select_option("#matter-item", "residence-permit")
    expect(page.locator("#matter-docs .elicence").first).to_be_visible()  # the e-licence marks
    counter(page, "matter-dialog", min_font=FONT, ignore="header, .counter-layout")  # behind the modal
    for box in ("#doc-l-0", "#doc-l-1", "#doc-p-2", "#doc-p-3"):
        page.check(box)
    page.select_option("#matter-home", "wusong")
    with ctx.expect_page() as opened:
        page.locator("#form-matter button[type=submit]").click()
    receipt = opened.value
    receipt.set_viewport_size({"width": 390, "height": 844})
    code = receipt.locator(".receipt-code").inner_text()
    expect(receipt.locator(".receipt")).to_contain_text("2026-06-03")  # 15 working days
    phone(receipt, "matter-receipt", min_font=FONT, scrolls=True)
    receipt.locator("#kiosk-print button").click()  # the kiosk's ESC/POS printer: no agent runs here
    expect(receipt.locator("#kiosk-print-status")).to_contain_text("打印机暂不可用")
    expect(page.locator("#matters-list")).to_contain_text(code)
    counter(page, "matter-accepted", min_font=FONT)
    page.goto(f"{hall.base}/matters?site=youyi")
    page.locator(f"li[data-code={code}] button[data-step=hand-off]").click()
    expect(page.locator("#message")).to_contain_text(code)

    sup = sign_in(browser.new_context(viewport={"width": 1366, "height": 768}), hall, "w-sup")
    sup.goto(f"{hall.base}/matters?site=wusong")
    expect(sup.locator("#incoming")).to_contain_text(code)
    desk(sup, "matters-incoming", min_font=FONT, scrolls=True)
    sup.locator(f"#incoming li[data-code={code}] button[data-step=start]").click()
    expect(sup.locator(f"#open li[data-code={code}]")).to_contain_text("办理中")
    sup.locator(f"li[data-code={code}] button[data-step=ready]").click()
    expect(sup.locator(f"#waiting li[data-code={code}]")).to_be_visible()

    mobile = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    mobile.goto(f"{hall.base}/m/{code}")
    mobile.locator("#verify").fill("0000")
    mobile.locator("#verify-form button").click()
    expect(mobile.locator("#verify-error")).not_to_be_empty()
    mobile.locator("#verify").fill("107x")
    mobile.locator("#verify-form button").click()
    expect(mobile.locator("#m-steps li")).to_have_count(4)
    expect(mobile.locator("#m-notice")).to_contain_text("吴淞")
    phone(mobile, "matter-ready", min_font=FONT, scrolls=True)

    clerk = sign_in(browser.new_context(viewport={"width": 1366, "height": 768}), hall, "w-clerk")
    clerk.goto(f"{hall.base}/counter/wusong-6")
    expect(clerk.locator("body")).to_have_attribute("data-state", "open")
    collect = hall.take("wusong", "certificate")
    mobile.goto(f"{hall.base}/t/{collect['id']}")  # the resident's ticket page names the matter to collect
    expect(mobile.locator("#t-collect")).to_contain_text("居住证申领")
    phone(mobile, "matter-collect-ticket", min_font=FONT, scrolls=True)
    serve(clerk, collect["number"])
    expect(clerk.locator("#matters-list li.ready")).to_contain_text(code)  # this 出证领证 visit is for the matter
    counter(clerk, "matter-to-collect", min_font=FONT)
    clerk.locator("#matters-list li.ready button").click()
    expect(clerk.locator("#matters-list")).to_contain_text("已领取")

    mobile.goto(f"{hall.base}/m/{code}")
    mobile.locator("#verify").fill("107X")
    mobile.locator("#verify-form button").click()
    expect(mobile.locator("#rate")).to_be_visible()
    mobile.locator("#g5").check()
    mobile.locator("#rate-form button[type=submit]").click()
    expect(mobile.locator("#rate-message")).to_contain_text("感谢")
    phone(mobile, "matter-rated", min_font=FONT, scrolls=True)

    # the on-time figure and the rating in the supervisor's statistics page (/admin/stats) too, with its CSV
    sup.goto(f"{hall.base}/admin/stats?site=wusong")
    row = sup.locator("#matter-stats #stats tr").first
    expect(row).to_contain_text("居住证申领")
    expect(row).to_contain_text("1 (100%)")
    expect(sup.locator("#matter-stats #stats-total")).to_have_text("1/1 (100%)")
    with sup.expect_download() as got:
        sup.locator("#matter-stats #stats-csv").click()
    rows = Path(got.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("item,") and rows[1].startswith("residence-permit,"), rows
    desk(sup, "matter-stats", min_font=FONT, scrolls=True, ignore=".u-wrap")  # uPlot's pointer layer over its canvas
    for check in (counter, desk, phone):
        check.assert_clean()


def test_the_english_kiosk_guide_marks_what_an_e_licence_replaces(browser: Browser, hall: Hall) -> None:
    kiosk = Layout("kiosk")
    ctx = browser.new_context(viewport={"width": 1080, "height": 1920})
    page = ctx.new_page()
    page.goto(f"{hall.base}/kiosk/youyi-k1?lang=en#token={hall.kiosks['youyi']}")
    page.locator("#guide-start").click()
    docs = page.locator("#guide-docs li")
    expect(docs.first).to_have_text("Resident ID card (original) (e-licence accepted)")  # 居住证申领, in English
    expect(docs.nth(2)).to_have_text("Proof of employment or study")  # on paper: no mark
    kiosk(page, "guide-elicence-en", min_font=FONT)
    ctx.close()
    kiosk.assert_clean()
