"""Every page, in every state a person meets, audited with axe-core (WCAG 2.1 A and AA):
no finding of impact serious or critical. A new finding fails the test and is printed.

One server, one browser context per kind of visitor (public, clerk, supervisor), pages
reused where possible: the whole audit takes about 20-30 s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import (
    BOOKED,
    BOOKING_DAY,
    BOOKING_START,
    COUNTER,
    KIOSK,
    SITE,
    SUPERVISOR_PAGES,
    Hall,
    audit,
    choose_service,
    sign_in,
    start_hall,
)


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    yield from start_hall(tmp_path_factory.mktemp("a11y"))


class Audit:
    def __init__(self) -> None:
        self.findings: list[str] = []
        self.pages: list[str] = []

    def __call__(self, page: Page, label: str, ready: Callable[[], object] | None = None) -> None:
        if ready is not None:
            ready()
        self.pages.append(label)
        self.findings += audit(page, label)


def kiosk_screens(page: Page, hall: Hall, check: Audit, mode: str) -> None:
    """First screen, service details with the ID keypad, the ticket, and check-in (code and ID)."""
    page.goto("about:blank")  # a fresh load, not a jump to the fragment
    page.goto(f"{hall.base}/kiosk/{KIOSK}#token={hall.kiosk_token}")
    expect(page.locator("#screen-services")).to_be_visible()
    if mode == "elder":
        page.locator("#elder-start").click()
        expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
    check(page, f"kiosk {mode}: services")
    choose_service(page, "counselling")
    expect(page.locator("#screen-details")).to_be_visible()
    page.locator('#screen-details .key[data-key="1"]').click()
    check(page, f"kiosk {mode}: ID keypad")
    page.locator('#screen-details .key[data-key="back"]').click()
    page.locator("#take").click()
    expect(page.locator("#r-number")).to_have_text(re.compile(r"^[A-Z]\d{3}$"))
    check(page, f"kiosk {mode}: ticket")
    page.locator("#finish").click()
    if mode == "elder":
        page.locator("#elder-start").click()
    page.locator("#checkin-start").click()
    expect(page.locator("#screen-checkin")).to_be_visible()
    check(page, f"kiosk {mode}: check-in by code")
    page.locator('.ci-mode[data-mode="id"]').click()
    for ch in "123":
        page.locator(f'#ci-id-entry .key[data-key="{ch}"]').click()
    page.locator("#ci-submit").click()
    expect(page.locator("#ci-id-error")).not_to_be_empty()
    check(page, f"kiosk {mode}: check-in by ID, with an error")


def test_every_page_has_no_serious_or_critical_finding(browser: Browser, hall: Hall) -> None:
    check = Audit()
    public = browser.new_context(viewport={"width": 1280, "height": 900})
    page = public.new_page()

    page.goto(f"{hall.base}/")
    check(page, "landing")
    page.goto(f"{hall.base}/no/such/page")
    check(page, "error page")
    page.goto(f"{hall.base}/?lang=en")
    check(page, "landing (English)")
    page.goto(f"{hall.base}/?lang=zh")

    for mode in ("normal", "elder"):
        kiosk_screens(page, hall, check, mode)
    page.goto(f"{hall.base}/kiosk/{KIOSK}?lang=en")
    check(page, "kiosk (English)")
    page.goto(f"{hall.base}/?lang=zh")

    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{hall.base}/display/{SITE}")
    expect(page.locator("body")).not_to_have_attribute("data-last-seq", "")
    hall.counter("call-next")  # the waiting ticket is called: the board shows and announces it
    expect(page.locator("#announce-text")).to_contain_text(hall.tickets["waiting"]["number"])
    page.wait_for_timeout(1100)  # the flash of a new call is over
    check(page, "display board")

    page.goto(f"{hall.base}/t/{hall.tickets['unrated']['id']}")
    expect(page.locator("#evaluate")).to_be_visible()
    check(page, "ticket page: done, rating form")
    page.locator('#ev-grades input[value="1"]').check()
    page.locator("#ev-form button[type=submit]").click()
    expect(page.locator("#ev-error")).to_be_visible()
    check(page, "ticket page: rating with an error")
    waiting = hall.take()
    page.goto(f"{hall.base}/t/{waiting['id']}")
    check(page, "ticket page: waiting")

    page.goto(f"{hall.base}/pad/{COUNTER}#token={hall.pad_token}")
    expect(page.locator("body")).to_have_attribute("data-state", "prompt")
    check(page, "pad: rating prompt")
    page.locator('.grade[data-grade="2"]').click()
    expect(page.locator("#pad-reasons")).to_be_visible()
    check(page, "pad: reasons")

    booking_pages(page, hall, check)

    clerk_context = browser.new_context(viewport={"width": 1280, "height": 900})
    clerk = clerk_context.new_page()
    clerk.goto(f"{hall.base}/counter")
    check(clerk, "counter sign-in")
    clerk.locator("#username").fill("clerk-a")
    clerk.locator("#password").fill("wrong password")
    clerk.locator("button[type=submit]").click()
    expect(clerk.locator("#login-error")).to_be_visible()
    check(clerk, "counter sign-in with an error")
    clerk.close()
    clerk = sign_in(clerk_context, hall, "clerk-a")
    check(clerk, "counter choice")
    clerk.goto(f"{hall.base}/counter/{COUNTER}")
    expect(clerk.locator("body")).to_have_attribute("data-ticket-status", "called")
    check(clerk, "counter page with a ticket")
    clerk.locator('[data-action="transfer"]').click()
    expect(clerk.locator("#dlg-transfer")).to_be_visible()
    check(clerk, "counter page: transfer dialog")
    clerk.keyboard.press("Escape")

    sup_context = browser.new_context(viewport={"width": 1280, "height": 900})
    sup = sign_in(sup_context, hall, "sup-a")
    for path, label, ready in [*SUPERVISOR_PAGES, (f"/admin/hall?site={SITE}", "live hall", "data-loaded")]:
        sup.goto(f"{hall.base}{path}")
        if ready:
            expect(sup.locator("body")).to_have_attribute(ready, "1")
        check(sup, label)

    for ctx in (public, clerk_context, sup_context):
        ctx.close()
    report = "\n".join(check.findings)
    assert not check.findings, f"{len(check.findings)} accessibility findings on {len(check.pages)} pages:\n{report}"
    assert len(check.pages) >= 30


def booking_pages(page: Page, hall: Hall, check: Audit) -> None:
    """Each step of booking (day, time, applicants with errors, confirmation) and 'my booking'."""
    page.goto(f"{hall.base}/book")
    check(page, "booking: places")
    page.goto(f"{hall.base}/book/{SITE}")
    check(page, "booking: services")
    page.goto(f"{hall.base}/book/{SITE}/marriage")
    check(page, "booking: day")
    page.locator(f'.day[data-date="{BOOKING_DAY}"]').click()
    expect(page.locator(f'.slot[data-start="{BOOKING_START}"]')).to_be_visible()
    check(page, "booking: time")
    page.locator(".slot:not([disabled])").last.click()
    expect(page.locator("#book-form")).to_be_visible()
    check(page, "booking: applicants form")
    page.locator("#book-submit").click()
    expect(page.locator("#form-error")).to_be_visible()
    check(page, "booking: applicants form with errors")
    people = [("王五", "110101199001011237", "13700137000"), ("赵六", "110101199202023445", "13600136000")]
    for i, (name, id_number, phone) in enumerate(people):
        page.locator(f"#name-{i}").fill(name)
        page.locator(f"#id-{i}").fill(id_number)
        page.locator(f"#phone-{i}").fill(phone)
    page.locator("#book-submit").click()
    expect(page.locator("#step-done")).to_be_visible()
    check(page, "booking: confirmation")

    page.goto(f"{hall.base}/book/manage")
    check(page, "my booking: look-up")
    page.locator("#lookup-form button[type=submit]").click()
    check(page, "my booking: look-up with errors")
    page.locator("#m-code").fill(hall.booking_code)
    page.locator("#m-verify").fill(BOOKED[0][1][-4:])
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator("#m-booking")).to_be_visible()
    check(page, "my booking: found")
    page.locator("#b-move").click()
    expect(page.locator(".day").first).to_be_visible()
    check(page, "my booking: reschedule")
