"""The layout check of the hall display board, every state at every display viewport
(1920x1080, 1280x720, 1080x1920): idle, a single call, a burst of six, counters paused and
closed, the notices line, and every counter of a 12-counter site calling at once. The board
must fit its screen with nothing off-screen, clipped, covered or overflowing, and no text under
32 px at 1080p (scaled with the screen: 21 px at 720p). ``SCREENSHOTS=dir`` saves each state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import sign_in
from tests.browser.board import BIG, Board, set_notices, start_board
from tests.browser.layout.check import VIEWPORTS, Layout

NOTICES = (
    "请保管好随身物品，谨防扒窃。办理社保业务请携带身份证原件，办理居住证请携带租赁合同和照片各一份，谢谢您的配合与理解！！！\n"
    "本中心周六上午照常办公。"
)  # the first line is as long as a line may be (core/supervision/notices.py MAX_LINE_CHARS)


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Board]:
    yield from start_board(tmp_path_factory.mktemp("layout-display"))


def check_all_sizes(check: Layout, page: Page, label: str) -> None:
    for width, height in VIEWPORTS["display"]:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)  # the board re-fits its recent calls on resize
        check(page, label, min_font=32 * min(width, height) / 1080)


def tiles_show(page: Page, called: dict[str, str]) -> None:
    for counter, number in called.items():
        expect(page.locator(f'[data-counter="{counter}"] .c-ticket')).to_have_text(number)


@pytest.mark.parametrize("site", ["youyi", BIG])
def test_every_state_of_the_board_fits_every_display(browser: Browser, board: Board, site: str) -> None:
    check = Layout("display")
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
    page = board.open_display(context, site)
    counters = board.counters(site)
    closed = [f"{site}-6", f"{site}-8"] if site == "youyi" else counters[-2:]  # youyi's 6 and 8 serve no general
    opened = [c for c in counters if c not in closed]
    for c in opened:
        board.act(c, "open")
    expect(page.locator(f'[data-counter="{counters[0]}"]')).to_have_class(re.compile(r"\bis-idle\b"))
    check_all_sizes(check, page, f"{site}-idle")

    board.take(site)
    one = board.call_at_once(counters[:1])
    tiles_show(page, one)
    expect(page.locator("#call-number")).to_have_text(one[counters[0]])
    check_all_sizes(check, page, f"{site}-single-call")

    board.free(site)
    burst = opened[:6]
    for _ in burst:
        board.take(site)
    called = board.call_at_once(burst)
    tiles_show(page, called)
    expect(page.locator("body")).to_have_attribute("data-calls", "6")
    check_all_sizes(check, page, f"{site}-burst-of-six")

    board.free(site)
    board.act(counters[1], "pause", {"reason": "break"})
    board.act(counters[2], "pause", {"reason": "helping"})
    expect(page.locator(f'[data-counter="{counters[2]}"]')).to_have_class(re.compile(r"\bis-paused\b"))
    expect(page.locator(f'[data-counter="{closed[-1]}"]')).to_have_class(re.compile(r"\bis-closed\b"))
    check_all_sizes(check, page, f"{site}-paused-and-closed")

    if site == BIG:
        sup = sign_in(context, board, "sup-w")
        set_notices(sup, board, site, NOTICES)
        sup.close()
        expect(page.locator("#notices")).to_be_visible()
        check_all_sizes(check, page, f"{site}-notices")
        # Every counter of the biggest site calls at once, with the notices showing.
        for c in counters[1:3]:
            board.act(c, "resume")
        for c in closed:
            board.act(c, "open")
        for _ in counters:
            board.take(site)
        everyone = board.call_at_once(counters)
        tiles_show(page, everyone)
        check_all_sizes(check, page, f"{site}-all-twelve-calling")
        english = board.open_display(context, site, "en")
        tiles_show(english, everyone)
        check_all_sizes(check, english, f"{site}-all-twelve-calling-en")
        board.free(site)
        expect(english.locator("#announce")).to_have_class(re.compile(r"\bis-idle\b"))
        check_all_sizes(check, english, f"{site}-idle-en")
    else:
        board.act(counters[1], "resume")
        board.act(counters[2], "resume")
    context.close()
    check.assert_clean()
