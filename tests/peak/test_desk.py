"""The registry's staff follow a ballot on its day view (core/peak/staff.py): the window, counts and
the seed's hash while entries are taken, every entry with masked names only; the draw is due at its
time and only a supervisor of the registry runs it; then each winner's booking and deadline."""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from core.peak import staff
from tests.conftest import Hall
from tests.peak.conftest import BALLOT, DRAW, hall_of
from tests.peak.people import couple
from tests.peak.test_ballot import enter

DAY = dt.date(2027, 5, 20)


def test_the_desk_before_and_after_a_supervisor_draws(peak: TestClient) -> None:
    h = hall_of(peak)
    codes = [enter(peak, list(couple(i))).json()["entry_code"] for i in (1, 2, 3)]
    view = h.store.read_sync(staff.day, "registry", DAY)
    desk = view["ballot"]
    assert desk["phase"] == "open" and not desk["draw_due"] and desk["entries"] == 3 and desk["seed"] is None
    assert desk["statuses"] == {"entered": 3} and len(desk["seed_hash"]) == 64
    assert sorted(e["code"] for e in desk["desk"]) == sorted(codes)
    assert desk["desk"][0]["people"][0]["name"] == "新**"
    him, her = couple(1)
    assert him.name not in str(view) and him.id_number not in str(view) and her.phone not in str(view)
    assert h.store.read_sync(staff.day, "registry", dt.date(2027, 5, 21))["ballot"] is None

    h.clock.set(DRAW - dt.timedelta(minutes=1))
    people = Hall(peak)
    sup = {"Authorization": f"Bearer {people.user('reg-sup', 'supervisor', 'registry')}"}
    clerk = {"Authorization": f"Bearer {people.user('reg-clerk', 'clerk', 'registry')}"}
    elsewhere = {"Authorization": f"Bearer {people.user('youyi-sup', 'supervisor', 'youyi')}"}
    assert not h.store.read_sync(staff.desk, BALLOT)["draw_due"]
    early = peak.post(f"/api/v1/ballots/{BALLOT}/draw", json={}, headers=sup)
    assert early.status_code == 409 and early.json()["error"]["code"] == "ballot_closed"
    h.clock.set(DRAW)
    assert h.store.read_sync(staff.desk, BALLOT)["draw_due"]
    for who in (clerk, elsewhere):
        assert peak.post(f"/api/v1/ballots/{BALLOT}/draw", json={}, headers=who).status_code == 403
    r = peak.post(f"/api/v1/ballots/{BALLOT}/draw", json={}, headers=sup)
    assert r.status_code == 200 and r.json()["phase"] == "drawn"
    assert peak.post(f"/api/v1/ballots/{BALLOT}/draw", json={}, headers=sup).status_code == 409  # once

    desk = h.store.read_sync(staff.desk, BALLOT)
    assert desk["phase"] == "drawn" and not desk["draw_due"] and desk["seed"] == r.json()["seed"]
    assert desk["statuses"] == {"won": 3} and [e["position"] for e in desk["desk"]] == [1, 2, 3]
    bookings = {e["booking"] for e in desk["desk"]}
    assert len(bookings) == 3 and None not in bookings
    assert all(e["confirm_by"] == (DRAW + dt.timedelta(hours=48)).isoformat() for e in desk["desk"])


def test_the_marriage_booking_page_names_the_ballot_ahead(peak: TestClient) -> None:
    """A couple who opens the booking page in April learns that 2027-05-20 goes by ballot, and where."""
    html = peak.get("/book/registry/marriage").text
    assert "2027-05-20 的名额以摇号分配" in html and f'href="/ballot/{BALLOT}"' in html
    assert "2027-04-01 09:00 至 2027-04-10 17:00" in html
    assert "摇号" not in peak.get("/book/registry/divorce-apply").text
    hall_of(peak).clock.set(dt.datetime(2027, 4, 11, 9, 0, tzinfo=DRAW.tzinfo))
    assert "2027-05-20 的名额以摇号分配：登记已截止，2027-04-12 10:00 开奖" in peak.get("/book/registry/marriage").text
    hall_of(peak).clock.set(DRAW)
    drawn = peak.get("/book/registry/marriage").text
    assert "已于 2027-04-12 10:00 开奖" in drawn and f'href="/ballot/{BALLOT}/result"' in drawn
    hall_of(peak).clock.set(dt.datetime(2027, 5, 21, 9, 0, tzinfo=DRAW.tzinfo))
    assert f"/ballot/{BALLOT}" not in peak.get("/book/registry/marriage").text  # the day is past
