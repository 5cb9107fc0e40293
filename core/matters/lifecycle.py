"""The life of a matter (办件, SPEC 6c), each step with its actor and time.

``accepted`` (or ``returned`` at once when documents are missing: 补正) -> ``handed_off`` to the
processing center when that is another one (收受分离) -> ``in_progress`` -> ``ready`` (the resident
is told) -> ``delivered``; ``returned`` with the missing documents, reopened when they are brought;
``rejected`` with a reason. The accepting center acts until it hands the matter off, the processing
center after; staff act for a site when ``may(site)`` says so (web/deps.py ``can_see``).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core import identity, notify, store
from core.config import Site
from core.days.hours import local_day
from core.errors import (
    DocumentsMissing,
    InvalidInput,
    InvalidTransition,
    MatterNotFound,
    NoCurrentTicket,
    NotSignedIn,
    UnknownCounter,
    UnknownItem,
    UnknownSite,
)
from core.matters import catalogue
from core.matters.due import add_working_days
from core.store import booking as outbox
from core.store import matters as sql
from core.store.db import Reader, Tx

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_NOTE = 300
May = Callable[[str], bool]
# action -> (from statuses, to status)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "hand-off": (("accepted",), "handed_off"),
    "start": (("accepted", "handed_off"), "in_progress"),
    "ready": (("in_progress",), "ready"),
    "deliver": (("ready",), "delivered"),
    "return": (("accepted", "handed_off", "in_progress"), "returned"),
    "reject": (("accepted", "handed_off", "in_progress", "returned"), "rejected"),
    "reopen": (("returned",), "accepted"),
}


@dataclass(frozen=True)
class Intake:
    """What the clerk confirms when opening a matter."""

    item: str
    paper: list[int] = field(default_factory=list)  # indexes of documents received on paper
    licence: list[int] = field(default_factory=list)  # indexes replaced by an electronic licence
    id_number: str | None = None  # when the ticket was not taken with the ID
    home_site: str | None = None  # processed = "home": the applicant's home center
    phone: str | None = None  # told when ready
    note: str | None = None


def text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > MAX_NOTE:
        raise InvalidInput(f"不能超过 {MAX_NOTE} 字 / at most {MAX_NOTE} characters", field=name)
    return value or None


def _site(c: Reader, site_id: str) -> Site:
    site = c.config.site(site_id)
    if site is None:
        raise UnknownSite(f"没有这个中心 / unknown site {site_id!r}")
    return site


def _indexes(item: catalogue.Item, values: list[int], name: str) -> set[int]:
    out = set()
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < len(item.documents):
            raise InvalidInput(f"材料编号无效 / {name}: document indexes 0..{len(item.documents) - 1}", field=name)
        out.add(v)
    return out


def _missing(item: catalogue.Item, paper: set[int], licence: set[int]) -> list[int]:
    if paper & licence:  # the receipt would say both "received" and "免于提交" for it
        raise InvalidInput("一份材料只能是纸质或电子证照之一 / a document is on paper or by e-licence, not both",
                           field="licence")  # fmt: skip
    for i in licence:
        if not item.documents[i].elicence:
            raise InvalidInput(f"“{item.documents[i].name}”没有电子证照 / no electronic licence", field="licence")
    return [i for i, d in enumerate(item.documents) if not d.optional and i not in paper and i not in licence]


def _new_code(tx: Tx) -> str:
    while True:
        code = "M" + local_day(tx.now).strftime("%y%m%d") + "".join(secrets.choice(_ALPHABET) for _ in range(6))
        if sql.get(tx, code) is None:
            return code


def _emit(tx: Tx, m: Any, actor: str) -> None:
    """Both centers hear of it; the public site socket gets no code and no identity."""
    data = {"status": m["status"], "item": m["item"], "accepted_site": m["accepted_site"],
            "processing_site": m["processing_site"], "due": m["due_day"]}  # fmt: skip
    for site in dict.fromkeys((m["accepted_site"], m["processing_site"])):
        tx.emit(site, "matter.updated", data, actor=actor)


def _step(tx: Tx, code: str, status: str, site: str, actor: str, note: str | None = None) -> None:
    sql.add_step(tx, code, status, site, actor, tx.now.timestamp(), note)


def _names(item: catalogue.Item, indexes: list[int]) -> str:
    return "、".join(item.documents[i].name for i in indexes)


def serving_ticket(tx: Reader, counter_id: str, clerk: str) -> tuple[Site, Any]:
    """The site and the ticket being served at ``counter_id`` by ``clerk``.

    :raises UnknownCounter, NotSignedIn, NoCurrentTicket:
    """
    found = tx.config.counter(counter_id)
    row = store.counter(tx, counter_id) if found else None
    if found is None or row is None:
        raise UnknownCounter(f"没有这个窗口 / unknown counter {counter_id!r}")
    if row.clerk != clerk:
        raise NotSignedIn("您未在此窗口登录 / you are not signed in at this counter")
    t = store.ticket(tx, row.current) if row.current else None
    if t is None or t.status not in ("called", "serving"):
        raise NoCurrentTicket(
            "请先叫号，在办理当前号时受理办件 / call a ticket first: a matter is opened for the visit"
        )
    return found[0], t


def accept(tx: Tx, counter_id: str, clerk: str, intake: Intake) -> str:
    """Open a matter for the ticket served at ``counter_id``; returns its code (办件编号).

    :raises UnknownItem: not in the catalogue, or its service is not offered at this center.
    :raises InvalidInput: bad document indexes, no identity, a missing or unknown home center.
    """
    site, t = serving_ticket(tx, counter_id, clerk)
    item = catalogue.item_of(tx.config, intake.item)
    if item is None or item.service not in site.services:
        raise UnknownItem(f"本中心不受理该事项 / unknown matter {intake.item!r} here")
    processing = site
    if item.processed == "home":
        if not intake.home_site:
            raise InvalidInput(
                "请选择申请人户籍或居住地所属中心 / choose the applicant's home center", field="home_site"
            )
        processing = _site(tx, intake.home_site)
        if item.service not in processing.services:
            raise InvalidInput("该中心不办理此事项 / that center does not process this matter", field="home_site")
    elif intake.home_site not in (None, "", site.id):
        raise InvalidInput("该事项在本中心办理 / this matter is processed here", field="home_site")
    id_hash, id_masked = sql.ticket_identity(tx, t.id)
    if intake.id_number:
        number = identity.normalize(intake.id_number, local_day(tx.now))
        id_hash, id_masked = identity.keyed_hash(tx.secret, number), identity.mask(number)
    if id_hash is None or id_masked is None:
        raise InvalidInput(
            "请输入申请人身份证号（该号不是实名取号）/ type the applicant's ID number", field="id_number"
        )
    paper, licence = _indexes(item, intake.paper, "paper"), _indexes(item, intake.licence, "licence")
    missing = _missing(item, paper, licence)
    phone = notify.sealed_phone(tx.secret, intake.phone) if intake.phone else None
    note = text(intake.note, "note")
    today = local_day(tx.now)
    code = _new_code(tx)
    row = {
        "code": code, "item": item.id, "service": item.service, "accepted_site": site.id,
        "processing_site": processing.id, "status": "returned" if missing else "accepted", "ticket": t.id,
        "clerk": clerk, "id_hash": id_hash, "id_masked": id_masked, "phone": phone,
        "received": json.dumps({"paper": sorted(paper), "licence": sorted(licence)}), "missing": json.dumps(missing),
        "note": note, "accepted_ts": tx.now.timestamp(), "started_day": None if missing else today.isoformat(),
        "due_day": None if missing else add_working_days(processing, today, item.days, tx.schedule).isoformat(),
        "overdue_alerted": 0,
    }  # fmt: skip
    sql.insert(tx, row)
    _step(tx, code, "accepted", site.id, clerk, note)
    if missing:
        _step(tx, code, "returned", site.id, clerk, _names(item, missing))
    _emit(tx, sql.get(tx, code), clerk)
    return code


def holder(m: Any) -> str:
    """The site that acts on a matter now: the accepting one until it is handed off."""
    if m["status"] == "accepted" and m["processing_site"] != m["accepted_site"]:
        return str(m["accepted_site"])
    return str(m["processing_site"])


def visible(m: Any, may: May) -> bool:
    return may(m["accepted_site"]) or may(m["processing_site"])


def get(c: Reader, code: str, may: May) -> Any:
    """The matter, for staff of either of its centers (anyone else: as if it did not exist)."""
    m = sql.get(c, code.strip().upper())
    if m is None or not visible(m, may):
        raise MatterNotFound("没有这个办件 / no such matter")
    return m


def act(
    tx: Tx,
    code: str,
    action: str,
    actor: str,
    may: May,
    *,
    note: str | None = None,
    missing: list[int] | None = None,
    paper: list[int] | None = None,
    licence: list[int] | None = None,
) -> str:
    """One step of the lifecycle by a staff member of the site that holds the matter.

    :raises MatterNotFound: no such matter, or neither of its centers is the caller's.
    :raises InvalidTransition: not from this status, or not for the caller's site.
    :raises DocumentsMissing: reopening without every missing document.
    """
    m = get(tx, code, may)
    if action not in ACTIONS:
        raise InvalidInput(f"未知操作 / unknown action {action!r}", field="action")
    sources, to = ACTIONS[action]
    status, cross = m["status"], m["processing_site"] != m["accepted_site"]
    if status not in sources:
        raise InvalidTransition(f"办件状态为 {status}，不能{action} / the matter is {status}: cannot {action}")
    site = holder(m)
    if action == "hand-off" and not cross:
        raise InvalidTransition("该办件在本中心办理，无需移交 / processed here: start it instead")
    if action == "start" and status == "accepted" and cross:
        raise InvalidTransition("请先由受理中心移交 / the accepting center hands it off first")
    if action in ("reopen", "reject") and status == "returned":
        site = m["accepted_site"] if may(m["accepted_site"]) else m["processing_site"]
    if not may(site):
        raise InvalidTransition("该办件现由另一中心处理 / the other center holds this matter now")
    item = catalogue.item_of(tx.config, m["item"])
    if item is None:
        raise UnknownItem(f"事项 {m['item']} 已不在目录中 / the item is no longer in the catalogue")
    note = text(note, "note")
    fields: dict[str, Any] = {"status": to}
    step_note = note
    if action == "return":
        gone = sorted(_indexes(item, missing or [], "missing"))
        if not gone and note is None:
            raise InvalidInput("请勾选缺少的材料或写明原因 / list the missing documents or say why", field="missing")
        fields.update(missing=json.dumps(gone), due_day=None)
        step_note = "；".join(x for x in (_names(item, gone), note) if x) or None
    elif action == "reopen":
        brought = _indexes(item, paper or [], "paper") | _indexes(item, licence or [], "licence")
        left = [i for i in json.loads(m["missing"]) if i not in brought]
        if left:
            raise DocumentsMissing(f"仍缺少：{_names(item, left)} / documents still missing", missing=left)
        if any(s["status"] == "handed_off" for s in sql.steps(tx, m["code"])):
            fields["status"] = to = "handed_off"  # the processing center has the file already
        today = local_day(tx.now)
        processing = _site(tx, m["processing_site"])
        due = add_working_days(processing, today, item.days, tx.schedule).isoformat()
        fields.update(missing="[]", started_day=today.isoformat(), due_day=due, overdue_alerted=0)
    elif action == "reject":
        if note is None:
            raise InvalidInput("请写明不予受理的理由 / give the reason", field="note")
        fields.update(reason=note, closed_ts=tx.now.timestamp())
    elif action == "start":
        fields["assignee"] = actor
    elif action == "ready":
        fields["ready_ts"] = tx.now.timestamp()
    elif action == "deliver":
        fields["closed_ts"] = tx.now.timestamp()
        counter = store.counter_of_clerk(tx, actor)
        if counter is not None and counter.current and counter.site == m["processing_site"]:
            fields["collect_ticket"] = counter.current  # delivered at a 出证领证 visit: rated with it
    sql.update(tx, m["code"], **fields)
    _step(tx, m["code"], to, site, actor, step_note)
    done = sql.get(tx, m["code"])
    _emit(tx, done, actor)
    if to in ("ready", "returned", "rejected") and m["phone"]:
        _tell(tx, done, item, to)
    return str(m["code"])


def _tell(tx: Tx, m: Any, item: catalogue.Item, status: str) -> None:
    site = tx.config.site(m["processing_site"])
    payload = {"site": site.name if site else m["processing_site"], "code": m["code"], "item": item.name}
    now = tx.now.timestamp()
    outbox.enqueue(tx, f"matter.{status}", payload, now, now, phone=m["phone"])


def purge(tx: Tx) -> int:
    """SPEC 8: a matter's identity and phone go ``policy.retention_days`` after it was delivered
    (or rejected); its steps, item, dates and ratings stay for the statistics."""
    before = tx.now - dt.timedelta(days=tx.config.policy.retention_days)
    return sql.purge_before(tx, before.timestamp())
