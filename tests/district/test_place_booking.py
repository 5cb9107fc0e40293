"""Booking at a place kiosk with the ID card reader (SPEC 6b, docs/district.md): a card read there
stands for the applicant's name and ID number in ``POST /api/v1/appointments`` (the page holds only
the one-time token and the masked name), once; a phone, another kiosk or a card with a typed number
are refused."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import Hall
from tests.devices.test_kiosk_link import HEALTHY, agent, page, until
from tests.registry.test_appointments import HER, HIM
from tests.registry.test_booking_api import MONDAY

PLACE = "wanda-k1"
SLOT = {"site": "registry", "service": "marriage", "start": f"{MONDAY}T09:00:00+08:00"}


def read_cards(client: TestClient, token: str, *people: Any) -> list[str]:
    """Each person's card laid on the place kiosk's reader in turn: the tokens its page hears."""
    cards = []
    with agent(client, token, PLACE) as a, page(client, token, PLACE) as p:
        a.send_text(json.dumps(HEALTHY))
        until(p, "agent")
        for person in people:
            a.send_text(json.dumps({"type": "card", "source": "idmodule", "id_number": person.id_number,
                                    "name": person.name}))  # fmt: skip
            seen = until(p, "identity")
            assert person.id_number not in json.dumps(seen)  # the page gets a token and masks only
            cards.append(seen["card"])
    return cards


def test_a_couple_books_at_a_place_kiosk_with_their_id_cards(client: TestClient, hall: Hall) -> None:
    token = hall.device(PLACE)
    place = {"Authorization": f"Bearer {token}"}
    him, her = read_cards(client, token, HIM, HER)
    people = [{"card": him, "phone": HIM.phone}, {"card": her, "phone": HER.phone}]
    r = client.post("/api/v1/appointments", json={**SLOT, "applicants": people}, headers=place)
    assert r.status_code == 201, r.text
    booking = r.json()
    assert [a["name"] for a in booking["applicants"]] == ["张*", "李*"]
    found = client.get(f"/api/v1/appointments/{booking['code']}?verify={HER.id_number[-4:]}")
    assert found.status_code == 200 and found.json()["status"] == "booked"
    again = client.post("/api/v1/appointments", json={**SLOT, "applicants": people}, headers=place)
    assert again.status_code == 410 and again.json()["error"]["code"] == "card_expired"  # each read once


def test_card_tokens_only_from_the_kiosk_that_read_them(client: TestClient, hall: Hall) -> None:
    token = hall.device(PLACE)
    (him,) = read_cards(client, token, HIM)
    her = {"name": HER.name, "id_number": HER.id_number, "phone": HER.phone}
    people = [{"card": him, "phone": HIM.phone}, her]
    phone = client.post("/api/v1/appointments", json={**SLOT, "applicants": people})
    assert phone.status_code == 403  # a phone has no reader
    other = {"Authorization": f"Bearer {hall.device('tonghe-k1')}"}
    elsewhere = client.post("/api/v1/appointments", json={**SLOT, "applicants": people}, headers=other)
    assert elsewhere.status_code == 410  # read at wanda-k1: unknown to another kiosk
    both = [{"card": him, "id_number": HIM.id_number, "phone": HIM.phone}, her]
    mixed = client.post(
        "/api/v1/appointments", json={**SLOT, "applicants": both}, headers={"Authorization": f"Bearer {token}"}
    )
    assert mixed.status_code == 422  # a card or a typed number, not both
    typed = client.post("/api/v1/appointments", json={**SLOT, "applicants": [{"card": him, "phone": HIM.phone}, her]},
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert typed.status_code == 201, typed.text  # the card is still good for one booking
