"""The layout check on the supervisors' and newcomers' pages, at a desk PC's 1366x768, in both
languages: the home page, sign-in, the hall overview, statistics (with the staffing plan),
follow-ups, appointments and devices. These pages scroll on purpose, so they are checked at full
height: nothing sideways off the screen, clipped, covered, overflowing, or under 14 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.a11y import SUPERVISOR_PAGES, Hall, sign_in, start_hall
from tests.browser.layout.check import VIEWPORTS, Layout

MIN_FONT = 14
# uPlot draws on a canvas under its own transparent pointer layer (.u-over) on purpose: its legend and
# axes text are still checked, the drawing surface is not
CHART = ".u-wrap"


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    yield from start_hall(tmp_path_factory.mktemp("layout-admin"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_supervisor_pages_fit_a_desk_screen(browser: Browser, hall: Hall, lang: str) -> None:
    check = Layout("desk")
    (width, height) = VIEWPORTS["desk"][0]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    for path, label in [("/", "home"), ("/counter", "sign-in")]:
        page.goto(f"{hall.base}{path}?lang={lang}")
        check(page, f"{label}-{lang}", min_font=MIN_FONT, scrolls=True)
    sup = sign_in(context, hall, "sup-a")
    for path, label, ready in SUPERVISOR_PAGES:
        sep = "&" if "?" in path else "?"
        sup.goto(f"{hall.base}{path}{sep}lang={lang}")
        if ready:
            expect(sup.locator("body")).to_have_attribute(ready, "1")
        check(sup, f"{label}-{lang}", min_font=MIN_FONT, scrolls=True, ignore=CHART)
        if label == "statistics":
            sup.locator("#staffing-form button[type=submit]").click()
            expect(sup.locator("#staffing-note")).not_to_be_empty()
            check(sup, f"staffing-{lang}", min_font=MIN_FONT, scrolls=True, ignore=CHART)
    context.close()
    check.assert_clean()
