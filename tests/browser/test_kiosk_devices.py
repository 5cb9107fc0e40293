"""End to end with real devices' protocols: the agent, a card on the ID module, the kiosk page
in chromium, a ticket printed on the TCP printer; then the printer's plug is pulled.
Uses the luodian site, which the other browser tests leave alone."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from printers.decode import decode
from tests.browser.conftest import PASSWORD, Server
from tests.kiosk_rig import KioskRig

ELDER = "310113194803071223"


def test_card_ticket_slip_and_fallback(context: BrowserContext, server: Server, tmp_path: Path) -> None:
    token = server.live.cli("device", "token", "luodian-k1").split()[-1]
    server.live.cli("user", "add", "sup-luodian", "--role", "supervisor", "--site", "luodian", stdin=PASSWORD + "\n")
    rig = KioskRig(tmp_path, server.base, "luodian-k1", token).start()
    try:
        kiosk = context.new_page()
        kiosk.goto(f"{server.base}/kiosk/luodian-k1#token={token}")
        expect(kiosk.locator("body")).to_have_attribute("data-printer", "ok", timeout=10000)

        rig.module.place("elder")  # a card is laid on the reader
        banner = kiosk.locator("#card-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("王**")
        expect(banner).to_contain_text("**************1223")
        expect(kiosk.locator("#card-green")).to_be_visible()
        assert ELDER not in kiosk.content() and "王秀英" not in kiosk.content()

        kiosk.locator('[data-service="general"]').click()
        expect(kiosk.locator("#card-used")).to_contain_text("1223")
        kiosk.locator("#take").click()
        number_el = kiosk.locator("#r-number")
        expect(number_el).to_have_text(re.compile(r"^A\d{3}$"))
        number = number_el.inner_text()
        expect(kiosk.locator("#r-priority")).to_be_visible()  # green channel from the card's birth date
        expect(kiosk.locator("body")).to_have_attribute("data-print", "printed")
        expect(kiosk.locator("#r-print")).to_have_text("请取走号票")
        slip = decode(rig.printer.wait_for_job(1))
        assert slip.line(number).width == 4
        assert slip.line("综合受理").width == 2
        assert slip.qr_codes and slip.cuts == 1

        admin = context.new_page()
        admin.goto(f"{server.base}/counter?next=/admin/devices")
        admin.locator("#username").fill("sup-luodian")
        admin.locator("#password").fill(PASSWORD)
        admin.locator("button[type=submit]").click()
        row = admin.locator('tr[data-device="luodian-k1"]')
        expect(row).to_have_attribute("data-state", "ok")
        expect(row.locator('[data-field="printed"]')).to_have_text("1")

        # pull the printer's plug while the kiosk is in use
        rig.printer.stop()
        kiosk.locator("#finish").click()
        kiosk.locator('[data-service="social"]').click()
        kiosk.locator("#take").click()
        expect(kiosk.locator("#r-fallback")).to_be_visible(timeout=5000)
        expect(kiosk.locator("#r-number")).to_have_text(re.compile(r"^B\d{3}$"))
        expect(kiosk.locator("#r-qr")).to_have_attribute("src", re.compile(r"^/qr\.svg\?data=http"))
        expect(row).to_have_attribute("data-state", "fault", timeout=5000)
        expect(row.locator('[data-field="printer"]')).to_have_text("脱机")
    finally:
        rig.stop()
