"""A supervisor watches the live hall, a resident rates on the counter's pad and on the phone,
and the statistics page draws its charts and hands out CSV files.

Each test runs its own server: the figures checked are those of a hall nobody else touches.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.a11y import sign_in
from tests.browser.conftest import CLOCK, PASSWORD, Server
from tests.live import LiveServer

SITE = "zhangmiao"
COUNTER = "zhangmiao-1"


def sign_in_to(context: BrowserContext, server: Server, name: str, then: str) -> Page:
    page = sign_in(context, server, name)
    page.goto(f"{server.base}{then}")
    return page


@pytest.fixture
def own(tmp_path: Path) -> Iterator[Server]:
    """A server of our own with a clerk and a supervisor of the site, and its kiosk's token."""
    live = LiveServer(tmp_path, CLOCK)
    live.cli("user", "add", "clerk-z", "--role", "clerk", "--site", SITE, stdin=PASSWORD + "\n")
    live.cli("user", "add", "sup-z", "--role", "supervisor", "--site", SITE, stdin=PASSWORD + "\n")
    kiosk = live.cli("device", "token", f"{SITE}-k1").split()[-1]
    live.start()
    try:
        yield Server(live, {f"{SITE}-k1": kiosk})
    finally:
        live.stop()


def test_pad_rating_live_hall_statistics_and_csv(context: BrowserContext, own: Server, tmp_path: Path) -> None:
    server = own
    pad_token = server.live.cli("device", "token", f"{SITE}-d1").split()[-1]  # works at once on a running server
    kiosk = server.kiosk_tokens[f"{SITE}-k1"]
    clerk = server.staff_token("clerk-z")
    server.api("POST", f"/api/v1/counters/{COUNTER}/open", {}, clerk)

    hall = sign_in_to(context, server, "sup-z", f"/admin/hall?site={SITE}")
    expect(hall.locator("body")).to_have_attribute("data-loaded", "1")
    expect(hall.locator(f'#counters tr[data-counter="{COUNTER}"]')).to_contain_text("clerk-z")

    pad = context.new_page()
    pad.goto(f"{server.base}/pad/{COUNTER}#token={pad_token}")
    expect(pad).to_have_url(f"{server.base}/pad/{COUNTER}")  # the token left the address bar
    pad.wait_for_function("window.hallPad && window.hallPad.feed.lastSeq !== null")
    expect(pad.locator("body")).to_have_attribute("data-state", "idle")
    expect(pad.locator("#pad-message")).to_be_hidden()

    # The hall follows a ticket live: waiting, then called at counter 1.
    number = server.api("POST", f"/api/v1/sites/{SITE}/tickets", {"service": "general"}, kiosk)["number"]
    expect(hall.locator(f'#waiting tr[data-number="{number}"]')).to_have_count(1)
    server.api("POST", f"/api/v1/counters/{COUNTER}/call-next", {}, clerk)
    expect(hall.locator(f'#waiting tr[data-number="{number}"]')).to_have_count(0)
    expect(hall.locator(f'#counters tr[data-counter="{COUNTER}"] .c-now')).to_contain_text(number)
    server.api("POST", f"/api/v1/counters/{COUNTER}/start", {}, clerk)
    expect(hall.locator(f'#counters tr[data-counter="{COUNTER}"]')).to_have_class(re.compile("is-serving"))

    # Done: the pad asks, with nothing chosen; a bad grade needs a reason.
    server.api("POST", f"/api/v1/counters/{COUNTER}/done", {}, clerk)
    expect(pad.locator("body")).to_have_attribute("data-state", "prompt")
    expect(pad.locator("#pad-number")).to_have_text(number)
    expect(pad.locator('.grade[aria-pressed="true"]')).to_have_count(0)
    expect(pad.locator(".grade .g-label")).to_have_text(["非常满意", "满意", "基本满意", "不满意", "非常不满意"])
    pad.locator('.grade[data-grade="2"]').click()
    expect(pad.locator("#pad-reasons")).to_be_visible()
    expect(pad.locator('input[name="reason"]:checked')).to_have_count(0)
    pad.locator(".pad-submit").click()
    expect(pad.locator("#pad-message")).to_have_text("请选择或填写原因。")
    pad.locator('input[name="reason"][value="wait"]').check()
    pad.locator(".pad-submit").click()
    expect(pad.locator("body")).to_have_attribute("data-state", "thanks")
    expect(pad.locator("#pad-thanks-text")).to_have_text("感谢您的评价！")

    # The supervisor is alerted live, and sees the reason (never on the public socket).
    alert = hall.locator(".alert-bad")
    expect(alert).to_contain_text(number)
    expect(alert).to_contain_text("等候时间太长")

    # A second visit is rated on the phone; the pad, which asked too, steps back.
    second = server.api("POST", f"/api/v1/sites/{SITE}/tickets", {"service": "general"}, kiosk)
    server.api("POST", f"/api/v1/counters/{COUNTER}/call-next", {}, clerk)
    server.api("POST", f"/api/v1/counters/{COUNTER}/done", {}, clerk)
    expect(pad.locator("#pad-number")).to_have_text(second["number"])
    phone = context.new_page()
    phone.goto(f"{server.base}/t/{second['id']}")
    expect(phone.locator("#evaluate")).to_be_visible()
    expect(phone.locator('#ev-grades input[type="radio"]')).to_have_count(5)
    expect(phone.locator("#ev-grades input:checked")).to_have_count(0)
    phone.locator("#ev-form button[type=submit]").click()
    expect(phone.locator("#ev-error")).to_have_text("请选择评价等级。")
    phone.locator('#ev-grades input[value="5"]').check()
    expect(phone.locator("#ev-reasons")).to_be_hidden()
    phone.locator("#ev-form button[type=submit]").click()
    expect(phone.locator("#ev-done")).to_be_visible()
    expect(pad.locator("#pad-thanks-text")).to_have_text("这次办事已经评价过了，谢谢！")

    # Statistics: the figures, three charts drawn, and a table as CSV with a BOM.
    stats = hall
    stats.goto(f"{server.base}/admin/stats?site={SITE}")
    expect(stats.locator("body")).to_have_attribute("data-rendered", "1")
    expect(stats.locator("#k-issued")).to_have_text("2")
    expect(stats.locator("#k-served")).to_have_text("2")
    expect(stats.locator("#k-bad")).to_have_text("1")
    expect(stats.locator("#k-satisfaction")).to_have_text("50.0")
    for chart in ("#chart-services", "#chart-hours", "#chart-heat", "#chart-staffing"):
        canvas = stats.locator(f"{chart} canvas").first
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, (chart, box)
    red = "(v, i) => i % 4 === 0 && v > 150 && v < 250"
    painted = stats.locator("#chart-heat canvas").evaluate(
        f"c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).some({red})"
    )
    assert painted  # red cells: tickets were issued
    expect(stats.locator("#t-clerks tbody tr")).to_have_count(1)
    expect(stats.locator("#t-clerks tbody")).to_contain_text("clerk-z")
    expect(stats.locator("#t-staffing tbody tr").first).to_be_visible()

    with stats.expect_download() as info:
        stats.locator('a.csv[data-table="services"]').click()
    download = info.value
    day = r"\d{4}-\d{2}-\d{2}"
    assert re.fullmatch(rf"stats-zhangmiao-services-{day}_{day}\.csv", download.suggested_filename)
    target = tmp_path / "services.csv"
    download.save_as(target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("业务代码,业务,取号")
    general = next(line for line in lines if line.startswith("general,"))
    assert general.startswith("general,综合受理,2,2,2,")
    with stats.expect_download() as info:
        stats.locator('a.csv[data-table="evaluations"]').click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert f"{number},general,1,clerk-z,2,不满意,pad,等候时间太长" in text
    assert f"{second['number']},general,1,clerk-z,5,非常满意,phone" in text


def test_long_waits_are_highlighted_and_help_requests_shown(context: BrowserContext, tmp_path: Path) -> None:
    """A server whose clock runs 60x: a ticket taken four real seconds before the page opened
    has waited four minutes; one taken after it opened has not."""
    live = LiveServer(tmp_path, CLOCK)
    live.env["HALL_CLOCK_SPEED"] = "60"
    live.cli("user", "add", "sup-y", "--role", "supervisor", "--site", "youyi", stdin=PASSWORD + "\n")
    kiosk = live.cli("device", "token", "youyi-k2").split()[-1]
    live.start()
    try:
        server = Server(live, {})
        early = server.api("POST", "/api/v1/sites/youyi/tickets", {"service": "social"}, kiosk)["number"]
        time.sleep(4)  # four minutes of hall time (the page's own clock then runs at real speed)
        hall = sign_in_to(context, server, "sup-y", "/admin/hall?site=youyi&threshold=3")
        expect(hall.locator("body")).to_have_attribute("data-loaded", "1")
        late = server.api("POST", "/api/v1/sites/youyi/tickets", {"service": "social"}, kiosk)["number"]
        expect(hall.locator(f'#waiting tr[data-number="{late}"]')).to_have_count(1)
        hall.evaluate("window.hallLive.reload()")  # re-render now rather than at the next 15 s tick
        expect(hall.locator(f'#waiting tr[data-number="{early}"]')).to_have_class("over")
        expect(hall.locator(f'#waiting tr[data-number="{late}"]')).not_to_have_class("over")
        expect(hall.locator("#over-summary")).to_have_text("1 人等候超过 3 分钟")
        server.api("POST", "/api/v1/sites/youyi/help", {}, kiosk)
        expect(hall.locator(".alert-help")).to_contain_text("2号自助机请求帮办")
    finally:
        live.stop()
