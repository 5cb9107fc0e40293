"""A ballot entry at a place kiosk with the couple's ID cards (docs/district.md): each card read is
good for one entry, as for one booking (web/api/booking.py use_cards)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import Hall
from tests.district.test_place_booking import PLACE, read_cards
from tests.peak.conftest import BALLOT
from tests.peak.people import couple


def test_a_ballot_entry_at_a_place_kiosk_spends_the_cards(peak: TestClient) -> None:
    token = Hall(peak).device(PLACE)
    him, her = couple(1)
    cards = read_cards(peak, token, him, her)
    people = [{"card": c, "phone": p.phone} for c, p in zip(cards, (him, her), strict=True)]
    url = f"/api/v1/ballots/{BALLOT}/entries"
    r = peak.post(url, json={"applicants": people}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    again = peak.post(url, json={"applicants": people}, headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 410 and again.json()["error"]["code"] == "card_expired"
