"""The layout check: what a person in front of a screen cannot see, at the real viewport of its device.

``tests/browser/layout/layout_probe.js`` (a copy of ``shared/layout_probe.js``) is injected into the page
and lists visible things that are off-screen, clipped by an ancestor, covered by another element,
overflowing their own box, or in text smaller than the page's minimum. A device screen (kiosk,
display, pad, counter) must fit its viewport; a page that scrolls on purpose (phone, booking,
admin) is checked at its full height, so only sideways overflow, clipping, covering and size count.

``SCREENSHOTS=dir`` (``make screenshots``) also saves a PNG of every checked state there.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

PROBE = (Path(__file__).parent / "layout_probe.js").read_text(encoding="utf-8")

# The real viewports of each device (width, height).
VIEWPORTS: dict[str, list[tuple[int, int]]] = {
    "kiosk": [(1080, 1920), (1920, 1080)],
    "display": [(1920, 1080), (1280, 720), (1080, 1920)],
    "counter": [(1366, 768)],
    "pad": [(1280, 800)],
    "phone": [(390, 844)],
    "desk": [(1366, 768)],  # supervisor and admin pages on a clerk's or manager's PC
}


def probe(
    page: Page, *, min_font: float, scrolls: bool = False, ignore: str | None = None, scrollable: str | None = None
) -> list[dict[str, object]]:
    """The probe's findings for the page as it is now (see the module docstring for ``scrolls``)."""
    opts = {"minFont": min_font, "ignore": ignore, "scrollable": scrollable}
    size = page.viewport_size
    assert size is not None
    findings: list[dict[str, object]] = []
    if page.evaluate("document.documentElement.scrollWidth > innerWidth + 1"):
        findings.append({"kind": "offscreen", "what": "the page is wider than the screen", "where": ""})
    tall = int(page.evaluate("document.documentElement.scrollHeight"))
    if scrolls and tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})
    try:
        findings += page.evaluate(f"(opts) => {{ {PROBE}; return layoutProbe(opts); }}", opts)
    finally:
        if scrolls and tall > size["height"]:
            page.set_viewport_size(size)
    return findings


class Layout:
    """Collects the findings of every state a test visits, then fails once with all of them."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.findings: list[str] = []
        self.states: list[str] = []

    def __call__(
        self,
        page: Page,
        label: str,
        *,
        min_font: float,
        scrolls: bool = False,
        ignore: str | None = None,
        scrollable: str | None = None,
    ) -> None:
        size = page.viewport_size
        assert size is not None
        state = f"{self.device} {label} {size['width']}x{size['height']}"
        self.states.append(state)
        for f in probe(page, min_font=min_font, scrolls=scrolls, ignore=ignore, scrollable=scrollable):
            extra = f" by {f['by']}" if "by" in f else f" ({f['size']} px)" if "size" in f else ""
            self.findings.append(f"[{state}] {f['kind']}: {f['what']} at {f['where']}{extra}")
        shoot(page, f"{self.device}-{label}-{size['width']}x{size['height']}", full_page=scrolls)

    def contexts(self, browser: Browser, **options: Any) -> Iterator[BrowserContext]:
        """A fresh browser context at each real viewport of the device in turn (``options`` as for
        ``new_context``, e.g. ``has_touch``), closed when the loop moves on."""
        for width, height in VIEWPORTS[self.device]:
            context = browser.new_context(viewport={"width": width, "height": height}, **options)
            try:
                yield context
            finally:
                context.close()

    def assert_clean(self) -> None:
        assert self.states, "no state was checked"
        assert not self.findings, f"{len(self.findings)} layout findings:\n" + "\n".join(self.findings)


def shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save a screenshot as ``$SCREENSHOTS/<name>.png`` when that variable is set."""
    folder = os.environ.get("SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip("-")
    shot = Image.open(io.BytesIO(page.screenshot(full_page=full_page))).convert("RGB")
    # a 256-colour palette keeps UI screenshots sharp at a third of the size (docs/screenshots is in git)
    shot.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(Path(folder) / f"{slug}.png", optimize=True)


def info_screens(page: Page, shot: Callable[[str], None], *, nearby: bool = True) -> None:
    """The service guide (and its next matter) and the nearby centers, from a kiosk's first
    screen and back: the screens both kiosks share (templates/partials/kiosk_screens.html)."""
    page.locator("#guide-start").click()
    expect(page.locator("#guide-docs li").first).to_be_visible()
    shot("guide")
    if page.locator("#guide-next").is_visible():
        page.locator("#guide-next").click()
        shot("guide-next-matter")
    page.locator("#guide-back").click()
    if nearby:
        page.locator("#nearby-start").click()
        expect(page.locator("#nearby-list li").first).to_be_visible()
        shot("nearby")
        page.locator("#nearby-back").click()
