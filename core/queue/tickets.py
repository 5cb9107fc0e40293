"""Issuing tickets (SPEC 3): numbering, real name, priority classes, daily caps."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from core import identity, notify, store
from core.config import Service, Site
from core.days.hours import is_open, local_day
from core.errors import (
    AppointmentOnly,
    DailyCapReached,
    InvalidInput,
    SiteClosed,
    UnknownService,
    UnknownSite,
)
from core.model import Ticket
from core.queue.calling import PRIORITIES, bonus_minutes
from core.queue.views import public_ticket, ticket_view
from core.store import booking as booking_sql
from core.store import remote as remote_sql
from core.store.db import Reader, Tx

SOURCES = frozenset({"kiosk", "counter", "appointment", "remote"})


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    existing: bool  # the identity already held a live ticket: this is it, reprinted


def format_number(prefix: str, seq: int) -> str:
    return f"{prefix}{seq:03d}"


def site_and_service(tx: Tx | Reader, site_id: str, service_id: str) -> tuple[Site, Service]:
    site = tx.config.site(site_id)
    if site is None:
        raise UnknownSite.of(site_id)
    service = tx.config.service(service_id)
    if service is None or service_id not in site.services:
        raise UnknownService(f"本中心没有该业务 / service {service_id!r} is not offered at {site_id}")
    return site, service


def issue(
    tx: Tx,
    site_id: str,
    service_id: str,
    *,
    source: str,
    actor: str,
    priority: str = "normal",
    id_number: str | None = None,
    device: str | None = None,
    due_ts: float | None = None,
    phone: str | None = None,
) -> Issued:
    """Take a number; with ``phone``, its holder is told by SMS when their turn is near (core/notify.py).

    :raises SiteClosed: outside opening hours.
    :raises AppointmentOnly: walk-in asked for an appointment-only service.
    :raises DailyCapReached: the service gave out its tickets for today.
    :raises InvalidIdNumber: a bad ID number.
    :raises InvalidPhone: a bad phone number.
    """
    site, service = site_and_service(tx, site_id, service_id)
    if source not in SOURCES:
        raise InvalidInput(f"unknown source {source!r}")
    if priority not in PRIORITIES or (priority == "appointment" and source != "appointment"):
        raise InvalidInput(f"优先类别无效 / unknown priority {priority!r}", field="priority")
    if source != "appointment" and not is_open(site, tx.now, tx.schedule):
        # an appointment's ticket comes from a check-in inside its window (core/arrivals.py),
        # whatever the opening hours say: before opening, or in a special date's longer hours
        raise SiteClosed("现在不在办公时间 / the center is closed now")
    if not service.walk_in and source != "appointment":
        raise AppointmentOnly("该业务仅限预约 / this service is by appointment only")
    sealed_phone = notify.sealed_phone(tx.secret, phone) if phone else None
    id_hash = masked = None
    if id_number is not None:
        number = identity.normalize(id_number, local_day(tx.now))
        id_hash = identity.keyed_hash(tx.secret, number)
        masked = identity.mask(number)
        existing = store.live_ticket_for_identity(tx, site.id, service.id, id_hash)
        if existing is not None and existing.status == "remote" and source != "remote":
            existing = arrive(tx, existing, actor)  # its holder is here, asking for the same number
        if existing is not None:
            return Issued(existing, existing=True)
        if priority == "normal" and identity.age_on(number, local_day(tx.now)) >= tx.config.policy.green_age:
            priority = "elderly"
    elif service.real_name and source != "appointment":  # an appointment is booked by name
        raise InvalidInput("该业务需要实名取号 / this service needs an ID card", field="id_number")
    day = local_day(tx.now).isoformat()
    seq = store.next_seq(tx, site.id, service.id, day)
    if seq > service.daily_cap:
        raise DailyCapReached("今日号源已满 / today's tickets for this service are all taken")
    now_ts = tx.now.timestamp()
    bonus = bonus_minutes(priority, tx.config.policy.green_bonus_minutes) * 60
    ticket = Ticket(
        id=secrets.token_urlsafe(12),
        site=site.id,
        service=service.id,
        day=day,
        seq=seq,
        number=format_number(service.prefix, seq),
        status="remote" if source == "remote" else "waiting",  # remote: waits for its check-in
        source=source,
        priority=priority,
        issued_ts=now_ts,
        arrived_ts=now_ts,
        rank_ts=now_ts - bonus,
        due_ts=due_ts,
        id_masked=masked,
        device=device,
    )
    store.insert_ticket(tx, ticket, id_hash)
    if sealed_phone is not None:
        booking_sql.set_ticket_phone(tx, ticket.id, sealed_phone)
    data = {"ticket": public_ticket(tx, ticket), "waiting": store.waiting_counts(tx, site.id)}
    tx.emit(site.id, "ticket.issued", data, actor=actor, ticket=ticket.id)
    return Issued(ticket, existing=False)


def arrive(tx: Tx, t: Ticket, actor: str) -> Ticket:
    """A remote ticket's holder checked in at the site: waiting from now, in the place it held since issue."""
    remote_sql.arrive(tx, t.id, tx.now.timestamp())
    now = store.ticket(tx, t.id)
    assert now is not None
    data = {"ticket": public_ticket(tx, now), "waiting": store.waiting_counts(tx, now.site)}
    tx.emit(now.site, "ticket.checked_in", data, actor=actor, ticket=now.id)
    return now


def issue_and_view(
    tx: Tx, base_url: str, site_id: str, service_id: str, **options: Any
) -> tuple[Issued, dict[str, Any]]:
    """Issue and describe the ticket in the same transaction: one trip to the writer."""
    issued = issue(tx, site_id, service_id, **options)
    return issued, ticket_view(tx, issued.ticket, base_url)
