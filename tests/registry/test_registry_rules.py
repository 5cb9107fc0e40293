"""The law at booking (SPEC 5): marriage age on the slot's day, one man and one woman, two
different people; adults for divorce and reissue; the same rules at reschedule. A refusal
names the rule and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from core.errors import NotAdult, NotManAndWoman, RuleRefused, SamePerson, UnderMarriageAge
from core.registry import appointments as ap
from core.store.db import Store
from tests.registry.test_appointments import HER, HIM, NEXT_MONDAY, at, book

TUESDAY = NEXT_MONDAY + dt.timedelta(days=1)
_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def id_for(born: str, order: str) -> str:
    """A valid ID number born on ``born`` (YYYYMMDD); ``order``'s last digit: odd man, even woman."""
    base = "310115" + born + order
    return base + "10X98765432"[sum(int(d) * w for d, w in zip(base, _WEIGHTS, strict=True)) % 11]


def man(born: str) -> ap.Applicant:
    return ap.Applicant("王五", id_for(born, "013"), "13700000001")


def woman(born: str) -> ap.Applicant:
    return ap.Applicant("赵六", id_for(born, "024"), "13700000002")


def nothing_booked(store: Store) -> bool:
    count = store.read_sync(lambda r: r.one("SELECT COUNT(*) FROM appointments")[0])
    used = store.read_sync(lambda r: r.one("SELECT COALESCE(SUM(booked), 0) FROM slot_usage")[0])
    sent = store.read_sync(lambda r: r.one("SELECT COUNT(*) FROM outbox")[0])
    return bool(count == 0 and used == 0 and sent == 0)


@pytest.mark.parametrize(
    ("people", "applicant"),
    [
        ([man("20090518"), woman("20040101")], 0),  # a 16-year-old man (turns 17 on the day)
        ([man("20000101"), woman("20090101")], 1),  # a 17-year-old woman
        ([man("20040519"), woman("20000101")], 0),  # the man turns 22 the day after the slot
        ([man("20000101"), woman("20060519")], 1),  # the woman turns 20 the day after
    ],
)
def test_marriage_under_the_legal_age_is_refused(store: Store, people: list[ap.Applicant], applicant: int) -> None:
    with pytest.raises(UnderMarriageAge) as e:
        book(store, at(NEXT_MONDAY, "10:00"), people)
    assert "民法典第一千零四十七条" in e.value.message and "Civil Code art. 1047" in e.value.message
    assert e.value.details["applicant"] == applicant and e.value.details["rule"] == "civil_code_1047"
    assert nothing_booked(store)


def test_marriage_on_the_birthday_itself_is_allowed(store: Store) -> None:
    a = book(store, at(NEXT_MONDAY, "10:00"), [man("20040518"), woman("20060518")])
    assert a["status"] == "booked"


@pytest.mark.parametrize("people", [[HIM, man("19900101")], [woman("19900101"), HER]])
def test_marriage_needs_one_man_and_one_woman(store: Store, people: list[ap.Applicant]) -> None:
    with pytest.raises(NotManAndWoman) as e:
        book(store, at(NEXT_MONDAY, "10:00"), people)
    assert "一男一女" in e.value.message and "17th digit" in e.value.message
    assert nothing_booked(store)


@pytest.mark.parametrize("service", ["marriage", "divorce-apply"])
def test_the_two_parties_are_different_people(store: Store, service: str) -> None:
    twin = ap.Applicant("李四", HER.id_number.lower(), "13900000009")
    with pytest.raises(SamePerson):
        book(store, at(NEXT_MONDAY, "10:00"), [HER, twin], service=service)
    assert nothing_booked(store)


@pytest.mark.parametrize(
    ("service", "people"),
    [("divorce-apply", [man("20090101"), HER]), ("reissue", [woman("20090601")])],
)
def test_divorce_and_reissue_need_adults(store: Store, service: str, people: list[ap.Applicant]) -> None:
    with pytest.raises(NotAdult) as e:
        book(store, at(NEXT_MONDAY, "10:00"), people, service=service)
    assert "十八周岁" in e.value.message and "under 18" in e.value.message
    assert nothing_booked(store)


def test_divorce_does_not_check_the_sexes(store: Store) -> None:
    """The marriage certificate is the registry's check; the ID numbers say nothing about it."""
    assert book(store, at(NEXT_MONDAY, "10:00"), [HIM, man("19900101")], service="divorce-apply")["status"] == "booked"


def test_reschedule_checks_the_age_on_the_new_day(store: Store) -> None:
    couple = [man("20040519"), woman("20000101")]  # he turns 22 on Tuesday
    a = book(store, at(TUESDAY, "10:00"), couple)
    with pytest.raises(UnderMarriageAge) as e:
        store.write_sync(ap.reschedule, a["code"], couple[0].phone, at(NEXT_MONDAY, "10:00"))
    assert e.value.details["eligible_from"] == TUESDAY.isoformat()
    after = store.read_sync(ap.lookup, a["code"], couple[0].phone)
    assert after["start"] == a["start"]  # nothing moved
    moved = store.write_sync(ap.reschedule, a["code"], couple[0].phone, at(TUESDAY, "14:00"))
    assert moved["start"].startswith(f"{TUESDAY}T14:00")


def test_refusals_are_422_with_their_code_on_the_api(client: TestClient) -> None:
    def post(people: list[ap.Applicant]) -> tuple[int, dict[str, str]]:
        r = client.post(
            "/api/v1/appointments",
            json={"site": "registry", "service": "marriage", "start": f"{NEXT_MONDAY}T10:00:00+08:00",
                  "applicants": [{"name": p.name, "id_number": p.id_number, "phone": p.phone} for p in people]},
        )  # fmt: skip
        return r.status_code, r.json()["error"]

    status, error = post([man("20090518"), woman("20090101")])
    assert status == 422 and error["code"] == "under_marriage_age" and error["applicant"] == 0  # type: ignore[comparison-overlap]
    assert post([HIM, man("19900101")])[1]["code"] == "not_man_and_woman"
    assert post([HER, HER])[1]["code"] == "same_person"
    assert issubclass(UnderMarriageAge, RuleRefused) and issubclass(NotAdult, RuleRefused)
