"""The layout check itself: it must see what a person would miss, or its passes mean nothing."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import Server
from tests.browser.layout.check import probe

PAGE = """<!doctype html><html><body style="margin:0;font-size:20px">
<div id="box" style="width:400px;height:120px;overflow:hidden">
  <button id="ok" style="font-size:20px">完成</button>
  <p id="below" style="margin-top:60px">倒计时 30 秒</p>
</div>
</body></html>"""


def kinds(page: Page, **kw: object) -> set[str]:
    return {str(f["kind"]) for f in probe(page, min_font=16, **kw)}  # type: ignore[arg-type]


def test_a_screen_that_fits_has_no_findings(page: Page) -> None:
    page.set_viewport_size({"width": 800, "height": 600})
    page.set_content(PAGE)
    assert kinds(page) == set()


def test_shrinking_a_container_is_caught(page: Page) -> None:
    page.set_viewport_size({"width": 800, "height": 600})
    page.set_content(PAGE)
    page.eval_on_selector("#box", "b => b.style.height = '60px'")
    assert "clipped" in kinds(page)


def test_offscreen_covered_and_tiny_text_are_caught(page: Page) -> None:
    page.set_viewport_size({"width": 800, "height": 600})
    page.set_content(PAGE)
    page.eval_on_selector("#below", "p => { p.style.position = 'fixed'; p.style.top = '590px'; }")
    assert "offscreen" in kinds(page)
    cover = '<footer style="position:fixed;top:0;left:0;width:200px;height:60px;background:#fff">x</footer>'
    page.set_content(PAGE + cover)
    assert "covered" in kinds(page)
    page.set_content(PAGE.replace('font-size:20px">完成', 'font-size:11px">完成'))
    assert "tiny" in kinds(page)


def test_a_page_that_scrolls_on_purpose_is_checked_at_full_height(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 300})
    page.set_content('<body style="font-size:18px"><p style="margin-top:900px">预约成功</p></body>')
    assert "offscreen" in kinds(page)
    assert kinds(page, scrolls=True) == set()
    page.set_content('<body style="font-size:18px"><p style="width:600px">预约成功</p></body>')
    assert "offscreen" in kinds(page, scrolls=True)


def test_shrinking_a_real_screen_is_caught(page: Page, server: Server) -> None:
    """The kiosk's real first screen at its real size, its main container squeezed to a strip with
    its overflow hidden: what no longer fits is reported."""
    page.set_viewport_size({"width": 1080, "height": 1920})
    page.goto(f"{server.base}/kiosk/youyi-k1#token={server.kiosk_tokens['youyi-k1']}")
    page.locator("#screen-services").wait_for()
    before = kinds(page)
    page.eval_on_selector("main", "m => { m.style.maxHeight = '240px'; m.style.overflow = 'hidden'; }")
    assert kinds(page) - before, "a squeezed screen went unnoticed"
