"""Place kiosks and the district page as they are seen (docs/district.md): a place kiosk at the kiosk's
portrait 1080x1920, normal and elder mode, Chinese and English, through its screens (the first screen,
every center now, appointments, the service guide, nearby centers, a remote number's choice, the ID
keypad and the slip); the same kiosk at 23:00, when no center is open; and /district on a phone's
390x844, by day and at 23:00; and the accessibility audit of both. Nothing a resident must press or
read is off-screen, clipped, covered, overflowing or too small."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import audit
from tests.browser.conftest import CLOCK
from tests.browser.layout.check import VIEWPORTS, Layout, info_screens
from tests.live import LiveServer
from tests.registry.test_registry_rules import id_for

PLACE = "wanda-k1"
NIGHT = "2026-05-13T23:00:00+08:00"
KIOSK = (1080, 1920)
PHONE = (390, 844)


@dataclass
class Place:
    live: LiveServer
    token: str

    def url(self, path: str, lang: str = "zh") -> str:
        return f"{self.live.base}{path}{'?lang=en' if lang == 'en' else ''}"

    def kiosk(self, lang: str = "zh") -> str:
        return self.url(f"/kiosk/{PLACE}", lang) + f"#token={self.token}"


def _serve(tmp: Path, clock: str) -> Iterator[Place]:
    live = LiveServer(tmp, clock)
    token = live.cli("device", "token", PLACE).split()[-1]
    with live:
        yield Place(live, token)


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Place]:
    yield from _serve(tmp_path_factory.mktemp("layout-place-day"), CLOCK)


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Place]:
    yield from _serve(tmp_path_factory.mktemp("layout-place-night"), NIGHT)


def walk(page: Page, check: Layout, place: Place, elder: bool, lang: str) -> None:
    mode = "elder" if elder else "normal"
    font = 24 if elder else 16
    wide = int(page.viewport_size is not None and page.viewport_size["width"] > page.viewport_size["height"])
    id_number = id_for("19900101", f"{wide}{int(elder)}{1 if lang == 'zh' else 3}")  # one remote number a day each

    def v(label: str) -> None:
        check(page, f"{label}-{mode}-{lang}", min_font=font)

    page.goto(place.kiosk(lang))
    if elder:
        page.locator("#elder-start").click()
    expect(page.locator("#screen-home")).to_be_visible()
    v("home")
    page.locator("#centers-start").click()
    expect(page.locator("#centers-list .district-site").first).to_be_visible()
    check(page, f"centers-{mode}-{lang}", min_font=font)
    page.locator("#centers-back").click()
    page.locator("#book-start").click()
    v("appointments")
    page.locator("#book-back").click()
    info_screens(page, v, nearby=not elder)
    page.locator("#remote-start").click()
    expect(page.locator("#remote-sites .district-site").first).to_be_visible()
    check(page, f"remote-choose-{mode}-{lang}", min_font=font)
    page.locator("#remote-sites .district-pick").first.click()
    for key in id_number[:-1]:
        page.locator(f'#screen-details .key[data-key="{key}"]').click()
    v("details-keypad")
    page.locator(f'#screen-details .key[data-key="{id_number[-1]}"]').click()
    page.locator("#take").click()
    expect(page.locator("#screen-result")).to_be_visible(timeout=10000)
    expect(page.locator("#r-number")).not_to_be_empty()
    expect(page.locator("#r-arrive")).not_to_be_empty()
    v("slip")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("size", VIEWPORTS["kiosk"], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_place_kiosk_state_fits(
    browser: Browser, day: Place, elder: bool, lang: str, size: tuple[int, int]
) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    check = Layout("kiosk")
    try:
        walk(page, check, day, elder, lang)
    finally:
        context.close()
    check.assert_clean()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_23_the_place_kiosk_offers_booking_and_guides(browser: Browser, night: Place, lang: str) -> None:
    """Done when: at 23:00 a place kiosk says plainly that centers open at 08:30 and no number can be
    taken now, and still offers booking and the guides."""
    context = browser.new_context(viewport={"width": KIOSK[0], "height": KIOSK[1]})
    page = context.new_page()
    check = Layout("kiosk")
    try:
        page.goto(night.kiosk(lang))
        note = page.locator("#centers-closed")
        expect(note).to_be_visible()
        expect(note).to_contain_text("08:30")
        expect(note).to_contain_text("现在不能取号" if lang == "zh" else "No number can be taken now")
        expect(page.locator("#remote-start")).to_be_hidden()
        expect(page.locator("#book-start")).to_be_visible()
        expect(page.locator("#guide-start")).to_be_visible()
        check(page, f"night-home-{lang}", min_font=16)
        page.locator("#book-start").click()
        expect(page.locator("#book-new")).to_be_visible()
        page.locator("#book-new").click()
        expect(page.locator("body.booking-kiosk")).to_be_visible()  # the booking pages at kiosk size
        expect(page.locator(".kiosk-home")).to_be_visible()
        check(page, f"night-booking-{lang}", min_font=16, scrolls=True)
        page.locator(".kiosk-home").click()
        expect(page.locator("#screen-home")).to_be_visible()
        page.locator("#guide-start").click()
        expect(page.locator("#guide-docs li").first).to_be_visible()
        expect(page.locator("#guide-take")).to_be_hidden()  # no number at night
        check(page, f"night-guide-{lang}", min_font=16)
        page.locator("#guide-back").click()
        page.locator("#centers-start").click()
        expect(page.locator("#centers-list .district-site.closed").first).to_be_visible()
        check(page, f"night-centers-{lang}", min_font=16)
    finally:
        context.close()
    check.assert_clean()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_district_page_fits_a_phone(browser: Browser, day: Place, night: Place, lang: str) -> None:
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, has_touch=True, is_mobile=True)
    page = context.new_page()
    check = Layout("phone")
    try:
        page.goto(day.url("/district", lang))
        expect(page.locator("#district-list .district-site")).to_have_count(17)
        expect(page.locator("#centers-closed")).to_be_hidden()
        check(page, f"district-{lang}", min_font=14, scrolls=True)
        page.locator("#near").select_option("wanda")
        expect(page.locator("body")).to_have_attribute("data-near", "wanda")
        expect(page.locator("#district-list .district-km").first).to_be_visible()
        expect(page.locator("body")).to_have_attribute("data-refreshed", re.compile(r"\d+"), timeout=15000)  # polled
        check(page, f"district-near-{lang}", min_font=14, scrolls=True)
        page.goto(night.url("/district", lang))
        expect(page.locator("#centers-closed")).to_contain_text("08:30")
        check(page, f"district-night-{lang}", min_font=14, scrolls=True)
    finally:
        context.close()
    check.assert_clean()


def test_place_kiosk_and_district_page_pass_the_accessibility_audit(browser: Browser, day: Place) -> None:
    """axe-core (WCAG 2.1 A and AA): no serious or critical finding on the place kiosk's screens and /district."""
    context = browser.new_context(viewport={"width": KIOSK[0], "height": KIOSK[1]})
    page = context.new_page()
    findings: list[str] = []
    try:
        page.goto(day.kiosk())
        expect(page.locator("#screen-home")).to_be_visible()
        findings += audit(page, "place home")
        page.locator("#centers-start").click()
        expect(page.locator("#centers-list .district-site").first).to_be_visible()
        findings += audit(page, "place centers")
        page.locator("#centers-back").click()
        page.locator("#remote-start").click()
        expect(page.locator("#remote-sites .district-pick").first).to_be_visible()
        findings += audit(page, "place remote")
        page.locator("#remote-sites .district-pick").first.click()
        findings += audit(page, "place details")
        page.goto(day.url("/district?near=wanda"))
        expect(page.locator("#district-list .district-site").first).to_be_visible()
        findings += audit(page, "district")
    finally:
        context.close()
    assert not findings, "\n".join(findings)
