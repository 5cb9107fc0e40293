"""Kiosks and displays (SPEC 6): health, print jobs, card identities and slips.

Health reports and print jobs are write jobs ``f(tx, ...)`` like every state change; the
websocket side (web/live/kiosk_link.py) only moves messages. A device silent for
``ONLINE_SECONDS`` is offline.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

from core import identity
from core.config import Config
from core.days.hours import local_day
from core.errors import InvalidInput
from core.matters.catalogue import marked
from core.registry.appointments import CODE_ALPHABET
from core.store import accounts as accounts_sql
from core.store import devices as sql
from core.store.db import Reader, Tx

ONLINE_SECONDS = 30.0
PAPER = ("ok", "near_end", "out", "unknown")
JOB_KINDS = ("ticket", "guide", "appointment", "matter")  # matter: a 受理回执 (docs/matters.md)
# job failures that say the printer itself is at fault (the next heartbeat tells its real state)
PRINTER_FAULTS = ("offline", "unreachable", "paper_out", "cover_open", "cutter_error", "interrupted", "no_ack")
BOOKING_CODE = re.compile(f"^[{CODE_ALPHABET}]{{8}}$")


# -- health ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Health:
    printer_online: bool | None
    paper: str
    printer_configured: bool
    reader_present: bool | None
    scanner_present: bool | None
    version: str
    detail: dict[str, Any]


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _part(message: dict[str, Any], key: str) -> dict[str, Any]:
    value = message.get(key)
    return value if isinstance(value, dict) else {}


def parse_health(message: dict[str, Any]) -> Health:
    """A ``health`` message from an agent, checked field by field (bad values -> unknown)."""
    printer, reader, scanner = _part(message, "printer"), _part(message, "reader"), _part(message, "scanner")
    paper = printer.get("paper") if printer.get("paper") in PAPER else "unknown"
    detail = {
        "printer_error": str(printer.get("error") or "")[:40] or None,
        "reader_kind": str(reader.get("kind") or "")[:20] or None,
        "scanner_kind": str(scanner.get("kind") or "")[:20] or None,
    }
    return Health(
        printer_online=_flag(printer.get("online")),
        paper=str(paper),
        printer_configured=printer.get("configured") is not False,
        reader_present=_flag(reader.get("present")),
        scanner_present=_flag(scanner.get("present")),
        version=str(message.get("version") or "")[:32],
        detail=detail,
    )


def _site_and_kind(c: Tx | Reader, device: str) -> tuple[str, str]:
    """The site (a place kiosk's place: ids are unique across both) and kind a device's status is kept under."""
    at_place = c.config.place_kiosk(device)
    if at_place is not None:
        return at_place[0].id, "kiosk"
    found = c.config.device(device)
    if found is None:
        raise InvalidInput(f"unknown device {device!r}")
    return found[0].id, found[1]


def record_health(tx: Tx, device: str, health: Health) -> None:
    site, kind = _site_and_kind(tx, device)
    online = None if health.printer_online is None else int(health.printer_online)
    detail = {**health.detail, "printer_configured": health.printer_configured}
    sql.upsert_status(
        tx,
        device,
        site,
        kind,
        tx.now.timestamp(),
        {
            "printer_online": online,
            "paper": health.paper,
            "reader_present": None if health.reader_present is None else int(health.reader_present),
            "scanner_present": None if health.scanner_present is None else int(health.scanner_present),
            "version": health.version,
            "detail": json.dumps(detail),
        },
    )


def record_seen(tx: Tx, device: str, version: str = "") -> None:
    """A heartbeat without news (hello, or a page of the kiosk)."""
    site, kind = _site_and_kind(tx, device)
    fields: dict[str, Any] = {"version": version[:32]} if version else {}
    sql.upsert_status(tx, device, site, kind, tx.now.timestamp(), fields)


# -- print jobs --------------------------------------------------------------------------
def new_job(tx: Tx, device: str, kind: str, ticket: str | None = None) -> int:
    if kind not in JOB_KINDS:
        raise InvalidInput(f"unknown print job kind {kind!r}")
    _site_and_kind(tx, device)
    return sql.insert_job(tx, device, kind, ticket, tx.now.timestamp())


def finish_job(tx: Tx, device: str, job: int, status: str, reason: str | None = None) -> bool:
    """Record an acknowledgement (or a timeout). A failure marks the printer as faulty at once;
    the next heartbeat reports its real state.

    :returns: False when the job was not open for this device (a late or forged ack).
    """
    if status not in ("printed", "failed"):
        raise InvalidInput(f"unknown job status {status!r}")
    reason = None if reason is None else str(reason)[:40]
    done = sql.finish_job(tx, device, job, status, reason, tx.now.timestamp())
    if done and status == "failed" and reason in PRINTER_FAULTS:
        sql.set_printer(tx, device, 0 if reason != "paper_out" else 1, "out" if reason == "paper_out" else None)
    return done


# -- the admin view ----------------------------------------------------------------------
def state_of(row: Any, now_ts: float) -> str:
    """``offline`` (silent 30 s or never seen), ``fault`` (printer down or out of paper),
    ``warning`` (paper near end, reader missing, printer silent) or ``ok``."""
    if row is None or row["last_seen_ts"] is None or now_ts - row["last_seen_ts"] > ONLINE_SECONDS:
        return "offline"
    if row["kind"] == "display":
        return "ok"
    detail = json.loads(row["detail"] or "{}")
    if detail.get("printer_configured", True) and (row["printer_online"] == 0 or row["paper"] == "out"):
        return "fault"
    if row["paper"] == "near_end" or row["reader_present"] == 0 or row["printer_online"] is None:
        return "warning"
    return "ok"


def _bool(row: Any, key: str) -> bool | None:
    return None if row is None or row[key] is None else bool(row[key])


def _device_view(
    r: Reader, d: Any, kind: str, row: Any, printed: dict[str, int], issued: float | None
) -> dict[str, Any]:
    now_ts = r.now.timestamp()
    detail = json.loads(row["detail"] or "{}") if row is not None else {}
    seen = None if row is None else row["last_seen_ts"]
    return {
        "id": d.id,
        "name": d.name,
        "name_en": d.name_en,
        "kind": kind,
        "state": state_of(row, now_ts),
        "last_seen": None if seen is None else dt.datetime.fromtimestamp(seen, r.now.tzinfo).isoformat(),
        "seconds_ago": None if seen is None else max(0, round(now_ts - seen)),
        "printer_online": _bool(row, "printer_online"),
        "printer_configured": detail.get("printer_configured", kind == "kiosk"),
        "printer_error": detail.get("printer_error"),
        "paper": None if row is None else row["paper"],
        "reader_present": _bool(row, "reader_present"),
        "reader_kind": detail.get("reader_kind"),
        "scanner_present": _bool(row, "scanner_present"),
        "version": None if row is None else row["version"],
        "printed_today": printed.get("printed", 0),
        "failed_today": printed.get("failed", 0),
        # when its current token was issued (None: it has none, or it was revoked)
        "token_issued": None if issued is None else dt.datetime.fromtimestamp(issued, r.now.tzinfo).isoformat(),
    }


def overview(r: Reader, site_ids: list[str], places: bool = False) -> list[dict[str, Any]]:
    """Every kiosk and display of these sites with its last heartbeat and today's print jobs; with
    ``places``, then every place's kiosks, a group per place (``place: true``)."""
    start = dt.datetime.combine(local_day(r.now), dt.time(), tzinfo=r.now.tzinfo).timestamp()
    rows = sql.statuses(r)
    jobs = sql.jobs_per_device(r, start)
    issued = accounts_sql.device_token_issued(r)
    out: list[dict[str, Any]] = []
    for site_id in site_ids:
        site = r.config.site(site_id)
        if site is None:
            continue
        devices = [
            _device_view(r, d, kind, rows.get(d.id), jobs.get(d.id, {}), issued.get(d.id))
            for kind, devs in (("kiosk", site.kiosks), ("display", site.displays))
            for d in devs
        ]
        out.append({"id": site.id, "name": site.name, "name_en": site.name_en, "place": False, "devices": devices})
    for place in r.config.places if places else []:
        kiosks = [
            _device_view(r, d, "kiosk", rows.get(d.id), jobs.get(d.id, {}), issued.get(d.id)) for d in place.kiosks
        ]
        out.append({"id": place.id, "name": place.name, "name_en": place.name_en, "place": True,
                    "address": place.address, "devices": kiosks})  # fmt: skip
    return out


# -- identities from cards and codes -----------------------------------------------------
@dataclass(frozen=True)
class CardIdentity:
    """An identity read at a kiosk; lives in the server's memory only, never stored."""

    id_number: str
    name: str | None
    masked: str
    name_masked: str
    green: bool


def mask_name(name: str | None) -> str:
    """``王秀英`` -> ``王**``: the surname, never the full name."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def card_identity(config: Config, now: dt.datetime, id_number: str, name: str | None = None) -> CardIdentity:
    """:raises InvalidIdNumber: a card or code whose number does not check out."""
    number = identity.normalize(id_number, local_day(now))
    green = identity.age_on(number, local_day(now)) >= config.policy.green_age
    return CardIdentity(number, name, identity.mask(number), mask_name(name), green)


class CodeResolver(Protocol):
    """Turns a scanned 随申码 (an opaque token) into an ID number, through the city's service."""

    def resolve(self, payload: str) -> str | None: ...


class NoResolver:
    """The default: no city service configured, so a 随申码 is not understood here."""

    def resolve(self, payload: str) -> str | None:
        return None


TRACK_LINK = re.compile(r"/t/([A-Za-z0-9_-]{8,64})$")  # a ticket's phone link, in its QR (a remote ticket's)


def scanned_ticket(payload: str) -> str | None:
    """The ticket id in a scanned phone link (``.../t/<id>``: a remote ticket checks in with it), or None."""
    m = TRACK_LINK.search(payload.strip())
    return m.group(1) if m else None


def scan_kind(payload: str) -> str:
    """``booking`` for a booking code (as typed or from the booking QR), else ``code``."""
    return "booking" if BOOKING_CODE.match(payload.strip().upper()) else "code"


# -- slips -------------------------------------------------------------------------------
def ticket_slip(now: dt.datetime, view: dict[str, Any], existing: bool = False) -> dict[str, Any]:
    """The ticket slip from a ticket view (core.queue.views.ticket_view): masked identity only."""
    keys = ("number", "service_name", "service_name_en", "people_ahead", "estimated_wait_minutes", "issued_at",
            "counters", "track_url", "id_masked", "priority")  # fmt: skip
    return {
        "site_name": view["site_name"],
        "printed_at": now.isoformat(timespec="seconds"),
        **{k: view.get(k) for k in keys},
        "existing": existing,
    }


def guide_slip(
    config: Config, now: dt.datetime, site_id: str, service_id: str, matter: str | None = None
) -> dict[str, Any]:
    """The service guide of a service (one matter, or all of them). ``site_id`` is the kiosk's site, or
    for a place kiosk its own id: it prints the guide of any service of the district.

    :raises InvalidInput: unknown service or matter.
    """
    site = config.site(site_id)
    at_place = config.place_kiosk(site_id)
    service = config.service(service_id)
    offered = at_place is not None or (site is not None and service_id in site.services)
    if service is None or not offered:
        raise InvalidInput(f"本中心没有该业务 / service {service_id!r} is not offered here", field="service")
    matters = [m for m in service.guide if matter in (None, m.name)]
    if not matters:
        raise InvalidInput(f"没有这个事项 / no matter {matter!r} in the guide of {service_id}", field="matter")
    return {
        "site_name": at_place[0].name if at_place is not None else site.name if site is not None else "",
        "printed_at": now.isoformat(timespec="seconds"),
        "service_name": service.name,
        "matters": [
            {"name": m.name, "name_en": m.name_en, "documents": marked(config, service.id, m.name, m.documents)}
            for m in matters
        ],
    }


def appointment_slip(config: Config, now: dt.datetime, view: dict[str, Any]) -> dict[str, Any]:
    """The confirmation of a booking from its view (core.registry.appointments.view): masked names and IDs."""
    service = config.service(view["service"])
    booking = service.booking if service is not None else None
    people = view["applicants"]
    return {
        "site_name": view["site_name"],
        "printed_at": now.isoformat(timespec="seconds"),
        "service_name": view["service_name"],
        "code": view["code"],
        "start": view["start"],
        "end": view["end"],
        "applicants": [{"name": a.get("name") or "", "id_masked": a.get("id_masked") or ""} for a in people],
        "checkin_early_minutes": booking.checkin_early_minutes if booking else 30,
        "checkin_late_minutes": booking.checkin_late_minutes if booking else 15,
    }
