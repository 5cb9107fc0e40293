"""The data a slip is printed from, as the server sends it in a ``print`` job.

Typed (msgspec): a job whose slip misses a field fails with the field's path, and the
layouts stay plain functions of these records.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Slip(msgspec.Struct, kw_only=True, frozen=True):
    site_name: str
    printed_at: str = ""  # ISO 8601 with offset, the server's clock


class TicketSlip(Slip, kw_only=True, frozen=True):
    number: str
    service_name: str
    service_name_en: str = ""
    people_ahead: int = 0
    estimated_wait_minutes: int | None = None
    issued_at: str = ""
    counters: list[int] = []
    track_url: str = ""
    id_masked: str | None = None
    priority: str = "normal"
    existing: bool = False  # a reprint of the live ticket this identity already holds


class Matter(msgspec.Struct, kw_only=True, frozen=True):
    name: str
    name_en: str = ""
    documents: list[str] = []


class GuideSlip(Slip, kw_only=True, frozen=True):
    service_name: str
    matters: list[Matter]


class Applicant(msgspec.Struct, kw_only=True, frozen=True):
    name: str = ""  # already masked by the server (张**)
    id_masked: str = ""


class AppointmentSlip(Slip, kw_only=True, frozen=True):
    service_name: str
    code: str
    start: str
    end: str
    applicants: list[Applicant] = []
    checkin_early_minutes: int = 30
    checkin_late_minutes: int = 15


class MatterSlip(Slip, kw_only=True, frozen=True):
    """The acceptance receipt of a matter (受理回执, docs/matters.md): the masked ID only."""

    code: str
    due: str | None = None  # YYYY-MM-DD; none while returned for documents (补正)
    days: int | None = None
    item_name: str
    item_name_en: str = ""
    status_label: str = ""
    id_masked: str = ""
    processing_name: str = ""
    licence: list[str] = []  # replaced by an electronic licence (免于提交)
    missing: list[str] = []  # to bring (补正)
    follow_url: str = ""


KINDS: dict[str, type[Slip]] = {
    "ticket": TicketSlip,
    "guide": GuideSlip,
    "appointment": AppointmentSlip,
    "matter": MatterSlip,
}


def parse(kind: str, data: Any) -> Slip:
    """The slip of a print job.

    :raises ValueError: unknown kind, or a missing or mistyped field (with its path).
    """
    cls = KINDS.get(kind)
    if cls is None:
        raise ValueError(f"unknown slip kind {kind!r}")
    try:
        return msgspec.convert(data, type=cls)
    except msgspec.ValidationError as e:
        raise ValueError(f"bad {kind} slip: {e}") from None
