"""The least busy center on a busy center's kiosk (SPEC 6b, docs/district.md): when a number taken
at 友谊路 now would wait long and 吴淞, 2.9 km away, has a counter open and nobody waiting, the
kiosk's first screen says so in one line under the services, in Chinese and English, normal and
elder mode, at both kiosk viewports (portrait 1080x1920, landscape 1920x1080), laid out cleanly
(layout check). While 友谊路 is not busy, nothing is suggested."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CLOCK, PASSWORD
from tests.browser.layout.check import Layout
from tests.live import LiveServer

pytestmark = pytest.mark.live

KIOSK = "youyi-k2"  # a token, no agent: the hint needs no device
BUSY = 8  # numbers waiting for 综合受理 at 友谊路 with one counter open: a wait of well over an hour


@dataclass
class Hall:
    live: LiveServer
    kiosk: str
    clerks: dict[str, str]

    def page(self, page: Page, lang: str, elder: bool) -> None:
        query = "?lang=en" if lang == "en" else ""
        page.goto(f"{self.live.base}/kiosk/{KIOSK}{query}#token={self.kiosk}")
        if elder:
            page.locator("#elder-start").click()
        expect(page.locator("#services .service").first).to_be_attached()  # behind 取号 in elder mode

    def open_counter(self, site: str) -> None:
        counter = next(k["id"] for k in self.live.ok("GET", f"/api/v1/sites/{site}")["counters"]
                       if "general" in k["services"])  # fmt: skip
        self.live.ok("POST", f"/api/v1/counters/{counter}/open", {}, self.clerks[site])


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    live = LiveServer(tmp_path_factory.mktemp("layout-nearby"), CLOCK)
    for site in ("youyi", "wusong"):
        live.cli("user", "add", f"clerk-{site}", "--role", "clerk", "--site", site, stdin=PASSWORD + "\n")
    kiosk = live.cli("device", "token", KIOSK).split()[-1]
    with live:
        clerks = {
            site: live.ok("POST", "/api/v1/auth/token", {"username": f"clerk-{site}", "password": PASSWORD})["token"]
            for site in ("youyi", "wusong")
        }
        yield Hall(live, kiosk, clerks)


def test_a_busy_center_kiosk_points_to_a_faster_one_nearby(browser: Browser, hall: Hall) -> None:
    check = Layout("kiosk")
    hall.open_counter("youyi")
    hall.open_counter("wusong")  # 吴淞 is open for 综合受理 with nobody waiting
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    quiet = context.new_page()
    hall.page(quiet, "zh", False)
    quiet.wait_for_timeout(1500)  # the kiosk asks the district once the services are shown
    expect(quiet.locator("#nearby-hint")).to_be_hidden()  # nobody waits here: nothing to suggest
    context.close()
    for _ in range(BUSY):
        hall.live.ok("POST", "/api/v1/sites/youyi/tickets", {"service": "general"}, hall.kiosk)
    for context in check.contexts(browser, has_touch=True):
        for lang in ("zh", "en"):
            for elder in (False, True):
                page = context.new_page()
                hall.page(page, lang, elder)
                hint = page.locator("#nearby-hint")
                expect(hint).to_be_visible()
                if lang == "zh":
                    expect(hint).to_contain_text(re.compile(r"^综合受理：吴淞.* 人少，相距 2\.9 公里，0 人等候"))
                else:
                    expect(hint).to_contain_text(re.compile(r"less waiting at Wusong.*, 2\.9 km away: 0 waiting"))
                expect(hint).to_be_in_viewport(ratio=1)
                check(page, f"nearby-hint-{'elder' if elder else 'normal'}-{lang}", min_font=24 if elder else 16)
                page.close()
    check.assert_clean()
