"""Peak days on the phone (docs/peak-days.md), with the proof of work on as shipped: a couple enters
the 2027-05-20 ballot and looks up their entry; another books 2026-05-20 with a ceremony in the
same step; without JavaScript the pages say how to book instead. Each state passes the layout check
at 390x844. The registry's staff follow the ballot on its day view and draw it at 1366x768."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from core.registry.applicants import Applicant
from tests.browser.a11y import fill_couple, sign_in
from tests.browser.conftest import PASSWORD
from tests.browser.layout.check import Layout
from tests.live import ROOT, LiveServer
from tests.peak.people import body, couple

IN_WINDOW = "2027-04-02T10:00:00+08:00"
BEFORE_520 = "2026-05-13T09:30:00+08:00"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def layout() -> Iterator[Layout]:
    check = Layout("phone")
    yield check
    check.assert_clean()


def test_a_couple_enters_the_ballot_on_the_phone(browser: Browser, tmp_path: Path, layout: Layout) -> None:
    with LiveServer(tmp_path, IN_WINDOW, pow=True).start() as live:
        page = browser.new_page(viewport=PHONE)
        page.goto(f"{live.base}/ballot/520-2027")
        expect(page.locator("h1")).to_contain_text("2027-05-20")
        expect(page.locator("#seed-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        layout(page, "ballot open", min_font=14, scrolls=True)
        fill_couple(page, 1)
        page.locator('input[name=ceremony][value="morning"]').check()
        page.locator("#book-submit").click()
        expect(page.locator("#entry-code")).to_have_text(re.compile(r"^B[A-Z2-9]{8}$"))
        solved_ms = int(page.evaluate("document.documentElement.dataset.powMs"))
        sha = page.evaluate("async (t) => (await import('/static/js/booking/pow_worker.js')).sha256hex(t)", "abc" * 30)
        assert sha == hashlib.sha256(b"abc" * 30).hexdigest()  # the worker's SHA-256 (two blocks)
        assert solved_ms < 3000, solved_ms  # solved in the background while the form was filled in
        layout(page, "ballot entered", min_font=14, scrolls=True)
        code = page.locator("#entry-code").inner_text()
        # the same couple again: refused, with the reason
        page.reload()
        fill_couple(page, 1)
        page.locator("#book-submit").click()
        expect(page.locator("#form-error")).to_contain_text("已在本次摇号中登记")
        layout(page, "ballot refused", min_font=14, scrolls=True)
        page.locator("#look-code").fill(code)
        page.locator("#look-verify").fill(couple(1)[1].id_number[-4:])
        page.locator("#look-form button").click()
        expect(page.locator("#entry-status")).to_have_text("已登记，等待开奖")
        layout(page, "entry looked up", min_font=14, scrolls=True)
        page.goto(f"{live.base}/ballot/520-2027/result?lang=en")
        expect(page.locator("h1")).to_contain_text("Ballot result")
        layout(page, "result before the draw en", min_font=14, scrolls=True)


def test_book_with_a_ceremony_and_without_javascript(browser: Browser, tmp_path: Path, layout: Layout) -> None:
    live = LiveServer(tmp_path, BEFORE_520, pow=True).start()
    try:
        page = browser.new_page(viewport=PHONE)
        page.goto(f"{live.base}/book/registry/marriage")
        expect(page.locator(".ballot-notice a")).to_have_attribute("href", "/ballot/520-2027")
        layout(page, "booking days with a ballot ahead", min_font=14, scrolls=True)
        page.locator('.day[data-date="2026-05-20"]').click()
        page.locator('.slot[data-start="2026-05-20T10:00:00+08:00"]').click()
        expect(page.locator("#ceremony-box")).to_be_visible()
        expect(page.locator("#ceremony-box .ceremony-option")).to_have_count(3)
        fill_couple(page, 7)
        page.locator('input[name=ceremony][value="afternoon"]').check()
        layout(page, "booking form with ceremonies", min_font=14, scrolls=True)
        page.locator("#book-submit").click()
        expect(page.locator("#d-code")).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
        expect(page.locator("#d-ceremony-row dd")).to_contain_text("14:30")
        layout(page, "booked with a ceremony", min_font=14, scrolls=True)
        status, day = live.call("GET", "/api/v1/sites/registry/ceremonies?date=2026-05-20")
        assert status == 200 and {s["id"]: s["joined"] for s in day["sessions"]} == {"morning": 0, "afternoon": 1}
        # later, on "my booking": move to the morning session
        code = page.locator("#d-code").inner_text()
        page.goto(f"{live.base}/book/manage?code={code}")
        page.locator("#m-verify").fill(couple(7)[0].id_number[-4:])
        page.locator("#lookup-form button[type=submit]").click()
        expect(page.locator("#b-ceremony-row dd")).to_contain_text("14:30")
        expect(page.locator('#ceremony-box input[value="afternoon"]')).to_be_checked()
        page.locator('#ceremony-box input[value="morning"]').check()
        page.locator("#ceremony-box .ceremony-save").click()
        expect(page.locator("#b-ceremony-row dd")).to_contain_text("10:00")
        layout(page, "my booking with a ceremony", min_font=14, scrolls=True)
        day = live.call("GET", "/api/v1/sites/registry/ceremonies?date=2026-05-20")[1]
        assert {s["id"]: s["joined"] for s in day["sessions"]} == {"morning": 1, "afternoon": 0}

        plain = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
        plain.goto(f"{live.base}/book/registry/marriage")
        expect(plain.locator("noscript, .notice-box").first).to_be_attached()
        assert "12345" in plain.content() and "自助机" in plain.content() and "服务台" in plain.content()
        layout(plain, "booking without javascript", min_font=14, scrolls=True)
    finally:
        live.stop()


def test_the_registry_sees_the_ceremonies_on_its_day_view_and_display(browser: Browser, tmp_path: Path) -> None:
    """On 2026-05-20 itself: the supervisor's day view lists the sessions with their couples and
    changes one; the hall display shows today's sessions with places left (1920x1080, 1080x1920)."""
    live = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00").start()
    try:
        live.cli("user", "add", "reg-sup", "--role", "supervisor", "--site", "registry", stdin=PASSWORD + "\n")
        him, her = couple(3)
        people = [{"name": p.name, "id_number": p.id_number, "phone": p.phone} for p in (him, her)]
        body = {"site": "registry", "service": "marriage", "start": "2026-05-20T10:00:00+08:00", "ceremony": "morning"}
        status, booked = live.call("POST", "/api/v1/appointments", {**body, "applicants": people})
        assert status == 201, booked
        token = live.cli("device", "token", "registry-d1").split()[-1]
    finally:
        live.stop()
    live = LiveServer(tmp_path, "2026-05-20T09:00:00+08:00").start()
    layout = Layout("desk")
    try:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = sign_in(context, live, "reg-sup")
        page.goto(f"{live.base}/admin/appointments?site=registry&date=2026-05-20")
        row = page.locator('#ceremony-table tr[data-session="morning"]')
        expect(row).to_contain_text("1 / 10")
        expect(row).to_contain_text(booked["code"])
        layout(page, "registry day with ceremonies", min_font=13, scrolls=True)
        page.locator("#ceremony-edit").click()
        page.locator("#ceremony-form input[name=capacity]").fill("12")
        page.locator("#ceremony-form button[type=submit]").click()
        expect(page.locator('#ceremony-table tr[data-session="morning"]')).to_contain_text("1 / 12")
        layout.assert_clean()
        board = Layout("display")
        for ctx in board.contexts(browser):
            screen = ctx.new_page()
            screen.goto(f"{live.base}/display/registry#token={token}")
            expect(screen.locator("#ceremonies-panel")).to_be_visible()
            expect(screen.locator("#ceremonies-list li")).to_have_count(2)
            expect(screen.locator("#ceremonies-list li").first).to_contain_text("余 11 对")
            board(screen, "registry ceremonies today", min_font=16)
        board.assert_clean()
    finally:
        live.stop()


def test_the_registry_follows_its_ballot_and_a_supervisor_draws_it(browser: Browser, tmp_path: Path) -> None:
    """The registry's day view of 2027-05-20 (1366x768): while entries are taken, the window, the
    count and the seed's hash, every entry with masked names, found by its code; once the draw is
    due (housekeeping off, so that nothing draws before the button), the supervisor draws it: the
    seed, the order, each winner's booking and deadline, and the JSON the verifier matches."""
    live = LiveServer(tmp_path, IN_WINDOW).start()
    try:
        live.cli("user", "add", "reg-sup", "--role", "supervisor", "--site", "registry", stdin=PASSWORD + "\n")
        codes = []
        for i in range(1, 7):
            status, entry = live.call("POST", "/api/v1/ballots/520-2027/entries", {"applicants": body(*couple(i))})
            assert status == 201, entry
            codes.append(entry["entry_code"])
    finally:
        live.stop()
    layout = Layout("desk")
    url = "/admin/appointments?site=registry&date=2027-05-20"
    live = LiveServer(tmp_path, "2027-04-05T10:00:00+08:00").start()
    try:
        page = sign_in(browser.new_context(viewport={"width": 1366, "height": 768}), live, "reg-sup")
        page.goto(f"{live.base}{url}")
        desk = page.locator("#ballot-desk")
        expect(desk).to_have_attribute("data-phase", "open")
        expect(desk.locator("h2")).to_contain_text("正在报名")
        expect(page.locator("#ballot-entries")).to_have_text("6")
        expect(page.locator("#ballot-seed-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        expect(page.locator("#ballot-draw")).to_have_count(0)
        rows = page.locator("#ballot-table tbody tr")
        expect(rows).to_have_count(6)
        expect(rows.first).to_contain_text("新*")
        assert "新郎1" not in page.content() and couple(1)[0].id_number not in page.content()
        page.locator("#ballot-find").fill(codes[2])
        expect(page.locator("#ballot-table tbody tr:visible")).to_have_count(1)
        expect(page.locator("#ballot-table tbody tr:visible")).to_contain_text(codes[2])
        layout(page, "registry ballot taking entries", min_font=13, scrolls=True)
        # a couple at the front desk: entered by the clerk's page (staff need no proof of work)
        page.locator("#ballot-find").fill("")
        desk_fill(page, couple(7))
        page.locator("#desk-entry select[name=ceremony]").select_option("noon")
        page.locator("#desk-entry button[type=submit]").click()
        expect(page.locator("#desk-entry-status")).to_contain_text(re.compile(r"登记成功：登记码 B[A-Z2-9]{8}"))
        layout(page, "registry ballot entered at the desk", min_font=13, scrolls=True)
        assert live.call("GET", "/api/v1/ballots/520-2027")[1]["entries"] == 7
        desk_fill(page, (couple(7)[0], couple(8)[1]))  # either party of an entry again: refused
        page.locator("#desk-entry button[type=submit]").click()
        expect(page.locator("#desk-entry-status")).to_contain_text("已在本次摇号中登记")
    finally:
        live.stop()
    live = LiveServer(tmp_path, "2027-04-12T10:05:00+08:00", env={"HALL_HOUSEKEEPING_SECONDS": "0"}).start()
    try:
        page = sign_in(browser.new_context(viewport={"width": 1366, "height": 768}), live, "reg-sup")
        page.goto(f"{live.base}{url}")
        expect(page.locator("#ballot-desk")).to_have_attribute("data-phase", "closed")
        layout(page, "registry ballot due", min_font=13, scrolls=True)
        page.locator("#ballot-draw").click()
        expect(page.locator("#ballot-status")).to_contain_text("已开奖")
        expect(page.locator("#ballot-desk")).to_have_attribute("data-phase", "drawn")
        expect(page.locator("#ballot-seed")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        expect(page.locator('#ballot-counts [data-status="won"]')).to_contain_text("7")
        won = page.locator('#ballot-table tbody tr[data-status="won"]')
        expect(won).to_have_count(7)
        expect(won.first.locator("td").nth(4)).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
        expect(won.first.locator("td").nth(5)).to_have_text(re.compile(r"^04-14 10:\d\d$"))  # 48 h after the draw
        layout(page, "registry ballot drawn", min_font=13, scrolls=True)
        page.goto(f"{live.base}{url}&lang=en")
        expect(page.locator("#ballot-desk h2")).to_contain_text("Draw held")
        layout(page, "registry ballot drawn en", min_font=13, scrolls=True)
        layout.assert_clean()
        # a winner confirms on the phone
        phone = browser.new_page(viewport=PHONE)
        phone.goto(f"{live.base}/ballot/520-2027")
        phone.locator("#look-code").fill(codes[0])
        phone.locator("#look-verify").fill(couple(1)[0].phone)
        phone.locator("#look-form button").click()
        expect(phone.locator("#confirm")).to_be_visible()
        on_phone = Layout("phone")
        on_phone(phone, "ballot won, to confirm", min_font=14, scrolls=True)
        phone.locator("#confirm").click()
        expect(phone.locator("#entry-status")).to_contain_text(re.compile(r"名额已确认，预约码为 [A-Z2-9]{8}"))
        on_phone(phone, "ballot place confirmed", min_font=14, scrolls=True)
        on_phone.assert_clean()
        order = live.call("GET", "/api/v1/ballots/520-2027")[1]["result"]["order"]
        assert {e["code"]: e["status"] for e in order}[codes[0]] == "confirmed"
        status, published = live.call("GET", "/api/v1/ballots/520-2027")
        assert status == 200
        (tmp_path / "result.json").write_text(json.dumps(published), encoding="utf-8")
        verified = subprocess.run([sys.executable, "-m", "tools.verify_ballot", str(tmp_path / "result.json")],
                                  capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
        assert verified.returncode == 0 and verified.stdout.startswith("matches: 7 entries"), verified.stdout
    finally:
        live.stop()


def desk_fill(page: Page, people: tuple[Applicant, Applicant]) -> None:
    """The front desk's entry form of the registry's day view, with these two people."""
    for k, p in enumerate(people):
        for field, value in (("name", p.name), ("id", p.id_number), ("phone", p.phone)):
            page.locator(f"#desk-entry input[name={field}-{k}]").fill(value)
