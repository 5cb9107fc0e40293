"""Elder mode on the kiosk and the hall display board, measured as rendered in chromium.

Elder mode: text >= 24 px (main actions >= 30 px), targets >= 60x60 px, line height >= 1.3,
contrast >= 4.5:1 (from the computed colours), at most four choices a screen, the help button
always on screen, each step spoken, no timeout under 60 s and a countdown with "more time".
Display: the called number and counter are the largest text, every call is shown as text and
spoken. Both at 1920x1080 and at a 1080x1920 portrait kiosk, with no clipped or overlapping
text; ``HALL_SCREENSHOTS=1`` saves the screenshots of docs/screenshots/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import KIOSK, MEASURE_JS, SITE, Hall, choose_service, start_hall

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    yield from start_hall(tmp_path_factory.mktemp("elder"))


def shot(page: Page, name: str, tmp: Path) -> None:
    """A PNG for the record: under docs/screenshots with HALL_SCREENSHOTS=1, else in the test's tmp."""
    target = SHOTS if os.environ.get("HALL_SCREENSHOTS") else tmp
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.png"
    page.screenshot(path=path)
    assert path.stat().st_size < 300_000, (path, path.stat().st_size)


def check_screen(page: Page, label: str, elder: bool = True) -> dict[str, Any]:
    m: dict[str, Any] = page.evaluate(MEASURE_JS)
    assert len(m["texts"]) >= 3 and m["controls"], m  # something was measured
    problems = [f"{label}: {o}" for o in m["overlaps"]]
    problems += [f"{label}: clipped {t['name']}" for t in m["texts"] if t["clipped"]]
    if m["overflowX"]:
        problems.append(f"{label}: wider than the screen")
    if elder:
        for t in m["texts"]:
            if t["size"] < 24:
                problems.append(f"{label}: {t['name']} text {t['size']:.1f}px < 24")
            if t["lineHeight"] < 1.3:
                problems.append(f"{label}: {t['name']} line height {t['lineHeight']:.2f} < 1.3")
            if t["contrast"] < 4.5:
                problems.append(f"{label}: {t['name']} contrast {t['contrast']:.2f} < 4.5")
        for c in m["controls"]:
            if c["width"] < 60 or c["height"] < 60:
                problems.append(f"{label}: {c['name']} is {c['width']:.0f}x{c['height']:.0f} px < 60x60")
            if c["main"] and c["text"] < 30:
                problems.append(f"{label}: main action {c['name']} text {c['text']:.1f}px < 30")
        if len(m["choices"]) > 4:
            problems.append(f"{label}: {len(m['choices'])} choices > 4: {m['choices']}")
        if not m["helpOnScreen"]:
            problems.append(f"{label}: the help button is not on screen")
    assert not problems, "\n".join(problems)
    return m


def expect_guide(page: Page, key: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-guide", key)


@pytest.mark.parametrize("layout", list(SIZES))
def test_elder_mode_is_large_clear_simple_and_spoken(browser: Browser, hall: Hall, layout: str,
                                                     tmp_path: Path) -> None:  # fmt: skip
    width, height = SIZES[layout]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.clock.install()  # the kiosk's timers run when the test says so
    spoken: list[str] = []
    page.on("response", lambda r: spoken.append(r.url) if "/api/v1/voice/guide/" in r.url and r.ok else None)
    page.goto(f"{hall.base}/kiosk/{KIOSK}#token={hall.kiosk_token}")
    start = page.locator("#elder-start")
    box = start.bounding_box()
    assert box is not None and box["height"] >= 60 and box["width"] >= 300  # one large button, first screen
    expect(start).to_contain_text("长辈模式")
    start.click()
    expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
    expect_guide(page, "elder")
    check_screen(page, "start")
    page.locator("#take-start").click()  # the first screen's four tiles: take a number, check in, guide, nearby
    expect_guide(page, "services")
    check_screen(page, "services")
    shot(page, f"elder-services-{layout}", tmp_path)

    # Pages of services: four tiles at most, "more services" among them.
    if page.locator("#more-services").count():
        page.locator("#more-services").click()
        check_screen(page, "services, next page")
    choose_service(page, "counselling")
    expect_guide(page, "details_typing")  # this hall has no kiosk agent: no card reader to point to
    check_screen(page, "ID keypad")
    shot(page, f"elder-details-{layout}", tmp_path)

    page.locator("#priority-open").click()
    expect_guide(page, "priority")
    check_screen(page, "priority")
    page.locator('.prio-choice[data-priority="disabled"]').click()
    expect(page.locator("#priority-chosen")).to_contain_text("✓")  # not colour alone

    # No timeout under 60 s: the warning comes after 120 s, then counts down 60 s with "more time".
    page.clock.run_for(119_000)
    expect(page.locator("#idle-dialog")).to_be_hidden()
    page.clock.run_for(2_000)
    expect(page.locator("#idle-dialog")).to_be_visible()
    expect_guide(page, "timeout")
    assert int(page.locator("#idle-countdown").inner_text()) >= 58
    check_screen(page, "more time?")
    page.locator("#idle-more").click()
    expect(page.locator("#idle-dialog")).to_be_hidden()
    expect(page.locator("#screen-details")).to_be_visible()

    page.locator("#take").click()
    expect(page.locator("#r-number")).to_have_text(re.compile(r"^[A-Z]\d{3}$"))
    number = page.locator("#r-number").inner_text()
    expect_guide(page, "result_fallback")  # and no printer: the voice does not say "take your ticket"
    assert int(page.locator("#r-countdown").inner_text()) >= 120
    check_screen(page, "ticket")
    shot(page, f"elder-ticket-{layout}", tmp_path)
    page.locator("#finish").click()

    page.locator("#elder-start").click()
    page.locator("#checkin-start").click()
    expect_guide(page, "checkin")
    check_screen(page, "check-in")
    page.locator('.ci-mode[data-mode="id"]').click()
    expect(page.locator('.ci-mode[data-mode="id"]')).to_have_accessible_name(re.compile("✓"))  # a mark, not colour
    check_screen(page, "check-in by ID")

    page.locator("#help").click()
    expect(page.locator("#help-status")).not_to_be_empty()
    expect_guide(page, "help")
    page.wait_for_timeout(200)
    keys = {re.search(r"/guide/(\w+)\.wav", url).group(1) for url in spoken}  # type: ignore[union-attr]
    assert {"elder", "details_typing", "priority", "timeout", "result_fallback", "checkin", "help"} <= keys, keys
    assert any(f"number={number}" in url for url in spoken)
    context.close()


@pytest.mark.parametrize("layout", list(SIZES))
def test_display_board_shows_and_speaks_each_call_largest(browser: Browser, hall: Hall, layout: str,
                                                          tmp_path: Path) -> None:  # fmt: skip
    width, height = SIZES[layout]
    context = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{hall.base}/display/{SITE}")
    expect(page.locator("body")).not_to_have_attribute("data-last-seq", "")
    hall.take()
    hall.live.call("POST", "/api/v1/counters/registry-5/done", {}, hall.clerk_token)  # whatever it had
    with page.expect_request(lambda r: "/api/v1/voice/call.wav" in r.url) as spoken:
        ticket = hall.counter("call-next")["ticket"]
        expect(page.locator("#call-number")).to_have_text(ticket["number"])
    assert f"number={ticket['number']}" in spoken.value.url  # announced for residents who cannot read
    expect(page.locator("#call-counter")).to_have_text("5号窗口")
    sentence = f"请{ticket['number']}号到5号窗口办理"
    expect(page.locator("#announce-text")).to_have_text(sentence)  # for residents who cannot hear
    assert page.locator("#announce-text").get_attribute("aria-live") == "assertive"
    expect(page.locator("#recent li.newest")).to_contain_text(ticket["number"])

    sizes = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter((e) => e.offsetParent && e.textContent.trim()
             && e.closest('#announce-call') === null && ![...e.children].length)
             .map((e) => parseFloat(getComputedStyle(e).fontSize))"""
    )
    number = float(page.locator("#call-number").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    counter = float(page.locator("#call-counter").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert min(number, counter) > max(sizes), (number, counter, max(sizes))
    assert number >= 0.1 * min(width, height)  # about 11 cm tall on a 55-inch screen
    check_screen(page, f"display {layout}", elder=False)
    shot(page, f"display-{layout}", tmp_path)
    context.close()
