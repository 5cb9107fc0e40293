"""Devices broken on purpose under a resident in elder mode: what the screen AND the voice say.
The paper runs out (no "请取走号票": the voice and the screen say the number is on the screen and the
phone), and the card reader goes away (no "请把身份证放在读卡器上": type the number instead).
Uses luodian-k2, which the other browser tests leave alone."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Server
from tests.kiosk_rig import KioskRig
from web.pages import guide

KIOSK = "luodian-k2"


def says(page: Page, key: str, spoken: list[str], number: str | None = None) -> None:
    """The screen shows the sentence of ``key`` and the voice was asked for that same key."""
    expect(page.locator("body")).to_have_attribute("data-guide", key)
    expect(page.locator("#guide-line")).to_have_text(guide.text(key, "zh", number))
    page.wait_for_timeout(300)
    assert any(f"/voice/guide/{key}.wav" in url for url in spoken), spoken[-3:]


def test_paper_out_and_reader_gone(context: BrowserContext, server: Server, tmp_path: Path) -> None:
    token = server.live.cli("device", "token", KIOSK).split()[-1]
    rig = KioskRig(tmp_path, server.base, KIOSK, token).start()
    try:
        page = context.new_page()
        spoken: list[str] = []
        page.on("request", lambda r: spoken.append(r.url) if "/api/v1/voice/guide/" in r.url else None)
        page.goto(f"{server.base}/kiosk/{KIOSK}#token={token}")
        expect(page.locator("body")).to_have_attribute("data-printer", "ok", timeout=10000)
        page.locator("#elder-start").click()
        page.locator("#take-start").click()
        page.locator('#services [data-service="general"]').click()
        says(page, "details", spoken)  # the reader is there: the voice may point to it

        rig.printer.paper = "out"  # the roll runs out between two residents
        expect(page.locator("body")).to_have_attribute("data-printer", "down", timeout=10000)
        page.locator("#take").click()
        expect(page.locator("#r-fallback")).to_be_visible()
        number = page.locator("#r-number").inner_text()
        assert re.match(r"^A\d{3}$", number)
        says(page, "result_fallback", spoken, number)
        expect(page.locator("#r-print")).not_to_have_text("请取走号票")
        assert "请取走号票" not in page.locator("#guide-line").inner_text()

        rig.stop_agent()  # the reader (and the whole agent) goes away
        rig.module.stop()
        expect(page.locator("body")).to_have_attribute("data-agent", "offline", timeout=40000)
        page.locator("#finish").click()
        page.locator("#elder-start").click()
        page.locator("#take-start").click()
        page.locator('#services [data-service="social"]').click()
        expect(page.locator("#reader-hint")).to_be_visible()
        says(page, "details_typing", spoken)
        assert "读卡器上" not in page.locator("#guide-line").inner_text()
        expect(page.locator("#device-status")).to_contain_text("自助机设备未连接")
    finally:
        rig.stop()
