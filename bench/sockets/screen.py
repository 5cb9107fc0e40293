"""Call to screen as residents see it: a clerk's click in a real browser to the hall display's
new number painted, with 1,000 other sockets connected to the site; and to the start of the voice.

    python -m bench.sockets.screen

Debian's chromium (``/usr/bin/chromium``) runs the counter page and the display page, driven by
Playwright. Both pages stamp their moments on one clock (``performance.timeOrigin +
performance.now()``): the counter page when the call button is clicked (a capture listener),
the display page in the first ``requestAnimationFrame`` after the counter's tile shows the new
number (a ``MutationObserver``), and when an audio clip starts playing (``playing``). Paint:
``CALLS`` calls, each finished over the API before the next. Voice: ``VOICE_CALLS`` calls, each
after the last one's speech ended (the display's voice queue never overlaps calls): the chime's
start, and the spoken call's start (the clip is made by espeak-ng on the server).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import Row, Table, ms, percentile, run_alone, server
from bench.sockets.listeners import Listeners

SITE, COUNTER, CLERK = "youyi", "youyi-1", "bench-clerk"
CALLS, VOICE_CALLS, SOCKETS = 50, 8, 1_000
CHROMIUM = "/usr/bin/chromium"
TARGET_P99 = 0.250
# a hall display is a screen in front, never a background tab: no throttled frames or timers
ARGS = "--headless --no-sandbox --autoplay-policy=no-user-gesture-required --disable-renderer-backgrounding "
ARGS += "--disable-background-timer-throttling --disable-backgrounding-occluded-windows"

STAMP = "performance.timeOrigin + performance.now()"
DISPLAY_HOOKS = f"""
window.__paints = []; window.__voice = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {{
  const src = this.src;
  this.addEventListener("playing", () => window.__voice.push([src, {STAMP}]), {{ once: true }});
  this.addEventListener("ended", () => window.__voice.push([src + "#ended", {STAMP}]), {{ once: true }});
  return play.call(this);
}};
let shown = null;
new MutationObserver(() => {{
  const el = document.querySelector('[data-counter="{COUNTER}"] .c-ticket');
  const text = el ? el.textContent.trim() : null;
  if (text !== shown) {{
    shown = text;
    requestAnimationFrame(() => window.__paints.push([text, {STAMP}]));
  }}
}}).observe(document, {{ subtree: true, childList: true, characterData: true }});
"""
COUNTER_HOOKS = f"""
window.__clicks = [];
document.addEventListener("click", (e) => {{
  if (e.target.closest('[data-action="call-next"]')) window.__clicks.push({STAMP});
}}, true);
"""


def measure(table: Table) -> None:
    if not Path(CHROMIUM).exists():
        table.add(Row("call to screen, real browser", "skipped: no /usr/bin/chromium", note="apt-get install chromium"))
        return
    from playwright.sync_api import sync_playwright

    with server("screen") as srv:
        tokens = srv.accounts(users=[(CLERK, "clerk", SITE)], devices=[f"{SITE}-k1"])
        srv.start()
        kiosk, clerk = tokens[f"{SITE}-k1"], srv.login(CLERK)
        for i in range(CALLS + VOICE_CALLS + 5):
            srv.ok("POST", f"/api/v1/sites/{SITE}/tickets", {"service": ["general", "social"][i % 2]}, kiosk)
        srv.ok("POST", f"/api/v1/counters/{COUNTER}/open", {}, clerk)
        others = Listeners(f"{srv.ws_base}/ws/sites/{SITE}", SOCKETS, 4, snapshot=True)
        others.wait_ready()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM,
                    args=ARGS.split(),
                )
                paint, voice = _calls(browser, srv.base, lambda: srv.ok("POST", f"/api/v1/counters/{COUNTER}/done",
                                                                       {}, clerk))  # fmt: skip
                browser.close()
        finally:
            _, dropped = others.stop()
    chime, spoken = voice
    table.add(
        Row(
            f"call to screen, real browser, {SOCKETS:,} other sockets",
            f"click to number painted p50 {ms(percentile(paint, 50))}, p99 {ms(percentile(paint, 99))} "
            f"({len(paint)} calls); to the voice: chime p50 {ms(percentile(chime, 50))}, "
            f"max {ms(max(chime, default=0))}, "
            f"spoken call p50 {ms(percentile(spoken, 50))}, max {ms(max(spoken, default=0))} ({len(spoken)} calls)",
            f"p99 < {TARGET_P99 * 1000:.0f} ms",
            len(paint) == CALLS and percentile(paint, 99) < TARGET_P99,
            f"other sockets dropped: {dropped}" if dropped else "",
        )
    )


def _calls(browser: Any, base: str, done: Any) -> tuple[list[float], tuple[list[float], list[float]]]:
    context = browser.new_context(bypass_csp=True)  # the waits below evaluate strings (CSP has no unsafe-eval)
    display = browser.new_context(bypass_csp=True).new_page()  # its own window, as on the hall's screen
    display.add_init_script(DISPLAY_HOOKS)
    display.goto(f"{base}/display/{SITE}")
    display.wait_for_function("document.body.dataset.lastSeq !== ''")
    counter = context.new_page()
    counter.goto(f"{base}/counter")
    counter.locator("#username").fill(CLERK)
    counter.locator("#password").fill("bench-password-1")
    counter.locator("button[type=submit]").click()
    counter.locator(f'a[href="/counter/{COUNTER}"]').click()
    counter.wait_for_selector('body[data-state="open"]')
    counter.evaluate(COUNTER_HOOKS)
    button = counter.locator('[data-action="call-next"]')

    def call() -> tuple[float, float]:
        """Click, wait for the display to paint a number; the click's and the paint's moments."""
        clicks, paints = counter.evaluate("window.__clicks.length"), display.evaluate("window.__paints.length")
        button.click()
        counter.wait_for_function(f"window.__clicks.length > {clicks}")
        new = f"window.__paints.slice({paints}).filter(p => p[0] && p[0] !== '—')"
        display.wait_for_function(f"{new}.length > 0", timeout=10_000)
        return counter.evaluate("window.__clicks[window.__clicks.length - 1]"), display.evaluate(f"{new}[0][1]")

    def finish() -> None:
        done()
        display.wait_for_function("window.__paints.length && window.__paints[window.__paints.length - 1][0] === '—'")
        counter.wait_for_function("document.querySelector('[data-action=\"call-next\"]').disabled === false")

    paint = []
    for _ in range(CALLS):
        clicked, shown = call()
        paint.append((shown - clicked) / 1000)
        finish()
        time.sleep(0.2)
    time.sleep(4)  # the voice queue of the paint calls plays out (it skips calls no longer shown)
    chime: list[float] = []
    spoken: list[float] = []
    for _ in range(VOICE_CALLS):
        start = display.evaluate("window.__voice.length")
        clicked, _ = call()
        display.wait_for_function(
            f"window.__voice.slice({start}).some(v => v[0].includes('call.wav') && v[0].endsWith('#ended'))",
            timeout=20_000,
        )
        heard = display.evaluate(f"window.__voice.slice({start})")
        started = [(src, t) for src, t in heard if not src.endswith("#ended")]
        # the chime plays once for a burst of calls: a call right after another may have none
        chime += [(t - clicked) / 1000 for src, t in started[:1] if "chime" in src]
        spoken += [(t - clicked) / 1000 for src, t in started if "call.wav" in src][:1]
        finish()
        time.sleep(0.8)
    context.close()
    return paint, (chime, spoken)


if __name__ == "__main__":
    run_alone(measure)
