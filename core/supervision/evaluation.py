"""好差评 (SPEC 6): a resident rates a finished ticket, once, on the counter's pad or the phone.

Five grades with fixed labels; grades 1 and 2 need a reason, chosen from ``REASONS`` or
typed. A bad rating is announced to the site's supervisors without personal data (an
``evaluation.bad`` event on the site socket: counter, number, grade) and queued for the
notifier; the reason and any typed text stay in the database, for staff pages only.
Supervisors record what they did about each bad rating (``add_followup``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import store
from core.days.hours import local_day
from core.errors import Conflict, InvalidInput, NotFound, TicketNotFound, UnknownCounter
from core.model import Ticket, iso
from core.store import booking as outbox
from core.store import evaluation as sql
from core.store.db import Reader, Tx

GRADES: dict[int, tuple[str, str]] = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Basically satisfied"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
}
BAD = frozenset({1, 2})
SATISFIED = frozenset({4, 5})
REASONS: dict[str, tuple[str, str]] = {
    "wait": ("等候时间太长", "Waited too long"),
    "attitude": ("服务态度不好", "Unfriendly service"),
    "slow": ("办理效率低", "Slow handling"),
    "unclear": ("材料要求没说清楚", "Document requirements unclear"),
    "again": ("需要再跑一次", "Must come back again"),
    "system": ("系统或设备故障", "System or device fault"),
    "other": ("其他", "Other"),
}
RESIDENT_VIEWS: dict[str, tuple[str, str]] = {
    "satisfied": ("满意", "Satisfied with the fix"),
    "partly": ("基本满意", "Partly satisfied"),
    "unsatisfied": ("不满意", "Not satisfied"),
    "unknown": ("未表态", "No view given"),
}
CHANNELS = frozenset({"pad", "phone"})
PAD_MINUTES = 10  # a pad rates the ticket finished at its counter within this time
RATE_DAYS = 7  # the phone page accepts a rating this many days after the ticket was finished
MAX_TEXT = 300


class AlreadyEvaluated(Conflict):
    code = "already_evaluated"


class NotEvaluable(Conflict):
    """The ticket is not finished, or was finished too long ago (or elsewhere, for a pad)."""

    code = "not_evaluable"


class EvaluationNotFound(NotFound):
    code = "evaluation_not_found"


@dataclass(frozen=True)
class Rating:
    grade: int
    reason: str | None
    comment: str | None


def _text(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"内容不能超过 {MAX_TEXT} 字 / at most {MAX_TEXT} characters", field=field)
    return value or None


def check(grade: int, reason: str | None = None, comment: str | None = None) -> Rating:
    """Validate a rating.

    :raises InvalidInput: a grade outside 1-5, an unknown reason, or a bad grade without a reason.
    """
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in GRADES:
        raise InvalidInput("请选择评价等级 / grade must be 1 to 5", field="grade")
    if reason is not None and reason not in REASONS:
        raise InvalidInput(f"原因无效 / reason must be one of {', '.join(REASONS)}", field="reason")
    text = _text(comment, "comment")
    if grade in BAD:
        if reason is None and text is None:
            raise InvalidInput("请选择或填写不满意的原因 / please choose or type a reason", field="reason")
        if reason == "other" and text is None:
            raise InvalidInput("请填写具体原因 / please type the reason", field="comment")
        reason = reason or "other"
    return Rating(grade, reason, text)


def labels() -> dict[str, Any]:
    """Grades and reasons as the pad and the phone page show them (``"中文 / English"``)."""
    return {
        "grades": [{"grade": g, "label": zh, "label_en": en} for g, (zh, en) in GRADES.items()],
        "reasons": [{"code": k, "label": zh, "label_en": en} for k, (zh, en) in REASONS.items()],
    }


def _counter_ref(c: Tx | Reader, counter_id: str | None) -> dict[str, Any] | None:
    found = c.config.counter(counter_id) if counter_id else None
    return None if found is None else {"id": counter_id, "number": found[1].number}


def _evaluable(c: Tx | Reader, t: Ticket) -> None:
    if t.status != "done" or t.closed_ts is None:
        raise NotEvaluable("只有办结的号才能评价 / only a finished ticket can be rated")
    if c.now.timestamp() - t.closed_ts > RATE_DAYS * 86400:
        raise NotEvaluable(f"办结超过 {RATE_DAYS} 天，不能再评价 / rating closes {RATE_DAYS} days after the visit")


def _record(tx: Tx, t: Ticket, rating: Rating, channel: str, actor: str) -> dict[str, Any]:
    _evaluable(tx, t)
    if sql.exists(tx, t.id):
        raise AlreadyEvaluated("这次办事已经评价过了 / this visit has already been rated")
    sql.insert(
        tx,
        {
            "ticket": t.id,
            "site": t.site,
            "service": t.service,
            "counter": t.counter,
            "clerk": sql.done_by(tx, t.site, t.id),
            "grade": rating.grade,
            "reason": rating.reason,
            "comment": rating.comment,
            "channel": channel,
            "at_ts": tx.now.timestamp(),
        },
    )
    counter = _counter_ref(tx, t.counter)
    bad = rating.grade in BAD
    # Public: the socket is open to anyone. The reason and typed text stay on staff pages.
    data = {"number": t.number, "service": t.service, "counter": counter, "grade": rating.grade, "channel": channel}
    tx.emit(t.site, "evaluation.bad" if bad else "evaluation.recorded", data, actor=actor, ticket=t.id)
    if bad:
        site = tx.config.site(t.site)
        payload = {
            "site": site.name if site else t.site,
            "counter": counter["number"] if counter else "-",
            "number": t.number,
            "grade": GRADES[rating.grade][0],
        }
        now = tx.now.timestamp()
        outbox.enqueue(tx, "evaluation.bad", payload, now, now, ticket=t.id)
    return {"number": t.number, "grade": rating.grade, "label": GRADES[rating.grade][0], "channel": channel}


def rate_ticket(tx: Tx, ticket_id: str, rating: Rating) -> dict[str, Any]:
    """The resident rates on the phone page (the unguessable ticket id is the authority)."""
    t = store.ticket(tx, ticket_id)
    if t is None:
        raise TicketNotFound("没有这张号票 / no such ticket")
    return _record(tx, t, rating, "phone", "resident")


def rate_at_counter(tx: Tx, counter_id: str, number: str, rating: Rating, *, device: str) -> dict[str, Any]:
    """The resident rates on the pad of ``counter_id``: only a ticket finished there in the last
    ``PAD_MINUTES`` (a pad cannot rate visits elsewhere or long ago)."""
    found = tx.config.counter(counter_id)
    if found is None:
        raise UnknownCounter(f"没有这个窗口 / unknown counter {counter_id!r}")
    t = store.ticket_by_number(tx, found[0].id, local_day(tx.now).isoformat(), number.strip().upper())
    if t is None:
        raise TicketNotFound(f"今天没有 {number} 号 / no ticket {number} today")
    if t.counter != counter_id or t.status != "done" or t.closed_ts is None:
        raise NotEvaluable("这个号不是在本窗口办结的 / this ticket was not finished at this counter")
    if tx.now.timestamp() - t.closed_ts > PAD_MINUTES * 60:
        raise NotEvaluable("请用手机页面评价 / too late for the pad: rate it on the phone page")
    return _record(tx, t, rating, "pad", device)


def ticket_state(r: Reader, ticket_id: str) -> dict[str, Any]:
    """What the phone page needs: may this ticket be rated now, and was it already."""
    t = store.ticket(r, ticket_id)
    if t is None:
        raise TicketNotFound("没有这张号票 / no such ticket")
    grade = sql.grade_of(r, t.id)
    try:
        _evaluable(r, t)
        evaluable = grade is None
    except NotEvaluable:
        evaluable = False
    return {"evaluable": evaluable, "evaluated": grade is not None, "grade": grade, **labels()}


def pad_state(r: Reader, counter_id: str) -> dict[str, Any]:
    """What a counter's pad shows: the ticket just finished there, while it may still be rated."""
    found = r.config.counter(counter_id)
    if found is None:
        raise UnknownCounter(f"没有这个窗口 / unknown counter {counter_id!r}")
    site, counter = found
    row = sql.last_done_at_counter(r, site.id, counter_id, r.now.timestamp() - PAD_MINUTES * 60)
    pending = None
    if row is not None and row["grade"] is None:
        service = r.config.service(row["service"])
        pending = {
            "number": row["number"],
            "service": row["service"],
            "service_name": service.name if service else row["service"],
            "service_name_en": service.name_en if service else row["service"],
            "done_at": iso(row["closed_ts"]),
        }
    site_name = {"name": site.name, "name_en": site.name_en}
    return {"counter": {"id": counter_id, "number": counter.number}, "site": site_name, "pending": pending, **labels()}


# -- follow-ups of bad ratings ---------------------------------------------------------
def add_followup(
    tx: Tx,
    site_id: str,
    day: str,
    number: str,
    by: str,
    *,
    contacted: bool,
    result: str,
    resident_view: str | None = None,
) -> dict[str, Any]:
    """Record what a supervisor did about a bad rating (several follow-ups may be recorded).

    :raises EvaluationNotFound: no bad rating for that ticket.
    :raises InvalidInput: an empty result or an unknown resident view.
    """
    t = store.ticket_by_number(tx, site_id, day, number.strip().upper())
    row = sql.evaluation(tx, t.id) if t is not None else None
    if t is None or row is None or int(row["grade"]) not in BAD:
        raise EvaluationNotFound(f"{day} 没有 {number} 号的差评 / no bad rating for {number} on {day}")
    text = _text(result, "result")
    if text is None:
        raise InvalidInput("请填写处理结果 / please describe what was done", field="result")
    if resident_view is not None and resident_view not in RESIDENT_VIEWS:
        raise InvalidInput(f"resident_view must be one of {', '.join(RESIDENT_VIEWS)}", field="resident_view")
    fid = sql.insert_followup(tx, t.id, by, tx.now.timestamp(), contacted, text, resident_view)
    return {"id": fid, "number": t.number, "day": day, "contacted": contacted, "result": text,
            "resident_view": resident_view, "by": by, "at": iso(tx.now.timestamp())}  # fmt: skip


def purge(tx: Tx) -> int:
    """Retention (SPEC 8): typed words may hold personal data; they go after
    ``policy.retention_days``, like the personal data of tickets. Grades and reasons stay."""
    return sql.purge_comments(tx, tx.now.timestamp() - tx.config.policy.retention_days * 86400)


def _label(table: dict[str, tuple[str, str]], key: str | None) -> str | None:
    return None if key is None or key not in table else " / ".join(table[key])


def bad_ratings(
    r: Reader, site_id: str, from_ts: float, to_ts: float, *, bad_only: bool = True
) -> list[dict[str, Any]]:
    """Ratings of a site in a time range (staff only: reasons and typed text), with follow-ups."""
    rows = sql.in_range(r, site_id, from_ts, to_ts, bad_only=bad_only)
    follow = sql.followups(r, [row["ticket"] for row in rows if int(row["grade"]) in BAD])
    out = []
    for row in rows:
        counter = _counter_ref(r, row["counter"])
        out.append(
            {
                "day": row["day"],
                "number": row["number"],
                "service": row["service"],
                "counter": counter,
                "clerk": row["clerk"],
                "grade": int(row["grade"]),
                "grade_label": GRADES[int(row["grade"])][0],
                "grade_label_en": GRADES[int(row["grade"])][1],
                "reason": row["reason"],
                "reason_text": _label(REASONS, row["reason"]),
                "comment": row["comment"],
                "channel": row["channel"],
                "at": iso(row["at_ts"]),
                "followups": [
                    {
                        "by": f["by"],
                        "at": iso(f["at_ts"]),
                        "contacted": bool(f["contacted"]),
                        "result": f["result"],
                        "resident_view": f["resident_view"],
                        "resident_view_text": _label(RESIDENT_VIEWS, f["resident_view"]),
                    }
                    for f in follow.get(row["ticket"], [])
                ],
            }
        )
    return out
