"""Without a mouse: a clerk signs in and works the counter page with Tab and Enter, a resident
books with the keyboard, and a kiosk's help button reaches the supervisor and a free counter.
Every control reached shows a visible focus indicator."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import COUNTER, KIOSK, SITE, Hall, sign_in, start_hall
from tests.browser.conftest import PASSWORD

FOCUS_SHOWN = """() => {
  const s = getComputedStyle(document.activeElement);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
}"""


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    yield from start_hall(tmp_path_factory.mktemp("keyboard"))


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus; it must show that it has."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} not reached with Tab")


def test_counter_page_by_keyboard(browser: Browser, hall: Hall) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{hall.base}/counter")
    expect(page.locator("#username")).to_be_focused()  # autofocus
    page.keyboard.type("clerk-a")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".who")).to_contain_text("clerk-a")
    tab_to(page, f'a[href="/counter/{COUNTER}"]')
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-state", "open")
    waiting = hall.tickets["waiting"]["number"]
    expect(page.locator("#queue")).to_contain_text(waiting)

    tab_to(page, '[data-action="call-next"]')
    page.keyboard.press("Enter")
    expect(page.locator("#t-number")).to_have_text(waiting)
    tab_to(page, '[data-action="start"]')
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-ticket-status", "serving")

    tab_to(page, '[data-action="transfer"]')
    page.keyboard.press("Enter")
    dialog = page.locator("#dlg-transfer")
    expect(dialog).to_be_visible()
    assert page.evaluate("() => document.getElementById('dlg-transfer').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    tab_to(page, '[data-action="done"]')
    page.keyboard.press("Enter")
    expect(page.locator("#t-status")).to_contain_text(waiting)
    expect(page.locator("body")).to_have_attribute("data-ticket-status", "")

    tab_to(page, '[data-action="pause"]')
    page.keyboard.press("Enter")
    expect(page.locator("#dlg-pause")).to_be_visible()
    page.keyboard.press("ArrowDown")  # the reasons are radio buttons: meeting
    tab_to(page, "#form-pause button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-state", "paused")
    tab_to(page, '[data-action="resume"]')
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-state", "open")
    page.context.close()


def test_booking_by_keyboard(browser: Browser, hall: Hall) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{hall.base}/book/{SITE}/marriage")
    tab_to(page, '.day[data-date="2026-05-19"]')
    page.keyboard.press("Enter")
    expect(page.locator("#slot-title")).to_be_focused()  # the next step's heading, for screen readers
    tab_to(page, ".slot:not([disabled])")
    page.keyboard.press("Enter")
    expect(page.locator("#form-title")).to_be_focused()
    people = [("王五", "110101199001011237", "13700137000"), ("赵六", "110101199202023445", "13600136000")]
    for i, (name, id_number, phone) in enumerate(people):
        for field, value in (("name", name), ("id", id_number), ("phone", phone)):
            tab_to(page, f"#{field}-{i}")
            page.keyboard.type(value)
    tab_to(page, "#book-submit")
    page.keyboard.press("Enter")
    expect(page.locator("#done-title")).to_be_focused()
    expect(page.locator("#d-code")).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    page.context.close()


def test_help_button_reaches_the_supervisor_and_a_free_counter(browser: Browser, hall: Hall) -> None:
    hall.live.call("POST", f"/api/v1/counters/{COUNTER}/done", {}, hall.clerk_token)  # the counter is free
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    clerk = sign_in(staff, hall, "clerk-a")
    clerk.goto(f"{hall.base}/counter/{COUNTER}")
    expect(clerk.locator("body")).to_have_attribute("data-ticket-status", "")
    supervisors = browser.new_context(viewport={"width": 1280, "height": 900})
    live = sign_in(supervisors, hall, "sup-a")
    live.goto(f"{hall.base}/admin/hall?site={SITE}")
    expect(live.locator("body")).to_have_attribute("data-loaded", "1")

    # No phone, no card: the resident presses the help button (here with the keyboard).
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1920}).new_page()
    kiosk.goto(f"{hall.base}/kiosk/{KIOSK}#token={hall.kiosk_token}")
    kiosk.locator("#elder-start").click()
    tab_to(kiosk, "#help")
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("#help-status")).to_have_text("工作人员马上就到")
    expect(live.locator(".alert-help")).to_contain_text("1号自助机请求帮办")
    banner = clerk.locator("#help-desk .alert-help")
    expect(banner).to_contain_text("1号自助机请求帮办")
    expect(clerk.locator("#help-live")).to_have_text("1号自助机请求帮办")  # announced (aria-live assertive)
    # the supervisor takes it with the keyboard: the counter sees who has it, and no claim button
    live.locator(".alert-help button.primary").focus()
    live.keyboard.press("Enter")
    expect(live.locator(".alert-help")).to_contain_text("sup-a 正在前往")
    expect(banner).to_contain_text("sup-a 正在前往")
    expect(banner.locator("button.primary")).to_have_count(0)
    for ctx in (staff, supervisors, kiosk.context):
        ctx.close()
