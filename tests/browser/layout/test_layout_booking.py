"""The layout check on the booking site at a phone's 390x844, in Chinese and English, through every
state a resident meets: places, services, the day and slot pickers, the applicants form with its
errors (a law refusal among them), the confirmation with code and QR, and "my booking" (look-up,
reschedule, cancel); and the holiday schedule page at a desk PC's 1366x768. Phone pages scroll on
purpose, so they are checked at full height."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import Hall, audit, sign_in, start_hall
from tests.browser.conftest import PASSWORD
from tests.browser.layout.check import VIEWPORTS, Layout
from tests.live import LiveServer
from tests.registry.test_registry_rules import id_for

MIN_FONT = 14
DAY = "2026-05-19"  # a Tuesday, inside the horizon of the suite's clock (2026-05-13)
MOVE_DAY = "2026-05-21"
DECEMBER = "2026-12-15T10:00:00+08:00"  # the booking horizon reaches into 2027, whose schedule is unknown


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    yield from start_hall(tmp_path_factory.mktemp("layout-booking"))


def couple(lang: str) -> list[tuple[str, str, str]]:
    n = "1" if lang == "zh" else "3"  # different people per language: one active booking each
    return [("王小明", id_for("19900101", f"01{n}"), f"1370000000{n}"),
            ("赵小红", id_for("19920202", f"02{int(n) + 1}"), f"1380000000{n}")]  # fmt: skip


def fill(page: Page, people: list[tuple[str, str, str]]) -> None:
    for i, (name, number, phone) in enumerate(people):
        page.locator(f"#name-{i}").fill(name)
        page.locator(f"#id-{i}").fill(number)
        page.locator(f"#phone-{i}").fill(phone)


def book(page: Page, check: Layout, hall: Hall, lang: str) -> str:
    """Every step of a booking, with the errors on the way; returns the booking code."""
    for path, label in [("/book", "places"), ("/book/registry", "services")]:
        page.goto(f"{hall.base}{path}?lang={lang}")
        check(page, f"{label}-{lang}", min_font=MIN_FONT, scrolls=True)
    page.goto(f"{hall.base}/book/registry/marriage?lang={lang}")
    expect(page.locator(f'.day[data-date="{DAY}"]')).to_be_visible()
    check(page, f"days-{lang}", min_font=MIN_FONT, scrolls=True)
    page.locator(f'.day[data-date="{DAY}"]').click()
    expect(page.locator("#slots .slot").first).to_be_visible()
    check(page, f"slots-{lang}", min_font=MIN_FONT, scrolls=True)
    page.locator("#slots .slot").nth(2).click()
    expect(page.locator("#book-form")).to_be_visible()
    check(page, f"form-{lang}", min_font=MIN_FONT, scrolls=True)
    page.locator("#book-submit").click()  # nothing filled in
    expect(page.locator("#form-error")).to_be_visible()
    check(page, f"form-errors-{lang}", min_font=MIN_FONT, scrolls=True)
    him, her = couple(lang)
    fill(page, [him, ("赵大明", id_for("19930303", "033"), "13900000003")])  # two men
    page.locator("#book-submit").click()
    refusal = "一男一女" if lang == "zh" else "one man and one woman"
    expect(page.locator("#form-error")).to_contain_text(refusal)
    expect(page.locator("#id-1-error")).to_contain_text(refusal)
    check(page, f"form-law-refusal-{lang}", min_font=MIN_FONT, scrolls=True)
    assert audit(page, f"law-refusal-{lang}") == []
    fill(page, [him, ("赵小红", id_for("20090101", "024"), her[2])])  # a 17-year-old woman
    page.locator("#book-submit").click()
    expect(page.locator("#id-1-error")).to_contain_text("一千零四十七" if lang == "zh" else "art. 1047")
    check(page, f"form-under-age-{lang}", min_font=MIN_FONT, scrolls=True)
    fill(page, [him, her])
    page.locator("#book-submit").click()
    expect(page.locator("#d-code")).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    expect(page.locator("#d-qr")).to_have_attribute("src", re.compile("code="))
    expect(page.locator("#d-checkin")).to_contain_text(":")
    check(page, f"done-{lang}", min_font=MIN_FONT, scrolls=True)
    return page.locator("#d-code").inner_text()


def manage(page: Page, check: Layout, hall: Hall, lang: str, code: str) -> None:
    page.goto(f"{hall.base}/book/manage?lang={lang}")
    check(page, f"manage-{lang}", min_font=MIN_FONT, scrolls=True)
    page.locator("#m-code").fill(code)
    page.locator("#m-verify").fill("0000")
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator("#lookup-error")).to_be_visible()
    check(page, f"manage-not-found-{lang}", min_font=MIN_FONT, scrolls=True)
    page.locator("#m-verify").fill(couple(lang)[1][2])
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator("#m-booking")).to_be_visible()
    check(page, f"manage-booking-{lang}", min_font=MIN_FONT, scrolls=True)
    page.locator("#b-move").click()
    page.locator(f'#m-days .day[data-date="{MOVE_DAY}"]').click()
    expect(page.locator("#m-slots .slot").first).to_be_visible()
    check(page, f"manage-reschedule-{lang}", min_font=MIN_FONT, scrolls=True)
    step(page, check, "#m-slots .slot >> nth=0", "#m-move-confirm", f"manage-move-confirm-{lang}")
    step(page, check, "#m-move-yes", "#b-message", f"manage-moved-{lang}")
    step(page, check, "#b-cancel", "#b-cancel-confirm", f"manage-cancel-confirm-{lang}")
    page.locator("#b-cancel-yes").click()
    expect(page.locator("#b-status")).to_have_class(re.compile("status-cancelled"))
    check(page, f"manage-cancelled-{lang}", min_font=MIN_FONT, scrolls=True)


def step(page: Page, check: Layout, press: str, shows: str, label: str) -> None:
    """Press ``press``, wait for ``shows``, then check the page as ``label`` (scrolled whole)."""
    page.locator(press).click()
    expect(page.locator(shows)).to_be_visible()
    check(page, label, min_font=MIN_FONT, scrolls=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_booking_site_fits_a_phone(browser: Browser, hall: Hall, lang: str) -> None:
    check = Layout("phone")
    (width, height) = VIEWPORTS["phone"][0]
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True)
    page = context.new_page()
    code = book(page, check, hall, lang)
    manage(page, check, hall, lang, code)
    context.close()
    check.assert_clean()


@pytest.fixture(scope="module")
def december(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("layout-holidays"), DECEMBER)
    live.cli("user", "add", "adm", "--role", "admin", stdin=PASSWORD + "\n")
    live.cli("user", "add", "sup-r", "--role", "supervisor", "--site", "registry", stdin=PASSWORD + "\n")
    live.start()
    try:
        yield live
    finally:
        live.stop()


def signed_in(browser: Browser, server: LiveServer, name: str) -> Page:
    (width, height) = VIEWPORTS["desk"][0]
    return sign_in(browser.new_context(viewport={"width": width, "height": height}), server, name)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_holiday_schedule_page_fits_a_desk(browser: Browser, december: LiveServer, lang: str) -> None:
    check = Layout("desk")
    page = signed_in(browser, december, "adm")
    page.goto(f"{december.base}/admin?lang={lang}")
    expect(page.locator(".holiday-warning")).to_be_visible()
    check(page, f"admin-warning-{lang}", min_font=MIN_FONT, scrolls=True)
    page.locator(".holiday-warning a").click()
    expect(page.locator("h1")).to_contain_text("2027")
    check(page, f"holidays-unconfirmed-{lang}", min_font=MIN_FONT, scrolls=True)
    page.locator("#h-day").fill("2027-01-04")  # a Monday as a 调休 working day: refused
    page.locator("#h-kind").select_option("workday")
    page.locator(".holiday-form button[type=submit]").click()
    expect(page.locator(".form-error[role=alert]")).to_be_visible()
    check(page, f"holidays-error-{lang}", min_font=MIN_FONT, scrolls=True)
    for day, kind in ((f"2027-02-1{1 if lang == 'zh' else 2}", "holiday"), ("2027-02-20", "workday")):
        page.locator("#h-day").fill(day)
        page.locator("#h-kind").select_option(kind)
        page.locator("#h-note").fill("国办发明电〔2026〕号")
        page.locator(".holiday-form button[type=submit]").click()
        expect(page.locator(".saved")).to_be_visible()
    check(page, f"holidays-entered-{lang}", min_font=MIN_FONT, scrolls=True)
    step(page, check, ".holiday-status button[type=submit]", ".holiday-status .badge.ok", f"holidays-confirmed-{lang}")
    assert audit(page, f"holidays-{lang}") == []  # axe-core, WCAG 2.1 AA
    page.locator(".holiday-status button[type=submit]").click()  # withdraw again for the next language
    page.context.close()
    reader = signed_in(browser, december, "sup-r")
    reader.goto(f"{december.base}/admin/holidays?year=2027&lang={lang}")
    check(reader, f"holidays-read-only-{lang}", min_font=MIN_FONT, scrolls=True)
    reader.context.close()
    check.assert_clean()


def test_the_closed_kiosk_offers_check_in(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> None:
    """08:40 at the registry (it opens at 09:00): closed, but a 09:00 couple can check in."""
    live = LiveServer(tmp_path_factory.mktemp("layout-kiosk"), "2026-05-18T08:40:00+08:00")
    token = live.cli("device", "token", "registry-k1").split()[-1]
    live.start()
    check = Layout("kiosk")
    try:
        for width, height in VIEWPORTS["kiosk"]:
            for lang in ("zh", "en"):
                page = browser.new_context(viewport={"width": width, "height": height}).new_page()
                page.goto(f"{live.base}/kiosk/registry-k1?lang={lang}#token={token}")
                expect(page.locator("#screen-closed")).to_be_visible()
                expect(page.locator("#checkin-closed")).to_be_visible()
                check(page, f"closed-{lang}", min_font=MIN_FONT)
                page.locator("#checkin-closed").click()
                expect(page.locator("#screen-checkin")).to_be_visible()
                page.context.close()
    finally:
        live.stop()
    check.assert_clean()
