"""Booking at a place kiosk with the ID card reader (issue 14: "with the ID card reader filling the
applicant"): at 通河新村's kiosk (1080x1920, the simulated ID card module behind the real agent), a
couple opens the booking pages from the kiosk, lays one card after the other on the reader, and each
fills an applicant (masked name and number only; the full number never reaches the page); they type
their phones and book. Chinese and English, laid out cleanly (layout check). A card read after the
form is full goes nowhere; "type instead" empties that applicant. On the look-up ("my booking") a
card gives the last 4 characters of its number."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CLOCK
from tests.browser.layout.check import Layout
from tests.kiosk_rig import KioskRig, rigged_server
from tests.live import LiveServer
from tests.registry.test_registry_rules import id_for

pytestmark = pytest.mark.live

PLACE = "tonghe-k1"
DAY = "2026-05-18"


def card(name: str, sex: str, birth: str, seq: str) -> dict[str, str]:
    return {"name": name, "sex": sex, "nation": "01", "birth_date": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
            "address": "上海市宝山区通河路1号", "id_number": id_for(birth, seq), "issuer": "上海市公安局宝山分局",
            "valid_from": "2016-05-01", "valid_to": "2036-05-01"}  # fmt: skip


COUPLES = {
    "zh": (card("王建国", "1", "19900101", "011"), card("刘芳", "2", "19920202", "022")),
    "en": (card("赵强", "1", "19880303", "031"), card("孙丽", "2", "19910404", "042")),
}


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str, KioskRig]]:
    yield from rigged_server(tmp_path_factory.mktemp("place-card"), CLOCK, PLACE)


def lay(page: Page, rig: KioskRig, person: dict[str, str], party: int) -> None:
    rig.module.take()
    page.wait_for_timeout(1600)  # the agent polls the module every 0.5 s: two empty polls mean taken away
    rig.module.place(person)
    expect(page.locator(f'.party[data-party="{party}"] .card-note')).to_be_visible(timeout=10000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_couple_books_at_a_place_kiosk_with_their_cards(
    browser: Browser, place: tuple[LiveServer, str, KioskRig], lang: str
) -> None:
    live, token, rig = place
    him, her = COUPLES[lang]
    check = Layout("kiosk")
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live.base}/kiosk/{PLACE}{'?lang=en' if lang == 'en' else ''}#token={token}")
    expect(page.locator("body")).to_have_attribute("data-agent", "online", timeout=10000)
    page.locator("#book-start").click()
    page.locator("#book-new").click()  # into /book, at kiosk size
    page.locator("a.choice").click()
    page.locator('a[href^="/book/registry/marriage"]').click()
    page.locator(f'.day[data-date="{DAY}"]').click()
    page.locator(".slot:not([disabled])").first.click()
    expect(page.locator("#book-form")).to_be_visible()
    page.locator("#phone-0").focus()  # typing the first applicant: the first card goes there
    lay(page, rig, him, 0)
    expect(page.locator("#name-0")).to_have_value(him["name"][0] + "*" * (len(him["name"]) - 1))
    expect(page.locator("#id-0")).to_have_value(re.compile(r"^\*+" + him["id_number"][-4:] + "$"))
    lay(page, rig, her, 1)  # the next empty applicant
    expect(page.locator("#id-1")).to_have_value(re.compile(r"^\*+" + her["id_number"][-4:] + "$"))
    assert him["id_number"] not in page.content() and her["name"] not in page.content()
    page.locator("#phone-0").fill("13800138000")
    page.locator("#phone-1").fill("13900139000")
    check(page, f"book-with-cards-{lang}", min_font=16, scrolls=True)
    page.locator("#book-submit").click()
    expect(page.locator("#d-code")).to_have_text(re.compile(r"^[A-Z0-9]{6,}$"), timeout=10000)
    expect(page.locator("#d-people")).to_contain_text(her["id_number"][-4:])
    check(page, f"booked-with-cards-{lang}", min_font=16, scrolls=True)
    code = page.locator("#d-code").inner_text()
    status, booking = live.call("GET", f"/api/v1/appointments/{code}?verify={him['id_number'][-4:]}")
    assert status == 200 and booking["status"] == "booked", booking
    # the look-up at the kiosk: the code, then a card gives the last 4 of its number
    page.goto(f"{live.base}/book/manage?code={code}{'&lang=en' if lang == 'en' else ''}")
    rig.module.take()
    page.wait_for_timeout(1600)
    rig.module.place(her)
    expect(page.locator("#m-verify")).to_have_value(her["id_number"][-4:], timeout=10000)
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator("#m-booking")).to_be_visible()
    check(page, f"looked-up-with-card-{lang}", min_font=16, scrolls=True)
    context.close()
    check.assert_clean()


def test_type_instead_empties_the_applicant(browser: Browser, place: tuple[LiveServer, str, KioskRig]) -> None:
    live, token, rig = place
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live.base}/kiosk/{PLACE}#token={token}")
    expect(page.locator("body")).to_have_attribute("data-agent", "online", timeout=10000)
    page.locator("#book-start").click()
    page.locator("#book-new").click()
    page.locator("a.choice").click()
    page.locator('a[href^="/book/registry/marriage"]').click()
    page.locator(f'.day[data-date="{DAY}"]').click()
    page.locator(".slot:not([disabled])").first.click()
    lay(page, rig, COUPLES["zh"][0], 0)
    expect(page.locator("#name-0")).not_to_be_editable()
    page.locator('.party[data-party="0"] .card-note button').click()
    expect(page.locator("#name-0")).to_have_value("")
    expect(page.locator("#name-0")).to_be_editable()
    expect(page.locator('.party[data-party="0"] .card-note')).to_have_count(0)
    context.close()
