"""The hall kiosk as the person in front of it sees it: every state of its screens at both kiosk
viewports (portrait 1080x1920, landscape 1920x1080), normal and elder mode, Chinese and English;
nothing a resident must press or read is off-screen, clipped, covered, overflowing or too small.

In elder mode every state also checks that the sentence on the screen (``#guide-line``) is the one
the voice speaks for that state (``web.pages.guide.text``), and that every button the sentence names is
on the screen. The 75-year-old's walk to a printed number and to the guide, after an English-speaking
resident, is ``test_elder_after_an_english_resident``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CLOCK
from tests.browser.layout.check import VIEWPORTS, Layout, info_screens
from tests.kiosk_rig import KioskRig
from tests.live import LiveServer
from web.i18n import catalog
from web.pages import guide

PRINTING = "youyi-k1"  # an agent with a printer and an ID card module
BARE = "youyi-k2"  # a token, no agent: nothing prints, no reader
REGISTRY = "registry-k1"  # check-in
NO_TOKEN = "wusong-k2"  # never set up
BEHIND_MODAL = ".kiosk-head, .kiosk-foot, main > :not(#idle-dialog)"
BOOKED = [("张三", "110105199003071239", "13800138000"), ("李四", "31011519850612174X", "13900139000")]


@dataclass
class Kiosks:
    live: LiveServer
    tokens: dict[str, str]
    code: str
    rig: KioskRig

    def url(self, kiosk: str, lang: str = "zh") -> str:
        query = "?lang=en" if lang == "en" else ""
        token = f"#token={self.tokens[kiosk]}" if kiosk in self.tokens else ""
        return f"{self.live.base}/kiosk/{kiosk}{query}{token}"


@pytest.fixture(scope="module")
def kiosks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosks]:
    tmp = tmp_path_factory.mktemp("layout-kiosk")
    live = LiveServer(tmp, CLOCK)
    tokens = {k: live.cli("device", "token", k).split()[-1] for k in (PRINTING, BARE, REGISTRY)}
    live.start()
    rig = KioskRig(tmp, live.base, PRINTING, tokens[PRINTING]).start()
    try:
        status, booking = live.call("POST", "/api/v1/appointments", {
            "site": "registry", "service": "marriage", "start": "2026-05-18T10:00:00+08:00",
            "applicants": [{"name": n, "id_number": i, "phone": p} for n, i, p in BOOKED],
        })  # fmt: skip
        assert status == 201, booking
        yield Kiosks(live, tokens, booking["code"], rig)
    finally:
        rig.stop()
        live.stop()


def spoken_matches_shown(page: Page, lang: str) -> None:
    """Elder mode: the guide line is the voice's sentence for the state, and names only buttons shown."""
    key = page.locator("body").get_attribute("data-guide")
    assert key, "no guidance for this state"
    number = page.locator("#r-number").inner_text() if key.startswith("result_") else None
    expect(page.locator("#guide-line")).to_have_text(guide.text(key, lang, number or None))
    t = catalog(lang)
    for label in guide.GUIDE[key].buttons.values():
        buttons = page.locator("button:visible", has_text=t.gettext(label))
        assert buttons.count() >= 1, f"the voice names “{t.gettext(label)}”, which is not on the screen"


class Visit:
    def __init__(self, page: Page, check: Layout, elder: bool, lang: str) -> None:
        self.page, self.check, self.elder, self.lang = page, check, elder, lang

    def __call__(self, label: str, *, modal: bool = False) -> None:
        mode = "elder" if self.elder else "normal"
        elder = self.elder and label != "unauthorised"  # no elder mode before the kiosk is set up
        if elder:
            spoken_matches_shown(self.page, self.lang)
        behind = BEHIND_MODAL if modal else None  # a modal dialog makes the page behind it inert
        self.check(self.page, f"{label}-{mode}-{self.lang}", min_font=24 if elder else 16, ignore=behind)

    def open(self, url: str) -> None:
        self.page.goto(url)
        if self.elder:
            self.page.locator("#elder-start").click()

    def pick(self, service: str) -> None:
        if self.elder:
            self.page.locator("#take-start").click()
        self.page.locator(f'#services [data-service="{service}"]').click()


def walk(v: Visit, k: Kiosks) -> None:
    page = v.page
    v.open(k.url(PRINTING, v.lang))
    expect(page.locator("body")).to_have_attribute("data-printer", "ok", timeout=10000)
    v("start")
    v.pick("general")
    page.locator("#details-title").wait_for()
    for key in "11010519900307123":
        page.locator(f'#screen-details .key[data-key="{key}"]').click()
    v("details-keypad")
    page.locator('#screen-details .key[data-key="9"]').click()
    page.locator("#take").click()
    expect(page.locator("body")).to_have_attribute("data-print", "printed", timeout=10000)
    v("result-printed")
    page.locator("#help").click()
    expect(page.locator("#help-status")).not_to_be_empty()
    v("help-sent")
    page.locator("#finish").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")  # the next resident starts in Chinese
    v.open(k.url(PRINTING, v.lang))
    info_screens(page, v)

    v.open(k.url(BARE, v.lang))  # no agent: nothing prints, no card reader
    v.pick("social")
    v("details-no-reader")
    page.locator("#take").click()
    expect(page.locator("#r-fallback")).to_be_visible(timeout=10000)
    v("result-not-printed")

    v.open(k.url(REGISTRY, v.lang))
    page.locator("#checkin-start").click()
    v("checkin-code")
    for key in "ZZZZZZZZ":
        page.locator(f'#ci-code-entry .key[data-key="{key}"]').click()
    page.locator("#ci-submit").click()
    expect(page.locator("#ci-problem")).to_be_visible()
    v("checkin-not-found")
    page.locator("#ci-back").click()
    page.locator("#checkin-start").click()
    page.locator('.ci-mode[data-mode="id"]').click()
    for key in "110105199003071230":  # a wrong check digit
        page.locator(f'#ci-id-entry .key[data-key="{key}"]').click()
    page.locator("#ci-submit").click()
    expect(page.locator("#ci-id-error")).not_to_be_empty()
    v("checkin-id-invalid")
    page.clock.fast_forward("04:00")  # nobody touches the screen: "do you need more time?"
    expect(page.locator("#idle-dialog")).to_be_visible()
    if v.elder:
        expect(page.locator("body")).to_have_attribute("data-guide", "timeout")
    v("timeout", modal=True)
    page.locator("#idle-more").click()

    page.goto(k.url(NO_TOKEN, v.lang))
    expect(page.locator("#screen-unauthorised")).to_be_visible()
    v("unauthorised")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("size", VIEWPORTS["kiosk"], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_kiosk_state_fits(browser: Browser, kiosks: Kiosks, size: tuple[int, int], elder: bool,
                                lang: str) -> None:  # fmt: skip
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.clock.install()
    check = Layout("kiosk")
    try:
        walk(Visit(page, check, elder, lang), kiosks)
    finally:
        context.close()
    check.assert_clean()


def test_unauthorised_is_said_at_load(browser: Browser, kiosks: Kiosks) -> None:
    """A kiosk without a (valid) token says so on its first screen, before anyone picks or types."""
    context = browser.new_context(viewport={"width": 1080, "height": 1920})
    page = context.new_page()
    page.goto(kiosks.url(NO_TOKEN))
    expect(page.locator("#screen-unauthorised")).to_be_visible()
    expect(page.locator("#screen-unauthorised")).to_contain_text("本机尚未授权")
    expect(page.locator("#services .service").first).to_be_hidden()
    page.goto(f"{kiosks.live.base}/kiosk/{BARE}#token=not-the-token")  # a refused token
    page.evaluate(f"localStorage.setItem('kiosk-token:{BARE}', 'not-the-token')")
    page.reload()
    expect(page.locator("#screen-unauthorised")).to_be_visible(timeout=10000)
    context.close()


def test_elder_after_an_english_resident(browser: Browser, kiosks: Kiosks) -> None:
    """Done when: a 75-year-old gets a printed number, and the guide on screen, in Chinese and with
    nothing off-screen, right after an English-speaking resident used the kiosk."""
    for size in VIEWPORTS["kiosk"]:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        page = context.new_page()
        page.goto(kiosks.url(PRINTING))
        page.locator(".lang-switch").click()  # the resident before: English, typed an ID number
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.locator('#services [data-service="social"]').click()
        page.locator('#screen-details .key[data-key="1"]').click()
        page.locator("#back").click()
        page.locator("#guide-start").click()
        page.locator("#guide-back").click()
        page.locator('#services [data-service="general"]').click()
        page.locator("#take").click()
        page.locator("#finish").click()  # done: the next resident gets a Chinese kiosk
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        check = Layout("kiosk")
        visit = Visit(page, check, True, "zh")
        page.locator("#elder-start").click()
        visit("elder-75-start")
        page.locator("#take-start").click()
        tiles = page.locator("#services .service")
        expect(tiles).to_have_count(4)  # four to a page (three services and 更多业务), not three
        grid, foot = page.locator("#services").bounding_box(), page.locator(".kiosk-foot").bounding_box()
        assert grid is not None and foot is not None
        gap = foot["y"] - (grid["y"] + grid["height"])  # only 返回 goes between the tiles and the footer
        assert gap < 220, f"the services leave {gap:.0f} px of the screen empty"
        page.locator('#services [data-service="elderly"]').click()
        expect(page.locator("#id-number")).to_have_value("")
        visit("elder-75-details")
        page.locator("#take").click()
        expect(page.locator("body")).to_have_attribute("data-print", "printed", timeout=10000)
        expect(page.locator("#r-print")).to_have_text("请取走号票")
        expect(page.locator("#r-number")).to_have_text(re.compile(r"^C\d{3}$"))
        visit("elder-75-printed")
        page.locator("#finish").click()
        page.locator("#elder-start").click()
        page.locator("#guide-start").click()
        expect(page.locator("#guide-docs li").first).to_be_visible()
        visit("elder-75-guide")
        context.close()
        check.assert_clean()
