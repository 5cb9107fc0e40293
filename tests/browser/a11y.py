"""Accessibility helpers for the browser tests: axe-core runs, a hall of our own, contrast maths.

axe-core comes with the ``axe-playwright-python`` package (its bundled ``axe.min.js``); it is
injected through Playwright's evaluate, which the pages' CSP does not apply to.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import CLOCK, PASSWORD
from tests.live import LiveServer, OnLive
from tests.peak.people import couple

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = tuple(os.environ.get("A11Y_IMPACTS", "serious,critical").split(","))
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
SITE = "registry"  # walk-ins, bookings and check-in at one kiosk
COUNTER = "registry-5"  # counselling first: the walk-in service
KIOSK = "registry-k1"
PAD_DEVICE = "registry-d1"
BOOKED = ("张三", "110105199003071239", "13800138000"), ("李四", "31011519850612174X", "13900139000")
BOOKING_DAY = "2026-05-18"
# Peak days (docs/peak-days.md): ceremonies on 2026-05-20, the 2027-05-20 ballot (tests/browser/test_a11y.py
# audits it open, entered, drawn and confirmed on servers of its own, at these instants)
CEREMONY_DAY = "2026-05-20"
BALLOT, BALLOT_DAY = "520-2027", "2027-05-20"
BALLOT_OPEN, BALLOT_DRAWN = "2027-04-02T10:00:00+08:00", "2027-04-12T10:05:00+08:00"
PUBLIC_PEAK_PAGES = [  # (path, label), audited on the main hall's clock, before the window opens
    (f"/ballot/{BALLOT}", "ballot: not open yet"),
    (f"/ballot/{BALLOT}/result", "ballot result: before the draw"),
]
# The supervisor's pages, as (path, label, the body attribute set when the page has loaded)
SUPERVISOR_PAGES = [
    ("/admin", "overview", None),
    (f"/admin/stats?site={SITE}", "statistics", "data-rendered"),
    (f"/admin/followups?site={SITE}", "follow-ups", None),
    (f"/admin/appointments?site={SITE}&date={BOOKING_DAY}", "appointments", None),
    (f"/admin/appointments?site={SITE}&date={CEREMONY_DAY}", "appointments: ceremonies", None),
    (f"/admin/appointments?site={SITE}&date={BALLOT_DAY}", "appointments: ballot not open yet", None),
    ("/admin/devices", "devices", None),
    (f"/admin/notices?site={SITE}", "display notices", None),
    ("/admin/accounts", "accounts", None),
]
BOOKING_START = "2026-05-18T10:00:00+08:00"

_axe = Axe()


def audit(page: Page, label: str) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings of impact serious or critical on ``page``, as readable lines."""
    response = _axe.run(page, options=AXE_OPTIONS).response
    found = []
    for v in response["violations"]:
        if v["impact"] not in BLOCKING:
            continue
        for node in v["nodes"]:
            why = "; ".join(c["message"] for c in node.get("any", []) + node.get("all", []) + node.get("none", []))
            found.append(f"[{label}] {v['id']} ({v['impact']}): {' '.join(node['target'])}\n"
                         f"    {node['html'][:200]}\n    {why[:300]}")  # fmt: skip
    return found


@dataclass
class Hall(OnLive):
    """A server of the accessibility tests' own, with the people and things its pages show."""

    live: LiveServer
    kiosk_token: str
    pad_token: str
    clerk_token: str
    booking_code: str = ""
    tickets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def take(self, service: str = "counselling") -> dict[str, Any]:
        return dict(self.api("POST", f"/api/v1/sites/{SITE}/tickets", {"service": service}, self.kiosk_token))

    def counter(self, action: str, body: Any = None) -> Any:
        return self.api("POST", f"/api/v1/counters/{COUNTER}/{action}", body or {}, self.clerk_token)


def start_hall(tmp: Path) -> Iterator[Hall]:
    """A hall with a clerk and a supervisor of the registry, a booking, a finished visit rated
    badly (for the follow-ups page), one finished and unrated (phone and pad ask), one waiting."""
    live = LiveServer(tmp, CLOCK)
    live.cli("user", "add", "clerk-a", "--role", "clerk", "--site", SITE, stdin=PASSWORD + "\n")
    live.cli("user", "add", "sup-a", "--role", "supervisor", "--site", SITE, stdin=PASSWORD + "\n")
    kiosk = live.cli("device", "token", KIOSK).split()[-1]
    pad = live.cli("device", "token", PAD_DEVICE).split()[-1]
    live.start()
    try:
        status, data = live.call("POST", "/api/v1/auth/token", {"username": "clerk-a", "password": PASSWORD})
        assert status == 200, data
        hall = Hall(live, kiosk, pad, data["token"])
        booking = hall.api("POST", "/api/v1/appointments", {
            "site": SITE, "service": "marriage", "start": BOOKING_START,
            "applicants": [{"name": n, "id_number": i, "phone": p} for n, i, p in BOOKED],
        })  # fmt: skip
        hall.booking_code = booking["code"]
        hall.counter("open")
        for name in ("rated", "unrated"):
            hall.tickets[name] = hall.take()
            hall.counter("call-next")
            hall.counter("done")
        rated = hall.tickets["rated"]["id"]
        hall.api("POST", f"/api/v1/tickets/{rated}/evaluation", {"grade": 1, "reason": "wait", "comment": None})
        hall.tickets["waiting"] = hall.take()
        yield hall
    finally:
        live.stop()


class HasBase(Protocol):
    @property
    def base(self) -> str: ...


def sign_in(context: BrowserContext, hall: HasBase, name: str) -> Page:
    """A new page of ``context`` signed in as ``name`` (any server with a ``base`` URL)."""
    page = context.new_page()
    page.goto(f"{hall.base}/counter")
    page.locator("#username").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.locator(".who")).to_contain_text(name)
    return page


def fill_couple(page: Page, i: int) -> None:
    """The applicants' fields of a booking or ballot form, with couple ``i`` (tests/peak/people.py)."""
    for k, p in enumerate(couple(i)):
        page.locator(f"#name-{k}").fill(p.name)
        page.locator(f"#id-{k}").fill(p.id_number)
        page.locator(f"#phone-{k}").fill(p.phone)


def choose_service(page: Page, service: str) -> None:
    """Press a service's tile, turning elder mode's pages of tiles until it shows (elder mode's first
    screen offers 取号 first)."""
    if page.locator("#take-start").is_visible():
        page.locator("#take-start").click()
    tile = page.locator(f'#services [data-service="{service}"]')
    for _ in range(5):
        if tile.is_visible():
            break
        page.locator("#more-services").click()
    tile.click()


# -- colour maths (WCAG 2.1 relative luminance) --------------------------------------------------
def _channel(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, float, float]) -> float:
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple[float, float, float], bg: tuple[float, float, float]) -> float:
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# -- measuring a rendered screen ---------------------------------------------------------------
# Runs in the page: every visible piece of text (font size, line height, contrast against the
# first opaque background behind it), every visible control (size), the main actions (their
# largest text), the choices in <main> (keypad keys are input, not choices) and whether the
# help button is on screen, and text that is clipped or overlaps other text. Disabled controls
# are left out of contrast (WCAG 1.4.3 exempts them).
MEASURE_JS = """
() => {
  const modal = document.querySelector('dialog[open]'); // everything else is inert behind it
  const visible = (el) => {
    if (el.closest('[hidden], [aria-hidden="true"], [inert]') || (modal && !modal.contains(el))) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const rgba = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const name = (el) => el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + [...el.classList].join('.')
    + ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
  const texts = [];
  const els = [];
  for (const el of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE', 'svg', 'TITLE'].includes(el.tagName) || !visible(el)) continue;
    if (el.closest('.skip-link')) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const lh = s.lineHeight === 'normal' ? 0 : parseFloat(s.lineHeight) / size;
    const disabled = el.closest(':disabled') !== null;
    const fg = rgba(s.color).slice(0, 3);
    const contrast = disabled ? 99 : ratio(fg, background(el));
    const r = el.getBoundingClientRect();
    els.push(el);
    texts.push({ name: name(el), size, lineHeight: lh, contrast,
      clipped: el.scrollWidth > el.clientWidth + 1 && s.overflow !== 'visible',
      rect: [r.left, r.top, r.right, r.bottom] });
  }
  const controls = [...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea')]
    .filter(visible).map((el) => {
      const r = el.getBoundingClientRect();
      const sizes = [el, ...el.querySelectorAll('*')].filter(visible)
        .map((e) => parseFloat(getComputedStyle(e).fontSize));
      return { name: name(el), width: r.width, height: r.height, text: Math.max(...sizes),
        main: el.closest('main, .kiosk-foot') !== null, key: el.classList.contains('key'),
        enabled: !el.disabled, inDialog: el.closest('dialog') !== null };
    });
  const overlaps = [];
  els.forEach((a, i) => els.slice(i + 1).forEach((b) => {
    if (a.contains(b) || b.contains(a)) return;
    const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
    const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
    const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
    if (w > 2 && h > 2) overlaps.push(name(a) + ' overlaps ' + name(b));
  }));
  const scope = modal || document.querySelector('main');
  const choices = [...scope.querySelectorAll('button, a[href]')]
    .filter((el) => visible(el) && !el.disabled && !el.classList.contains('key')).map(name);
  const help = document.getElementById('help');
  const hr = help ? help.getBoundingClientRect() : null;
  return { texts, controls, choices, overlaps,
    helpOnScreen: !!hr && hr.top >= 0 && hr.bottom <= innerHeight && hr.left >= 0 && hr.right <= innerWidth,
    overflowX: document.documentElement.scrollWidth > innerWidth + 1 };
}
"""
