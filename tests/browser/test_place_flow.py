"""Done when (issue 14), at a place kiosk: a resident lays an ID card on the reader (the simulated ID
module behind the real agent), sees every center, takes a remote number for 友谊路 and gets the slip,
printed and on screen (number, center, address, arrive-by time, QR code); at 友谊路 the same person
checks it in and it waits like any ticket; the phone link shows it all the way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from printers.decode import decode
from tests.browser.conftest import CLOCK, PASSWORD
from tests.kiosk_rig import KioskRig
from tests.live import LiveServer
from tests.registry.test_registry_rules import id_for

PLACE = "tonghe-k1"
CENTER, COUNTER = "youyi-k1", "youyi-1"
CARD = {"name": "陈桂兰", "sex": "2", "nation": "01", "birth_date": "1955-05-05", "address": "上海市宝山区通河路1号",
        "id_number": id_for("19550505", "022"), "issuer": "上海市公安局宝山分局", "valid_from": "2016-05-01",
        "valid_to": "长期"}  # fmt: skip


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str, Path]]:
    tmp = tmp_path_factory.mktemp("place-flow")
    server = LiveServer(tmp, CLOCK)
    token = server.cli("device", "token", PLACE).split()[-1]
    server.cli("user", "add", "clerk-y", "--role", "clerk", "--site", "youyi", stdin=PASSWORD + "\n")
    server.start()
    try:
        yield server, token, tmp
    finally:
        server.stop()


def test_a_card_at_a_place_kiosk_takes_a_remote_number_with_its_slip(
    browser: Browser, live: tuple[LiveServer, str, Path]
) -> None:
    server, token, tmp = live
    center_token = server.cli("device", "token", CENTER).split()[-1]
    rig = KioskRig(tmp, server.base, PLACE, token).start()
    context = browser.new_context(viewport={"width": 1080, "height": 1920})
    try:
        page = context.new_page()
        page.goto(f"{server.base}/kiosk/{PLACE}#token={token}")
        expect(page.locator("body")).to_have_attribute("data-printer", "ok", timeout=10000)
        page.locator("#centers-start").click()
        expect(page.locator("#centers-list .district-site").first).to_be_visible()
        expect(page.locator("#centers-pager .page-info")).to_contain_text("/ 4")  # 17 centers, 5 a page
        page.locator("#centers-back").click()

        rig.module.place(CARD)
        expect(page.locator("#card-banner")).to_contain_text("陈**")
        page.locator("#remote-start").click()
        page.locator('#remote-services [data-service="general"]').click()
        youyi = page.locator('#remote-sites [data-site="youyi"] .district-pick')
        while not youyi.is_visible():  # nearest first, a page at a time
            page.locator("#remote-pager .page-next").click()
        youyi.click()
        expect(page.locator("#details-where")).to_contain_text("友谊路街道社区事务受理服务中心")
        expect(page.locator("#card-used")).to_contain_text(CARD["id_number"][-4:])
        page.locator("#take").click()

        number = page.locator("#r-number")
        expect(number).to_have_text(re.compile(r"^A\d{3}$"), timeout=10000)
        expect(page.locator("#result-title")).to_contain_text("友谊路")
        expect(page.locator("#r-address")).to_have_text("上海市宝山区密山路5号")
        expect(page.locator("#r-arrive")).to_have_text("10:30")  # issued 09:30, 60 minutes to check in
        expect(page.locator("#r-qr")).to_have_attribute("src", re.compile(r"^/qr\.svg\?data=http"))
        assert CARD["id_number"] not in page.content()
        slip = decode(rig.printer.wait_for_job(1))
        assert slip.line(number.inner_text()).width == 4 and slip.qr_codes and slip.cuts == 1
        track = page.locator("#r-qr").get_attribute("src") or ""

        # at 友谊路: the phone follows it; the same card checks it in at the center's kiosk; a clerk calls it
        phone = context.new_page()
        phone.goto(re.sub(r"^/qr\.svg\?data=", "", track).replace("%3A", ":").replace("%2F", "/"))
        expect(phone.locator("#t-number")).to_have_text(number.inner_text())
        expect(phone.locator("body")).to_contain_text("10:30")  # check in by
        center = KioskRig(tmp, server.base, CENTER, center_token).start()
        try:
            kiosk = context.new_page()
            kiosk.goto(f"{server.base}/kiosk/{CENTER}#token={center_token}")
            expect(kiosk.locator("body")).to_have_attribute("data-agent", "online", timeout=10000)
            center.module.place(CARD)  # 友谊路 takes no bookings: the card, then the same service
            expect(kiosk.locator("#card-banner")).to_contain_text("陈**", timeout=10000)
            kiosk.locator('#services [data-service="general"]').click()
            kiosk.locator("#take").click()
            expect(kiosk.locator("#r-number")).to_have_text(number.inner_text(), timeout=10000)  # checked in
        finally:
            center.stop()
        clerk = server.ok("POST", "/api/v1/auth/token", {"username": "clerk-y", "password": PASSWORD})["token"]
        server.ok("POST", f"/api/v1/counters/{COUNTER}/open", {}, clerk)
        called = server.ok("POST", f"/api/v1/counters/{COUNTER}/call-next", {}, clerk)
        assert called["ticket"]["number"] == number.inner_text()
        expect(phone.locator("#t-call")).to_be_visible(timeout=10000)  # the phone page, live
    finally:
        context.close()
        rig.stop()
