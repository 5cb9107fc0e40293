"""The hall display board in a real browser, as the hall sees it: the banner and the tiles follow
each counter's state (no stale call after a finish, a transfer, a no-show or a pause), a burst of
six calls is on the board at once and the voice keeps up, the notices line changes live and shows
text as text, and the display reports its health with the token of its URL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import sign_in
from tests.browser.board import Board, set_notices, start_board

SITE = "youyi"
ONE = "youyi-1"


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Board]:
    yield from start_board(tmp_path_factory.mktemp("display-board"))


def banner_idle(page: Page) -> None:
    expect(page.locator("#announce")).to_have_class(re.compile(r"\bis-idle\b"))
    expect(page.locator("#announce-call")).to_be_hidden()
    expect(page.locator("#recent li.newest")).to_have_count(0)  # nothing highlighted that is not called


def called(page: Page, number: str, counter: int) -> None:
    expect(page.locator("#call-number")).to_have_text(number)
    expect(page.locator("#call-counter")).to_have_text(f"{counter}号窗口")
    expect(page.locator("#recent li.newest .r-number")).to_have_text(number)  # the same call as the banner


def test_banner_and_tiles_follow_each_counter(browser: Browser, board: Board) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
    page = board.open_display(context, SITE)
    board.act(ONE, "open")
    tile = page.locator(f'[data-counter="{ONE}"]')
    for leave in ("done", "transfer", "no-show"):
        board.take(SITE)
        number = board.act(ONE, "call-next")["ticket"]["number"]
        called(page, number, 1)
        expect(tile.locator(".c-ticket")).to_have_text(number)
        body = {"service": "social", "position": "arrival"} if leave == "transfer" else {}
        board.act(ONE, leave, body)
        banner_idle(page)
        expect(tile.locator(".c-ticket")).to_have_text("—")
        if leave == "transfer":
            board.free(SITE)
            status, data = board.live.call("POST", f"/api/v1/counters/{ONE}/call-next", {}, board.clerks[ONE])
            assert status == 200 and data["ticket"]["number"] == number  # the transferred ticket, called again
            board.act(ONE, "done")
            banner_idle(page)
    board.act(ONE, "pause", {"reason": "break"})
    banner_idle(page)
    expect(tile).to_have_class(re.compile(r"\bis-paused\b"))
    expect(tile.locator(".c-ticket")).to_have_text("休息")
    board.act(ONE, "resume")
    # Being served: the resident has arrived; the tile says so and the banner lets go.
    board.take(SITE)
    number = board.act(ONE, "call-next")["ticket"]["number"]
    called(page, number, 1)
    board.act(ONE, "start")
    banner_idle(page)
    expect(tile).to_have_class(re.compile(r"\bis-serving\b"))
    expect(tile.locator(".c-ticket")).to_have_text(number)
    board.act(ONE, "done")
    context.close()


def test_a_burst_of_six_is_on_the_board_at_once_and_the_voice_keeps_up(browser: Browser, board: Board) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
    page = board.open_display(context, SITE)
    voice: list[tuple[float, str]] = []
    page.on("request", lambda r: voice.append((time.monotonic(), r.url)) if "/voice/call.wav" in r.url else None)
    six = ["youyi-1", "youyi-2", "youyi-3", "youyi-4", "youyi-5", "youyi-7"]  # the counters serving general
    for c in six:
        board.act(c, "open")
        board.take(SITE)
    numbers = board.call_at_once(six)
    start = time.monotonic()
    for counter, number in numbers.items():
        tile = page.locator(f'[data-counter="{counter}"] .c-ticket')
        expect(tile).to_have_text(number, timeout=2000)
        expect(tile).to_be_in_viewport(ratio=1, timeout=100)  # on screen, not below the fold
    expect(page.locator("body")).to_have_attribute("data-calls", "6", timeout=100)
    assert time.monotonic() - start < 2.0, "all six calls must be on the board within 2 s"
    expect(page.locator("#announce-more")).to_contain_text("共 6 个")
    expect(page.locator(".counter-tile.is-called")).to_have_count(6)
    # The banner turns through them: another call comes up within one turn.
    first = page.locator("#call-number").inner_text()
    expect(page.locator("#call-number")).not_to_have_text(first, timeout=7000)
    # The voice: all six said, back to back, the short sentence while others wait.
    deadline = time.monotonic() + 30
    while len({u for _, u in voice}) < 6 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    said = [u for _, u in voice]
    assert {re.search(r"number=(\w+)", u).group(1) for u in said} == set(numbers.values()), said  # type: ignore[union-attr]
    assert sum("short=1" in u for u in said) >= 4, said
    spread = voice[-1][0] - voice[0][0]
    assert spread < 20, f"the sixth call was said {spread:.1f} s after the first (one at a time took 40 s)"
    board.free(SITE)
    banner_idle(page)
    context.close()


def test_notices_change_live_and_stay_text(browser: Browser, board: Board) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
    page = board.open_display(context, SITE)
    expect(page.locator("#notices")).to_be_hidden()
    sup = sign_in(context, board, "sup-y")
    evil = '<img src=x onerror="document.body.dataset.pwned=1">请排队'
    set_notices(sup, board, SITE, f"{evil}\n第二条提示")
    expect(page.locator("#notices")).to_be_visible()
    expect(page.locator("#notices-text")).to_have_text(evil)  # shown as typed, not run
    assert page.locator("#notices img").count() == 0 and page.evaluate("document.body.dataset.pwned") is None
    expect(page.locator("#notices-text")).to_have_text("第二条提示", timeout=10000)  # the next line comes up
    set_notices(sup, board, SITE, "")
    expect(page.locator("#notices")).to_be_hidden()
    context.close()


def test_the_display_reports_its_health_with_the_token_of_its_url(browser: Browser, board: Board) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    sup = sign_in(context, board, "sup-y")
    sup.goto(f"{board.base}/admin/devices?site={SITE}")
    row = sup.locator('tr[data-device="youyi-d1"]')
    page = board.open_display(context, SITE)
    expect(page.locator("body")).to_have_attribute("data-health", "ok")
    assert "token" not in page.url  # not left in the address bar
    expect(row).to_have_attribute("data-state", "ok", timeout=8000)  # the devices page refreshes itself
    expect(row.locator('[data-field="seen"]')).to_contain_text("秒前")
    page.reload()  # the token stays with the screen
    expect(page.locator("body")).to_have_attribute("data-health", "ok")
    stranger = browser.new_context()
    other = stranger.new_page()
    other.goto(f"{board.base}/display/{SITE}#token={board.display['wusong']}")  # another center's display
    expect(other.locator("body")).to_have_attribute("data-health", "refused")
    stranger.close()
    context.close()
