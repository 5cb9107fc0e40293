"""The layout check of the floor's screens, every state at its device's viewports (layout.py):
the phone ticket page in each status, the counter page, the rating pad and the live hall page
with help requests. Device screens (counter, pad) must fit; the phone and hall pages scroll."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import sign_in
from tests.browser.conftest import CLOCK, PASSWORD
from tests.browser.layout.check import Layout
from tests.live import LiveServer, OnLive

SITE, COUNTER, OTHER, PAD = "youyi", "youyi-1", "youyi-2", "youyi-3"
# seniors (green channel); each phone run its own, as one person holds one live ticket per service
ELDERS = {"zh": "110105194802021235", "en": "110105194603031238", "counter": "110105195001011234"}
PHONE_FONT, SCREEN_FONT, COUNTER_FONT = 14, 16, 14  # the counter is read at arm's length, like a desk PC


@dataclass
class Floor(OnLive):
    live: LiveServer
    kiosk: str
    pad: str
    clerk: str
    other: str
    pad_clerk: str

    def take(self, service: str = "general", **extra: Any) -> dict[str, Any]:
        return dict(self.api("POST", f"/api/v1/sites/{SITE}/tickets", {"service": service, **extra}, self.kiosk))

    def act(self, action: str, body: Any = None, counter: str = COUNTER) -> Any:
        token = {COUNTER: self.clerk, OTHER: self.other, PAD: self.pad_clerk}[counter]
        return self.api("POST", f"/api/v1/counters/{counter}/{action}", body or {}, token)

    def set_status(self, ticket_id: str, status: str) -> None:
        """Cancelled and expired have no button to press in a test's morning: set them in the file."""
        with sqlite3.connect(self.live.tmp / "hall.db", timeout=30) as db:
            db.execute("UPDATE tickets SET status = ?, closed_ts = issued_ts WHERE id = ?", (status, ticket_id))


@pytest.fixture(scope="module")
def floor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Floor]:
    live = LiveServer(tmp_path_factory.mktemp("layout-floor"), CLOCK)
    for name, role in (("clerk-f", "clerk"), ("clerk-g", "clerk"), ("clerk-h", "clerk"), ("sup-f", "supervisor")):
        live.cli("user", "add", name, "--role", role, "--site", SITE, stdin=PASSWORD + "\n")
    kiosk = live.cli("device", "token", "youyi-k1").split()[-1]
    pad = live.cli("device", "token", "youyi-d1").split()[-1]
    live.start()
    try:
        tokens = [live.call("POST", "/api/v1/auth/token", {"username": n, "password": PASSWORD})[1]["token"]
                  for n in ("clerk-f", "clerk-g", "clerk-h")]  # fmt: skip
        floor = Floor(live, kiosk, pad, *tokens)
        floor.act("open")
        floor.act("open", counter=OTHER)
        floor.act("open", counter=PAD)
        yield floor
    finally:
        live.stop()


def call(floor: Floor, ticket: dict[str, Any]) -> None:
    """Call at youyi-2 until ``ticket`` is in hand, finishing whoever else comes first."""
    while floor.act("call-next", counter=OTHER)["ticket"]["number"] != ticket["number"]:
        floor.act("done", counter=OTHER)


def phone_tickets(floor: Floor, elder: str) -> dict[str, dict[str, Any]]:
    """One ticket in each status a holder can see (the counter youyi-2 does the work)."""
    out = {name: floor.take() for name in ("done", "voided")}
    call(floor, out["done"])
    floor.act("done", counter=OTHER)
    for _ in range(2):  # general puts a missed ticket back once, then voids it
        call(floor, out["voided"])
        floor.act("no-show", counter=OTHER)
    out["transferred"] = floor.take(id_number=elder)
    call(floor, out["transferred"])
    floor.act("transfer", {"service": "certificate", "position": "arrival"}, counter=OTHER)  # nobody open serves it
    out["requeued"] = floor.take()
    call(floor, out["requeued"])
    floor.act("no-show", counter=OTHER)
    for name in ("waiting", "cancelled", "expired"):
        out[name] = floor.take()
    floor.set_status(out["cancelled"]["id"], "cancelled")
    floor.set_status(out["expired"]["id"], "expired")
    return out


def visit(page: Page, check: Layout, url: str, label: str, status: str, lang: str) -> None:
    page.goto(f"{url}?lang={lang}")
    extra = " requeued" if label == "requeued" else ""
    expect(page.locator("body")).to_have_class(f"ticket-page status-{status}{extra}")
    check(page, f"{label}-{lang}", min_font=PHONE_FONT, scrolls=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_ticket_page_in_every_status(browser: Browser, floor: Floor, lang: str) -> None:
    check = Layout("phone")
    tickets = phone_tickets(floor, ELDERS[lang])
    for context in check.contexts(browser, has_touch=True):
        page = context.new_page()

        for label, status in [("waiting", "waiting"), ("transferred", "waiting"), ("requeued", "waiting"),
                              ("voided", "no_show"), ("cancelled", "cancelled"), ("expired", "expired")]:  # fmt: skip
            visit(page, check, f"{floor.base}/t/{tickets[label]['id']}", label, status, lang)
            if label != "waiting":
                expect(page.locator("#t-note")).to_be_visible()
        visit(page, check, f"{floor.base}/t/{tickets['done']['id']}", "done", "done", lang)
        expect(page.locator("#ev-form")).to_be_visible()
        check(page, f"done-rating-{lang}", min_font=PHONE_FONT, scrolls=True)
        # called and serving: a fresh ticket at the main counter
        t = floor.take()
        call(floor, t)
        visit(page, check, f"{floor.base}/t/{t['id']}", "called", "called", lang)
        expect(page.locator("#t-call")).to_be_visible()
        floor.act("start", counter=OTHER)
        visit(page, check, f"{floor.base}/t/{t['id']}", "serving", "serving", lang)
        floor.act("done", counter=OTHER)
    check.assert_clean()


def staff_pages(check: Layout, browser: Browser, floor: Floor, user: str, path: str) -> Iterator[Page]:
    """``path`` signed in as ``user``, at each viewport of the check's device in turn."""
    for context in check.contexts(browser):
        page = sign_in(context, floor, user)
        page.goto(f"{floor.base}{path}")
        yield page


def test_counter_page_states(browser: Browser, floor: Floor) -> None:
    check = Layout("counter")
    for page in staff_pages(check, browser, floor, "clerk-f", f"/counter/{COUNTER}"):
        expect(page.locator("body")).to_have_attribute("data-state", "open")
        check(page, "idle", min_font=COUNTER_FONT)
        for i in range(24):  # a long waiting list, seniors among them
            floor.take("social" if i % 3 else "general", **({"id_number": ELDERS["counter"]} if i == 5 else {}))
        page.reload()
        # 24 rows or more (not wait_for_function: its polling evaluates a string, which the page's CSP forbids)
        expect(page.locator("#queue tr").nth(23)).to_be_attached()
        check(page, "long-waiting-list", min_font=COUNTER_FONT)
        # no cell of the list breaks over two lines ("综合受/理" at 1366x768 before)
        lines = page.evaluate("""() => [...document.querySelectorAll('#queue tr:not([hidden]) td')]
            .filter((td) => td.textContent.trim())
            .map((td) => { const r = document.createRange(); r.selectNodeContents(td);
                           return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; })""")
        assert lines and max(lines) == 1, lines
        page.keyboard.press("n")
        expect(page.locator("body")).to_have_attribute("data-ticket-status", "called")
        page.keyboard.press("s")
        expect(page.locator("body")).to_have_attribute("data-ticket-status", "serving")
        check(page, "serving", min_font=COUNTER_FONT)
        page.keyboard.press("d")
        expect(page.locator('[data-action="call-next"]')).to_be_enabled()
        page.keyboard.press("n")
        expect(page.locator("body")).to_have_attribute("data-ticket-status", "called")
        page.keyboard.press("x")
        expect(page.locator("#t-status")).to_contain_text("上一号")
        check(page, "after-no-show", min_font=COUNTER_FONT)
        page.keyboard.press("q")
        expect(page.locator("#dlg-close")).to_be_visible()
        expect(page.locator("#dlg-close [data-close]")).to_be_focused()
        check(page, "close-confirmation", min_font=COUNTER_FONT, ignore="header, .counter-layout")  # behind the modal
        page.keyboard.press("Enter")  # the focused button keeps the counter open
        expect(page.locator("#dlg-close")).to_be_hidden()
        expect(page).to_have_url(f"{floor.base}/counter/{COUNTER}")
    check.assert_clean()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rating_pad_states(browser: Browser, floor: Floor, lang: str) -> None:
    check = Layout("pad")
    for context in check.contexts(browser, has_touch=True):
        page = context.new_page()
        page.goto(f"{floor.base}/pad/{PAD}?lang={lang}#token={floor.pad}")
        expect(page.locator("body")).to_have_attribute("data-state", "idle")
        check(page, f"idle-{lang}", min_font=SCREEN_FONT)
        floor.take()
        floor.act("call-next", counter=PAD)
        floor.act("done", counter=PAD)
        expect(page.locator("body")).to_have_attribute("data-state", "prompt")
        if lang == "en":
            expect(page.locator(".grade-5")).to_have_text("Very satisfied")
        check(page, f"rating-{lang}", min_font=SCREEN_FONT)
        page.locator('.grade[data-grade="2"]').click()
        expect(page.locator("#pad-reasons")).to_be_visible()
        page.locator(".reason-chip").first.click()
        page.locator("#pad-comment").fill("等了很久" if lang == "zh" else "A long wait")
        check(page, f"bad-grade-reason-{lang}", min_font=SCREEN_FONT)
        expect(page.locator(".pad-submit")).to_be_in_viewport(ratio=1)
        page.locator(".pad-submit").click()
        expect(page.locator("body")).to_have_attribute("data-state", "thanks")
        check(page, f"thanks-{lang}", min_font=SCREEN_FONT)
    check.assert_clean()


def test_hall_page_with_help_requests(browser: Browser, floor: Floor) -> None:
    check = Layout("desk")
    for page in staff_pages(check, browser, floor, "sup-f", f"/admin/hall?site={SITE}"):
        expect(page.locator("body")).to_have_attribute("data-loaded", "1")
        floor.api("POST", f"/api/v1/sites/{SITE}/help", {}, floor.kiosk)
        expect(page.locator(".help-open")).to_have_count(1)
        check(page, "help-open", min_font=PHONE_FONT, scrolls=True)
        page.locator(".help-open button.primary").click()
        expect(page.locator(".help-claimed")).to_contain_text("sup-f")
        check(page, "help-claimed", min_font=PHONE_FONT, scrolls=True)
        page.locator(".help-claimed button").click()
        expect(page.locator(".help-claimed")).to_have_count(0)
    check.assert_clean()
