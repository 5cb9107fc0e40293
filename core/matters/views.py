"""What staff and the resident see of a matter: the same steps; the resident without staff notes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core.days.hours import local_day
from core.errors import MatterNotFound
from core.matters import catalogue
from core.matters.due import urgency
from core.matters.lifecycle import May, get, holder
from core.model import iso
from core.store import matters as sql
from core.store.db import Reader

STATUS: dict[str, tuple[str, str]] = {
    "accepted": ("已受理", "Accepted"),
    "handed_off": ("已移交办理中心", "Handed off to the processing center"),
    "in_progress": ("办理中", "In progress"),
    "ready": ("已办好，待领取", "Ready to collect"),
    "delivered": ("已领取", "Delivered"),
    "returned": ("待补正材料", "Documents to complete"),
    "rejected": ("不予办理", "Rejected"),
}


def _site_ref(r: Reader, site_id: str) -> dict[str, str]:
    s = r.config.site(site_id)
    return {"id": site_id, "name": s.name if s else site_id, "name_en": (s.name_en or s.name) if s else site_id}


def _docs(item: catalogue.Item | None, indexes: list[int]) -> list[dict[str, Any]]:
    if item is None:
        return []
    return [{"index": i, "name": item.documents[i].name, "name_en": item.documents[i].name_en or item.documents[i].name,
             "elicence": item.documents[i].elicence} for i in indexes if 0 <= i < len(item.documents)]  # fmt: skip


def _urgency(r: Reader, m: Any) -> str:
    site = r.config.site(m["processing_site"])
    if site is None or m["status"] not in sql.OPEN or m["due_day"] is None:
        return "ok"
    return urgency(site, local_day(r.now), dt.date.fromisoformat(m["due_day"]), r.schedule)


def summary(r: Reader, m: Any) -> dict[str, Any]:
    """A matter in a list (staff): no identity beyond the masked number."""
    item = catalogue.item_of(r.config, m["item"])
    zh, en = STATUS.get(m["status"], (m["status"], m["status"]))
    return {
        "id": m["code"], "code": m["code"], "item": m["item"],
        "item_name": item.name if item else m["item"], "item_name_en": item.name_en if item else m["item"],
        "status": m["status"], "status_label": zh, "status_label_en": en,
        "accepted_site": m["accepted_site"], "processing_site": m["processing_site"],  # ids (SPEC 7)
        "accepted": _site_ref(r, m["accepted_site"]), "processing": _site_ref(r, m["processing_site"]),
        "holder": holder(m), "due": m["due_day"], "urgency": _urgency(r, m),
        "clerk": m["clerk"], "assignee": m["assignee"], "id_masked": m["id_masked"],
        "accepted_at": iso(m["accepted_ts"]), "ready_at": iso(m["ready_ts"]), "closed_at": iso(m["closed_ts"]),
        "on_time": None if m["ready_ts"] is None or m["due_day"] is None
        else local_day(dt.datetime.fromtimestamp(m["ready_ts"], r.now.tzinfo)).isoformat() <= m["due_day"],
    }  # fmt: skip


def _steps(r: Reader, code: str, staff: bool) -> list[dict[str, Any]]:
    out = []
    for s in sql.steps(r, code):
        zh, en = STATUS.get(s["status"], (s["status"], s["status"]))
        step = {
            "status": s["status"],
            "label": zh,
            "label_en": en,
            "site": _site_ref(r, s["site"]),
            "at": iso(s["at_ts"]),
        }
        if staff:
            step.update(actor=s["actor"], note=s["note"])
        out.append(step)
    return out


def _detail(r: Reader, m: Any, staff: bool) -> dict[str, Any]:
    item = catalogue.item_of(r.config, m["item"])
    received = json.loads(m["received"])
    out = summary(r, m)
    out.update(
        steps=_steps(r, m["code"], staff),
        missing=_docs(item, json.loads(m["missing"])) if m["status"] == "returned" else [],
        received=_docs(item, received.get("paper", [])),
        licence=_docs(item, received.get("licence", [])),
        reason=m["reason"],
        days=item.days if item else None,
        ratings=[{"stage": x["stage"], "grade": int(x["grade"]), "at": iso(x["at_ts"])}
                 for x in sql.ratings_of(r, m["code"])],
    )  # fmt: skip
    if staff:
        out.update(note=m["note"], documents=catalogue.public(item)["documents"] if item else [])
    else:
        for key in ("clerk", "assignee", "holder"):
            out.pop(key)
    return out


def staff_view(r: Reader, code: str, may: May) -> dict[str, Any]:
    return _detail(r, get(r, code, may), True)


def verified(r: Reader, code: str, verify: str) -> Any:
    m = sql.get(r, code.strip().upper())
    digits = verify.strip().upper()
    if m is None or not m["id_masked"] or len(digits) != 4 or m["id_masked"][-4:].upper() != digits:
        raise MatterNotFound("办件编号或身份证后4位不对 / wrong code or last 4 digits")
    return m


def resident_view(r: Reader, code: str, verify: str) -> dict[str, Any]:
    """The resident follows a matter by its code and the last 4 of the ID number (SPEC 6c).

    :raises MatterNotFound: a wrong code or wrong digits (the same answer for both).
    """
    out = _detail(r, verified(r, code, verify), False)
    out["may_rate"] = out["status"] == "delivered" and not any(x["stage"] == "delivered" for x in out["ratings"])
    return out


def of_site(r: Reader, site_id: str, statuses: list[str] | None, due_before: str | None) -> list[dict[str, Any]]:
    wanted = statuses or [*sql.LIVE]
    return [summary(r, m) for m in sql.of_site(r, site_id, wanted, due_before)]


def of_visit(r: Reader, ticket_id: str) -> list[dict[str, Any]]:
    """Matters accepted in, or delivered at, a visit (the counter, the rating after it)."""
    return [summary(r, m) for m in sql.of_ticket(r, ticket_id)]


def at_counter(r: Reader, site_id: str, ticket_id: str) -> dict[str, Any]:
    """For the ticket being served: its matters, and the identity's ready ones here (a 出证领证 visit)."""
    id_hash, _ = sql.ticket_identity(r, ticket_id)
    ready = [summary(r, m) for m in sql.ready_for(r, site_id, id_hash)] if id_hash else []
    return {"matters": of_visit(r, ticket_id), "to_collect": ready}


def collecting(r: Reader, site_id: str, ticket_id: str) -> list[dict[str, str]]:
    """What a ticket's holder collects in this visit (a 出证领证 number taken with the ID): the items of
    their ready matters at ``site_id``, names only (the ticket page's link may be shared: no code)."""
    id_hash, _ = sql.ticket_identity(r, ticket_id)
    return collecting_for(r, site_id, [id_hash] if id_hash else [])


def collecting_for(r: Reader, site_id: str, id_hashes: list[str]) -> list[dict[str, str]]:
    """The items of these identities' ready matters at ``site_id`` (a ticket's holder, a booking's applicants)."""
    found = [summary(r, m) for h in id_hashes for m in sql.ready_for(r, site_id, h)]
    return [{"item_name": m["item_name"], "item_name_en": m["item_name_en"]} for m in found]


def receipt_slip(m: dict[str, Any], now: dt.datetime, follow_url: str, site_name: str) -> dict[str, Any]:
    """A matter's acceptance receipt (受理回执) as a kiosk printer's job (printers/slips.py ``MatterSlip``),
    from its staff view: the masked ID only, no note, clerk or phone."""
    return {
        "site_name": site_name, "printed_at": now.isoformat(timespec="seconds"),
        "code": m["code"], "item_name": m["item_name"], "item_name_en": m["item_name_en"],
        "status_label": m["status_label"], "id_masked": m["id_masked"] or "", "due": m["due"], "days": m["days"],
        "processing_name": m["processing"]["name"], "follow_url": follow_url,
        "licence": [d["name"] for d in m["licence"]], "missing": [d["name"] for d in m["missing"]],
    }  # fmt: skip
