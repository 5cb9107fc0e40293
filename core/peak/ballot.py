"""The ballot (摇号, SPEC 5b): a registration window for a special date, one entry per couple and
an identity in one entry only, the law of SPEC 5 checked as at booking; after the draw
(core/peak/offers.py) the public result shows entry codes and masked names only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import identity
from core.config import Config, Service
from core.days.clock import TZ
from core.errors import InvalidInput
from core.model import iso
from core.peak import draw
from core.peak.errors import AlreadyEntered, BallotClosed, BallotNotFound, EntryNotFound, SessionNotFound
from core.peak.settings import Ballot, Day, instant
from core.registry import applicants
from core.registry import appointments as ap
from core.registry.applicants import Applicant, phone_hash
from core.store import booking as booking_sql
from core.store.db import Reader, Tx
from core.store.peak import ballot as sql


def configured(c: Reader, ballot_id: str) -> tuple[Day, Ballot, Service]:
    """:raises BallotNotFound: no ballot of that id in config.toml ``[peak]``."""
    found = c.config.peak.ballot(ballot_id)
    if found is None:
        raise BallotNotFound("没有这个摇号 / there is no such ballot")
    day, ballot = found
    service = c.config.service(day.service)
    assert service is not None
    return day, ballot, service


def phase(ballot: Ballot, now: dt.datetime, drawn: bool) -> str:
    """``before``, ``open``, ``closed`` (waiting for the draw), ``drawn``."""
    if drawn:
        return "drawn"
    if now < instant(ballot.opens, "opens"):
        return "before"
    return "open" if now < instant(ballot.closes, "closes") else "closed"


def places(c: Reader, day: Day, ballot: Ballot) -> list[tuple[dt.datetime, int]]:
    """The slots of the day and how many of their places the ballot fills (its share)."""
    free = ap.slots_of_day(c, day.site, day.service, dt.date.fromisoformat(day.date))
    total = sum(s.capacity for s, _ in free)
    share = draw.quotas([s.capacity for s, _ in free], int(total * ballot.share))
    return [(s.start, min(q, left)) for (s, left), q in zip(free, share, strict=True)]


def mask_name(name: str | None) -> str:
    return "" if not name else name[0] + "*" * (len(name) - 1)


def masked_name(c: Reader, sealed: str | None) -> str:
    """A person's sealed name as the ballot shows it: its first character, then stars."""
    return mask_name(identity.unseal(c.secret, sealed) if sealed else None)


def view(r: Reader, ballot_id: str) -> dict[str, Any]:
    """``GET /ballots/{id}``: the rules, the window, the seed's hash; after the draw the seed and
    the result (entry codes and masked names only)."""
    day, ballot, service = configured(r, ballot_id)
    done = sql.draw(r, ballot_id)
    seed = draw.seed(r.secret, ballot_id)
    out: dict[str, Any] = {
        "id": ballot_id,
        "site": day.site,
        "service": day.service,
        "service_name": service.name,
        "service_name_en": service.name_en,
        "date": day.date,
        "opens": ballot.opens,
        "closes": ballot.closes,
        "draw_at": ballot.draw_at,
        "share": ballot.share,
        "confirm_hours": ballot.confirm_hours,
        "phase": phase(ballot, r.now, done is not None),
        "places": sum(n for _, n in places(r, day, ballot)) if done is None else done["places"],
        "entries": sql.count_entries(r, ballot_id),
        "algorithm": draw.ALGORITHM,
        "seed_hash": draw.seed_hash(seed),
        "seed": None,
        "ceremonies": [s.id for s in day.ceremonies],
        "result": None,
    }
    if done is not None:
        out["seed"] = done["seed"]
        out["drawn_at"] = iso(done["drawn_ts"])
        out["result"] = result(r, ballot_id, done)
    return out


def result(r: Reader, ballot_id: str, done: Any) -> dict[str, Any]:
    """The public result: every entry code (the input of the draw), and the order with masked
    names and what became of each entry (tools/verify_ballot.py checks it)."""
    names = sql.first_names(r, ballot_id)
    rows = sql.entries(r, ballot_id)
    order = [
        {
            "position": row["position"],
            "code": row["code"],
            "names": [masked_name(r, p["name"]) for p in names.get(row["code"], [])],
            "offered_at_draw": row["offered_ts"] is not None and row["offered_ts"] == done["drawn_ts"],
            "void": row["status"] == "void",
            "status": row["status"],
        }
        for row in rows
    ]
    return {
        "ballot": ballot_id,
        "seed": done["seed"],
        "seed_hash": done["seed_hash"],
        "places": done["places"],
        "entry_codes": sorted(row["code"] for row in rows),
        "order": order,
    }


def enter(tx: Tx, ballot_id: str, people: list[Applicant], ceremony: str | None = None) -> dict[str, Any]:
    """Register a couple for a ballot (``POST /ballots/{id}/entries``).

    :raises BallotClosed: outside the window. :raises AlreadyEntered: an identity is in an entry.
    :raises InvalidIdNumber, InvalidName, InvalidPhone, UnderMarriageAge, NotManAndWoman, SamePerson:
        as at booking; also DuplicateBooking and BookingBlocked.
    """
    day, ballot, service = configured(tx, ballot_id)
    if phase(ballot, tx.now, sql.draw(tx, ballot_id) is not None) != "open":
        raise BallotClosed(
            f"报名时间为 {ballot.opens} 至 {ballot.closes} / entries are taken from {ballot.opens} to {ballot.closes}",
            opens=ballot.opens,
            closes=ballot.closes,
        )
    if ceremony is not None and ceremony not in {s.id for s in day.ceremonies}:
        raise SessionNotFound("当天没有这个仪式场次 / there is no such ceremony session that day")
    checked, eligible_from = applicants.check(tx, service, people, dt.date.fromisoformat(day.date))
    for i, p in enumerate(checked):
        if sql.entry_of_identity(tx, ballot_id, p["id_hash"]) is not None:
            raise AlreadyEntered(
                f"第{i + 1}位申请人（{p['id_masked']}）已在本次摇号中登记 / applicant {i + 1} is already entered "
                "in this ballot (one entry per couple, each person in one entry)",
                field="id_number",
                applicant=i,
            )
    applicants.refuse_duplicates(tx, service.id, checked)
    applicants.check_blocked(tx, checked)
    code = "B" + ap.new_code()
    sql.insert_entry(
        tx,
        {"code": code, "ballot": ballot_id, "created_ts": tx.now.timestamp(), "ceremony": ceremony,
         "eligible_from": None if eligible_from is None else eligible_from.isoformat()},
        checked,
    )  # fmt: skip
    notice(tx, code, "ballot.entered", {"code": code, "date": day.date, "draw_at": ballot.draw_at})
    return entry_view(tx, code)


def notice(tx: Tx, code: str, kind: str, payload: dict[str, Any], appointment: str | None = None) -> None:
    """A message to each person of an entry through the outbox (core/notify.py has the texts)."""
    day, _, _ = configured(tx, sql.entry(tx, code)["ballot"])
    site = tx.config.site(day.site)
    assert site is not None
    now = tx.now.timestamp()
    for p in sql.people(tx, code):
        if p["phone"]:
            booking_sql.enqueue(tx, kind, {"site": site.name, **payload}, now, now, appointment=appointment,
                                phone=p["phone"])  # fmt: skip


def _verified(c: Reader, ballot_id: str, code: str, verify: str) -> Any:
    row = sql.entry(c, code.strip().upper())
    digits = identity.digits(verify)
    if row is not None and row["ballot"] == ballot_id and digits:
        for p in sql.people(c, row["code"]):
            if p["id_masked"][-4:] == digits or phone_hash(c.secret, digits) == p["phone_hash"]:
                return row
    raise EntryNotFound("登记码或验证信息不正确 / no entry matches this code and verification")


def entry_view(c: Reader, code: str) -> dict[str, Any]:
    row = sql.entry(c, code)
    people = sql.people(c, code)
    appt = booking_sql.appointment(c, row["appointment"]) if row["appointment"] else None
    return {
        "entry_code": row["code"],
        "ballot": row["ballot"],
        "status": row["status"],
        "position": row["position"],
        "ceremony": row["ceremony"],
        "entered_at": iso(row["created_ts"]),
        "confirm_by": iso(row["confirm_by_ts"]) if row["confirm_by_ts"] else None,
        "applicants": [{"name": masked_name(c, p["name"]), "id_masked": p["id_masked"]} for p in people],
        "appointment": None
        if appt is None
        else {
            "code": appt["code"],
            "start": iso(appt["start_ts"]),
            "end": iso(appt["end_ts"]),
            "status": appt["status"],
        },
    }


def lookup(r: Reader, ballot_id: str, code: str, verify: str) -> dict[str, Any]:
    """``GET /ballots/{id}/entries/{code}?verify=``: the entry as its holders see it."""
    configured(r, ballot_id)
    return entry_view(r, _verified(r, ballot_id, code, verify)["code"])


def verified_entry(c: Reader, ballot_id: str, code: str, verify: str) -> Any:
    configured(c, ballot_id)
    return _verified(c, ballot_id, code, verify)


def ahead(config: Config, site: str, service: str, now: dt.datetime) -> list[dict[str, Any]]:
    """The ballots of a site's service whose day is still to come, for its booking page: by the
    clock, ``open`` (or ``before``) for entries, ``closed`` until the draw, then ``drawn``."""
    out = []
    for d in config.peak.days:
        b = d.ballot
        if b is None or d.site != site or d.service != service or d.date < now.astimezone(TZ).date().isoformat():
            continue
        state = "drawn" if now >= instant(b.draw_at, "draw_at") else phase(b, now, False)
        out.append({"id": b.id, "date": d.date, "opens": b.opens, "closes": b.closes, "draw_at": b.draw_at,
                    "phase": state})  # fmt: skip
    return out


def is_peak(config: Config, site: str, start: dt.datetime) -> bool:
    return config.peak.day(site, start.astimezone(TZ).date().isoformat()) is not None


def count_attempt(tx: Tx, site: str, service: str, start: dt.datetime) -> None:
    """One booking attempt for a peak day (statistics: demand), whatever its answer."""
    if tx.config.site(site) is None or tx.config.service(service) is None:
        raise InvalidInput("unknown site or service")
    sql.count_attempt(tx, site, start.astimezone(TZ).date().isoformat(), service)
