"""Every page, in every state a person meets, audited with axe-core (WCAG 2.1 A and AA):
no finding of impact serious or critical. A new finding fails the test and is printed.

One server, one browser context per kind of visitor (public, clerk, supervisor), pages
reused where possible: the whole audit takes about 20-30 s. The peak days' ballot has servers of
its own (its window and its draw are weeks apart).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import (
    BALLOT,
    BALLOT_DAY,
    BALLOT_DRAWN,
    BALLOT_OPEN,
    BOOKED,
    BOOKING_DAY,
    BOOKING_START,
    CEREMONY_DAY,
    COUNTER,
    KIOSK,
    PUBLIC_PEAK_PAGES,
    SITE,
    SUPERVISOR_PAGES,
    Hall,
    audit,
    choose_service,
    fill_couple,
    sign_in,
    start_hall,
)
from tests.browser.conftest import PASSWORD
from tests.live import LiveServer
from tests.peak.people import body, couple


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


def opened(check: Audit, page: Page, url: str, state: tuple[str, str], label: str, press: tuple[str, str],
           pressed: str | None = None) -> None:  # fmt: skip
    """A page in a state (a body attribute), then what pressing one control shows: both audited."""
    page.goto(url)
    expect(page.locator("body")).to_have_attribute(*state)
    check(page, label)
    page.locator(press[0]).click()
    expect(page.locator(press[1])).to_be_visible()
    check(page, pressed or f"{label}: {press[1]}")


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

    pad = f"{hall.base}/pad/{COUNTER}#token={hall.pad_token}"
    grade = ('.grade[data-grade="2"]', "#pad-reasons")
    opened(check, page, pad, ("data-state", "prompt"), "pad: rating prompt", grade, "pad: reasons")

    booking_pages(page, hall, check)
    for path, label in PUBLIC_PEAK_PAGES:
        page.goto(f"{hall.base}{path}")
        check(page, label)
    ceremony_booking(page, hall, check)

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
    called, transfer = ("data-ticket-status", "called"), ('[data-action="transfer"]', "#dlg-transfer")
    opened(check, clerk, f"{hall.base}/counter/{COUNTER}", called, "counter page with a ticket", transfer,
           "counter page: transfer dialog")  # fmt: skip
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


def ceremony_booking(page: Page, hall: Hall, check: Audit) -> None:
    """Booking a peak day with a ceremony session in the same step, then 'my booking' with the
    ceremony panel (join, move, leave)."""
    page.goto(f"{hall.base}/book/{SITE}/marriage")
    page.locator(f'.day[data-date="{CEREMONY_DAY}"]').click()
    page.locator(f'.slot[data-start="{CEREMONY_DAY}T10:00:00+08:00"]').click()
    expect(page.locator("#ceremony-box .ceremony-option")).to_have_count(3)
    fill_couple(page, 41)
    page.locator('input[name=ceremony][value="morning"]').check()
    check(page, "booking: applicants form with ceremonies")
    page.locator("#book-submit").click()
    expect(page.locator("#d-ceremony-row dd")).to_contain_text("10:00")
    check(page, "booking: confirmation with a ceremony")
    code = page.locator("#d-code").inner_text()
    page.goto(f"{hall.base}/book/manage?code={code}")
    page.locator("#m-verify").fill(couple(41)[0].id_number[-4:])
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator('#ceremony-box input[value="morning"]')).to_be_checked()
    check(page, "my booking: ceremony panel")


def test_the_ballot_pages_have_no_serious_or_critical_finding(browser: Browser, tmp_path: Path) -> None:
    """The 2027-05-20 ballot on servers of its own: its page open (the form, with errors, entered,
    an entry looked up) and the registry's day view taking entries; then drawn: the result, a
    winner's look-up with the confirmation, the day view with the order and the bookings."""
    check = Audit()
    live = LiveServer(tmp_path, BALLOT_OPEN)
    live.cli("user", "add", "sup-a", "--role", "supervisor", "--site", SITE, stdin=PASSWORD + "\n")
    phone = {"width": 390, "height": 844}
    desk = {"width": 1366, "height": 768}
    with live.start():
        page = browser.new_page(viewport=phone)
        page.goto(f"{live.base}/ballot/{BALLOT}")
        check(page, "ballot: open, entry form")
        page.locator("#book-submit").click()
        expect(page.locator("#form-error")).to_be_visible()
        check(page, "ballot: entry form with errors")
        fill_couple(page, 42)
        page.locator('input[name=ceremony][value="noon"]').check()
        page.locator("#book-submit").click()
        expect(page.locator("#entry-code")).to_have_text(re.compile(r"^B[A-Z2-9]{8}$"))
        code = page.locator("#entry-code").inner_text()
        check(page, "ballot: entered")
        look_up(page, code)
        check(page, "ballot: entry looked up")
        for i in range(43, 46):
            live.call("POST", f"/api/v1/ballots/{BALLOT}/entries", {"applicants": body(*couple(i))})
        sup = sign_in(browser.new_context(viewport=desk), live, "sup-a")
        sup.goto(f"{live.base}/admin/appointments?site={SITE}&date={BALLOT_DAY}")
        expect(sup.locator("#ballot-table tbody tr")).to_have_count(4)
        check(sup, "appointments: ballot taking entries")
    with LiveServer(tmp_path, BALLOT_DRAWN).start() as live:  # housekeeping draws it at start
        for _ in range(50):
            if live.call("GET", f"/api/v1/ballots/{BALLOT}")[1]["phase"] == "drawn":
                break
            time.sleep(0.1)
        page = browser.new_page(viewport=phone)
        page.goto(f"{live.base}/ballot/{BALLOT}/result")
        expect(page.locator("#seed")).to_be_visible()
        check(page, "ballot result: drawn")
        page.goto(f"{live.base}/ballot/{BALLOT}")
        look_up(page, code)
        expect(page.locator("#confirm")).to_be_visible()
        check(page, "ballot: a winner looks up, to confirm")
        sup = sign_in(browser.new_context(viewport=desk), live, "sup-a")
        sup.goto(f"{live.base}/admin/appointments?site={SITE}&date={BALLOT_DAY}")
        expect(sup.locator("#ballot-desk")).to_have_attribute("data-phase", "drawn")
        check(sup, "appointments: ballot drawn")
    report = "\n".join(check.findings)
    assert not check.findings, f"{len(check.findings)} accessibility findings on {len(check.pages)} pages:\n{report}"


def look_up(page: Page, code: str) -> None:
    page.locator("#look-code").fill(code)
    page.locator("#look-verify").fill(couple(42)[1].id_number[-4:])
    page.locator("#look-form button").click()
    expect(page.locator("#entry-status")).not_to_be_empty()
