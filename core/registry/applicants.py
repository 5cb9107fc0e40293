"""Who books (SPEC 5): each applicant's name, ID number and phone checked and sealed, the
law on the slot's day (core/registry/eligibility.py), no second active booking of a service,
and the block after repeated no-shows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from core import identity
from core.config import Service
from core.days.clock import TZ
from core.days.hours import local_day
from core.errors import BookingBlocked, DuplicateBooking, InvalidIdNumber, InvalidInput, InvalidName, InvalidPhone
from core.registry import eligibility
from core.store import booking as sql
from core.store.db import Tx

_PHONE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    phone: str


def phone_hash(secret: bytes, phone: str) -> str:
    return identity.keyed_hash(secret, "tel:" + phone)


def check(
    tx: Tx, service: Service, people: list[Applicant], day: dt.date
) -> tuple[list[dict[str, Any]], dt.date | None]:
    """Each applicant's fields, then the law (core/registry/eligibility.py) on the slot's ``day``.

    :returns: the sealed applicants and the first day on which the age rules hold.
    """
    if len(people) != service.parties:
        raise InvalidInput(f"该业务需要 {service.parties} 位申请人 / this service needs {service.parties} applicant(s)")
    out = []
    numbers = []
    for i, p in enumerate(people):
        try:
            name = identity.clean_name(p.name)
        except InvalidName as e:
            raise InvalidName(f"第{i + 1}位申请人：{e.message}", field="name", applicant=i) from None
        try:
            number = identity.normalize(p.id_number, local_day(tx.now))
        except InvalidIdNumber as e:  # the same error (and code) with the applicant's place
            raise type(e)(f"第{i + 1}位申请人：{e.message}", field="id_number", applicant=i) from None
        phone = identity.digits(p.phone).replace(" ", "").replace("-", "")
        if not _PHONE.match(phone):
            raise InvalidPhone(
                f"第{i + 1}位申请人手机号无效 / applicant {i + 1}: not a mainland mobile number",
                field="phone",
                applicant=i,
            )
        numbers.append(number)
        out.append(
            {
                "name": identity.seal(tx.secret, name),
                "id_hash": identity.keyed_hash(tx.secret, number),
                "id_masked": identity.mask(number),
                "phone": identity.seal(tx.secret, phone),
                "phone_hash": phone_hash(tx.secret, phone),
            }
        )
    return out, eligibility.check(service.id, numbers, day)


def refuse_duplicates(tx: Tx, service_id: str, people: list[dict[str, Any]]) -> None:
    """Refuse a booking when an applicant already holds an active one for the service.

    :raises DuplicateBooking: (``_refuse``).
    """
    for p in people:
        if (held := sql.active_for_identity(tx, service_id, p["id_hash"])) is not None:
            _refuse(tx, p, held)


def _refuse(tx: Tx, person: dict[str, Any], held: Any) -> None:
    """Refuse a second booking without telling a stranger who holds what: who holds it and the
    held code's first letters are said only when the phone typed for that applicant is the one on
    the held booking (the person, most likely); anyone who only knows an ID number learns less.

    :raises DuplicateBooking: always.
    """
    if any(q["phone_hash"] == person["phone_hash"] for q in sql.applicants(tx, held["id"])):
        raise DuplicateBooking(
            f"{person['id_masked']} 已有该业务的预约 / already holds a booking for this service",
            held_code=held["code"][:2] + "******",
        )
    raise DuplicateBooking("有申请人已有该业务的有效预约 / an applicant already holds a booking for this service")


def check_blocked(tx: Tx, people: list[dict[str, Any]]) -> None:
    """Refuse applicants who missed too many appointments lately (``policy.booking_no_show``).

    :raises BookingBlocked: with ``until``, the last day of the block.
    """
    rule = tx.config.policy.booking_no_show
    since = tx.now - dt.timedelta(days=rule.within_days)
    starts = sql.no_shows_since(
        tx, [p["id_hash"] for p in people], [p["phone_hash"] for p in people], since.timestamp()
    )
    if len(starts) >= rule.count:
        until = dt.datetime.fromtimestamp(starts[0], TZ).date() + dt.timedelta(days=rule.block_days)
        if local_day(tx.now) <= until:
            raise BookingBlocked(
                f"{rule.within_days}天内爽约{len(starts)}次，{until:%Y-%m-%d}前不能预约 / "
                f"{len(starts)} missed appointments in {rule.within_days} days: booking is blocked until {until}",
                until=until.isoformat(),
            )
