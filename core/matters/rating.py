"""一事一评 (SPEC 6c): a rating names the matters it is about.

The rating after a visit (the pad or the phone page, core/supervision/evaluation.py) is also the
rating of every matter accepted in that visit or delivered at it (stage ``visit``); once a matter
is delivered the resident may rate it again on its follow page (stage ``delivered``). A bad grade
opens a follow-up due ``followup_days`` working days later (the item's, default 5) at the rated
site, shown on the matters page. Every matter rating goes to the upper platform (core/matters/export.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import store
from core.days.hours import local_day
from core.errors import InvalidInput, MatterNotFound, TicketNotFound
from core.matters import catalogue, export
from core.matters.due import add_working_days
from core.matters.lifecycle import May, text
from core.matters.views import verified
from core.model import iso
from core.store import matters as sql
from core.store.db import Reader, Tx
from core.supervision import evaluation
from core.supervision.evaluation import BAD, GRADES, REASONS, AlreadyEvaluated, NotEvaluable, Rating

RATE_DAYS = 30  # a delivered matter may be rated this many days after delivery


def _tie(tx: Tx, m: Any, stage: str, site_id: str, rating: Rating, channel: str, ticket: str | None) -> None:
    item = catalogue.item_of(tx.config, m["item"])
    site = tx.config.site(site_id)
    bad = rating.grade in BAD
    due = None
    if bad and site is not None:
        due = add_working_days(site, local_day(tx.now), item.followup_days if item else 5, tx.schedule).isoformat()
    sql.insert_rating(tx, {"matter": m["code"], "stage": stage, "ticket": ticket, "site": site_id,
                           "grade": rating.grade, "reason": rating.reason, "channel": channel,
                           "at_ts": tx.now.timestamp(), "followup_due": due})  # fmt: skip
    export.enqueue(tx, {
        "code": m["code"], "item": m["item"], "item_name": item.name if item else m["item"],
        "site": site_id, "site_name": site.name if site else site_id, "stage": stage, "channel": channel,
        "grade": rating.grade, "grade_label": GRADES[rating.grade][0], "reason": rating.reason,
        "reason_label": REASONS[rating.reason][0] if rating.reason in REASONS else None,
        "at": tx.now.isoformat(timespec="seconds"), "district": tx.config.district,
    })  # fmt: skip


def _tie_visit(tx: Tx, ticket_id: str, site_id: str, rating: Rating, channel: str) -> list[str]:
    codes = []
    for m in sql.of_ticket(tx, ticket_id):
        if not sql.rated(tx, m["code"], "visit"):
            _tie(tx, m, "visit", site_id, rating, channel, ticket_id)
            codes.append(str(m["code"]))
    return codes


def rate_ticket(tx: Tx, ticket_id: str, rating: Rating) -> dict[str, Any]:
    """The phone page's rating of a visit, and of the matters it handled."""
    out = evaluation.rate_ticket(tx, ticket_id, rating)
    t = store.ticket(tx, ticket_id)
    assert t is not None
    return {**out, "matters": _tie_visit(tx, t.id, t.site, rating, "phone")}


def rate_at_counter(tx: Tx, counter_id: str, number: str, rating: Rating, *, device: str) -> dict[str, Any]:
    """The pad's rating of the visit just finished at its counter, and of its matters."""
    out = evaluation.rate_at_counter(tx, counter_id, number, rating, device=device)
    found = tx.config.counter(counter_id)
    assert found is not None
    t = store.ticket_by_number(tx, found[0].id, local_day(tx.now).isoformat(), out["number"])
    if t is None:
        raise TicketNotFound("没有这张号票 / no such ticket")
    return {**out, "matters": _tie_visit(tx, t.id, t.site, rating, "pad")}


def visit_matters(r: Reader, ticket_id: str) -> list[dict[str, str]]:
    """What the rating screen names: the matters of the visit (code and item only)."""
    out = []
    for m in sql.of_ticket(r, ticket_id):
        item = catalogue.item_of(r.config, m["item"])
        out.append({"code": m["code"], "name": item.name if item else m["item"],
                    "name_en": item.name_en if item else m["item"]})  # fmt: skip
    return out


def rate_matter(tx: Tx, code: str, verify: str, rating: Rating) -> dict[str, Any]:
    """The resident rates a delivered matter again, once, on its follow page (code + last 4).

    :raises MatterNotFound: a wrong code or digits.
    :raises NotEvaluable: not delivered, or delivered too long ago.
    :raises AlreadyEvaluated: rated once already.
    """
    m = verified(tx, code, verify)
    if m["status"] != "delivered" or m["closed_ts"] is None:
        raise NotEvaluable("办件领取后才能评价 / a matter is rated once delivered")
    if tx.now.timestamp() - m["closed_ts"] > RATE_DAYS * 86400:
        raise NotEvaluable(f"领取超过 {RATE_DAYS} 天，不能再评价 / rating closes {RATE_DAYS} days after delivery")
    if sql.rated(tx, m["code"], "delivered"):
        raise AlreadyEvaluated("这个办件已经评价过了 / this matter has already been rated")
    _tie(tx, m, "delivered", m["processing_site"], rating, "phone", m["collect_ticket"])
    return {"code": m["code"], "grade": rating.grade, "label": GRADES[rating.grade][0]}


def _rating_view(r: Reader, x: Any) -> dict[str, Any]:
    item = catalogue.item_of(r.config, x["item"])
    return {
        "id": int(x["id"]), "code": x["matter"], "item": x["item"], "item_name": item.name if item else x["item"],
        "item_name_en": item.name_en if item else x["item"], "grade_label_en": GRADES[int(x["grade"])][1],
        "reason_label_en": REASONS[x["reason"]][1] if x["reason"] in REASONS else None,
        "stage": x["stage"], "site": x["site"], "grade": int(x["grade"]), "grade_label": GRADES[int(x["grade"])][0],
        "reason": x["reason"], "reason_label": REASONS[x["reason"]][0] if x["reason"] in REASONS else None,
        "channel": x["channel"], "at": iso(x["at_ts"]), "followup_due": x["followup_due"],
        "followup": None if x["followup_ts"] is None
        else {"by": x["followup_by"], "at": iso(x["followup_ts"]), "result": x["followup_result"]},
        "overdue": x["followup_ts"] is None and x["followup_due"] is not None
        and x["followup_due"] < local_day(r.now).isoformat(),
    }  # fmt: skip


def open_followups(r: Reader, site_id: str) -> list[dict[str, Any]]:
    return [_rating_view(r, x) for x in sql.followups_open(r, site_id)]


def ratings_between(r: Reader, site_id: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    from_ts, to_ts = day_range(r, first, last)
    return [_rating_view(r, x) for x in sql.ratings_between(r, site_id, from_ts, to_ts)]


def day_range(r: Reader, first: dt.date, last: dt.date) -> tuple[float, float]:
    tz = r.now.tzinfo
    start = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    return start.timestamp(), end.timestamp()


def record_followup(tx: Tx, rating_id: int, by: str, may: May, result: str) -> dict[str, Any]:
    """What was done about a bad matter rating (by staff of the rated site).

    :raises MatterNotFound: no such bad rating for the caller's sites.
    """
    x = sql.rating(tx, rating_id)
    if x is None or x["followup_due"] is None or not may(x["site"]):
        raise MatterNotFound("没有这条差评 / no such bad rating")
    done = text(result, "result")
    if done is None:
        raise InvalidInput("请填写处理结果 / please describe what was done", field="result")
    sql.record_followup(tx, rating_id, by, tx.now.timestamp(), done)
    found = sql.rating(tx, rating_id)
    return _rating_view(tx, found)


def ticket_state(r: Reader, ticket_id: str) -> dict[str, Any]:
    """The phone page's rating state, naming the matters of the visit."""
    return {**evaluation.ticket_state(r, ticket_id), "matters": visit_matters(r, ticket_id)}


def pad_state(r: Reader, counter_id: str) -> dict[str, Any]:
    """The pad's state, naming the matters of the visit waiting for its rating."""
    out = evaluation.pad_state(r, counter_id)
    pending = out["pending"]
    if pending is not None:
        found = r.config.counter(counter_id)
        t = store.ticket_by_number(r, found[0].id, local_day(r.now).isoformat(), pending["number"]) if found else None
        pending["matters"] = visit_matters(r, t.id) if t is not None else []
    return out
