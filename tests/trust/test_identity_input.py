"""One person is one identity however the digits were typed (SPEC 8): fullwidth or other
scripts' digits, a lower-case x, spaces around; impossible birth dates and invisible names are
refused with their own codes."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from core import identity
from core.errors import DuplicateBooking, ImpossibleBirthDate, InvalidName
from core.registry import appointments as ap
from core.store.db import Store
from tests.conftest import Hall
from tests.registry.test_appointments import HER, HIM, NEXT_MONDAY, at, book
from tests.registry.test_registry_rules import id_for

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def spellings(number: str) -> list[str]:
    return [number.translate(FULLWIDTH), number.translate(ARABIC_INDIC), f"  {number.lower()} \u3000"]


@pytest.mark.parametrize("typed", spellings("31011519850612107X"))
def test_every_spelling_of_a_number_is_the_same_identity(typed: str) -> None:
    assert identity.normalize(typed) == "31011519850612107X"


def test_a_kiosk_ticket_is_one_per_person_whatever_the_digits(
    client: TestClient, hall: Hall, kiosk: dict[str, str]
) -> None:
    first = hall.take("general", kiosk, id_number="110105199003071239")
    for typed in spellings("110105199003071239"):
        again = hall.take("general", kiosk, id_number=typed)
        assert again["id"] == first["id"] and again["number"] == first["number"]


def test_the_same_couple_cannot_book_twice_with_fullwidth_digits(store: Store) -> None:
    book(store, at(NEXT_MONDAY, "09:00"))
    disguised = [ap.Applicant(p.name, p.id_number.translate(FULLWIDTH), p.phone.translate(FULLWIDTH))
                 for p in (HIM, HER)]  # fmt: skip
    with pytest.raises(DuplicateBooking):
        book(store, at(NEXT_MONDAY + dt.timedelta(days=1), "09:00"), disguised)


def test_a_booking_is_found_with_a_fullwidth_phone_or_last_four(store: Store) -> None:
    made = book(store, at(NEXT_MONDAY, "09:00"))
    for verify in (HER.phone.translate(FULLWIDTH), "１７４Ｘ".lower()):
        found = store.read_sync(ap.lookup, made["code"], verify)
        assert found["code"] == made["code"]


@pytest.mark.parametrize("born", ["20990101", "18991231", "20270101"])
def test_impossible_birth_dates_are_refused_with_their_own_code(client: TestClient, hall: Hall, kiosk: dict[str, str],
                                                                born: str) -> None:  # fmt: skip
    number = id_for(born, "013")
    with pytest.raises(ImpossibleBirthDate):
        identity.normalize(number, dt.date(2026, 5, 13))
    r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general", "id_number": number}, headers=kiosk)
    assert r.status_code == 422 and r.json()["error"]["code"] == "impossible_birth_date"


@pytest.mark.parametrize("name", ["\u200b\u200b", "\u202e三张", "张\x07三", "\u2066李四\u2069", "   ", "123", "\ufeff"])
def test_names_without_visible_letters_or_with_control_characters_are_refused(store: Store, name: str) -> None:
    with pytest.raises(InvalidName):
        book(store, at(NEXT_MONDAY, "09:00"), [ap.Applicant(name, HIM.id_number, HIM.phone), HER])
    assert store.read_sync(lambda r: r.one("SELECT COUNT(*) FROM appointments")[0]) == 0


@pytest.mark.parametrize("name", ["阿依古丽·买买提", "欧阳娜娜", "Anna Müller"])
def test_real_names_of_every_kind_pass(name: str) -> None:
    assert identity.clean_name(name) == name


def test_the_api_names_the_refusal(client: TestClient) -> None:
    body = {"site": "registry", "service": "marriage", "start": at(NEXT_MONDAY, "09:00").isoformat(),
            "applicants": [{"name": "\u202e三张", "id_number": HIM.id_number, "phone": HIM.phone},
                           {"name": HER.name, "id_number": HER.id_number, "phone": HER.phone}]}  # fmt: skip
    r = client.post("/api/v1/appointments", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_name"
