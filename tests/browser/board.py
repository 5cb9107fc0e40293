"""A hall for the display board tests: the demo config with one site grown to 12 counters (the
most a site may have), a clerk signed in at every counter, kiosk and display tokens, a supervisor.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import CLOCK, PASSWORD
from tests.live import ROOT, LiveServer, OnLive, config_file

BIG = "wusong"  # grown to 12 counters
SITES = {"youyi": 8, BIG: 12}


def twelve_counters(config: str) -> str:
    """config.toml with the counters of ``BIG`` replaced by twelve."""
    rows = "\n".join(
        f'  {{id = "{BIG}-{n}", number = {n}, services = ["general", "social", "elderly", "certificate", "consult"]}},'
        for n in range(1, 13)
    )
    start = config.index(f'{{id = "{BIG}-1"')
    head = config.rindex("counters = [", 0, start)
    end = config.index("]\n", start)
    return f"{config[:head]}counters = [\n{rows}\n{config[end:]}"


@dataclass
class Board(OnLive):
    live: LiveServer
    kiosk: dict[str, str]
    display: dict[str, str]
    clerks: dict[str, str] = field(default_factory=dict)  # counter id -> clerk token

    def take(self, site: str, service: str = "general") -> dict[str, Any]:
        return dict(self.api("POST", f"/api/v1/sites/{site}/tickets", {"service": service}, self.kiosk[site]))

    def act(self, counter: str, action: str, body: Any = None) -> Any:
        return self.api("POST", f"/api/v1/counters/{counter}/{action}", body or {}, self.clerks[counter])

    def counters(self, site: str) -> list[str]:
        return [f"{site}-{n}" for n in range(1, SITES[site] + 1)]

    def call_at_once(self, counters: list[str]) -> dict[str, str]:
        """Every counter calls at the same moment (one thread each): counter -> number called."""
        out: dict[str, str] = {}

        def call(counter: str) -> None:
            status, data = self.live.call("POST", f"/api/v1/counters/{counter}/call-next", {}, self.clerks[counter])
            if status == 200 and data["ticket"]:
                out[counter] = data["ticket"]["number"]

        threads = [threading.Thread(target=call, args=(c,)) for c in counters]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert len(out) == len(counters), out
        return out

    def free(self, site: str) -> None:
        """Finish whatever any counter of the site holds."""
        for c in self.counters(site):
            status, _ = self.live.call("POST", f"/api/v1/counters/{c}/done", {}, self.clerks[c])
            assert status in (200, 403, 409), status  # 403: nobody signed in there

    def open_display(self, context: BrowserContext, site: str, lang: str = "zh") -> Page:
        page = context.new_page()
        page.goto(f"{self.base}/display/{site}?lang={lang}#token={self.display[site]}")
        expect(page.locator("body")).not_to_have_attribute("data-last-seq", "")
        return page


def start_board(tmp: Path) -> Iterator[Board]:
    text = twelve_counters((ROOT / "config.toml").read_text(encoding="utf-8"))
    live = LiveServer(tmp, CLOCK, config=config_file(tmp, text))
    for site, n in SITES.items():
        for k in range(1, n + 1):
            live.cli("user", "add", f"c-{site}-{k}", "--role", "clerk", "--site", site, stdin=PASSWORD + "\n")
    live.cli("user", "add", "sup-w", "--role", "supervisor", "--site", BIG, stdin=PASSWORD + "\n")
    live.cli("user", "add", "sup-y", "--role", "supervisor", "--site", "youyi", stdin=PASSWORD + "\n")
    kiosk = {s: live.cli("device", "token", f"{s}-k1").split()[-1] for s in SITES}
    display = {s: live.cli("device", "token", f"{s}-d1").split()[-1] for s in SITES}
    live.start()
    try:
        board = Board(live, kiosk, display)
        for site, n in SITES.items():
            for k in range(1, n + 1):
                token = board.api("POST", "/api/v1/auth/token", {"username": f"c-{site}-{k}", "password": PASSWORD})
                board.clerks[f"{site}-{k}"] = token["token"]
        yield board
    finally:
        live.stop()


def set_notices(page: Page, board: Board, site: str, text: str) -> None:
    """Through the supervisor's form, as a supervisor would."""
    page.goto(f"{board.base}/admin/notices?site={site}")
    page.locator("#notices").fill(text)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"saved=1"))
