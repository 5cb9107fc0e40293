"""Appointments over HTTP (SPEC 5 and 7): slots, booking, lookup, cancel, reschedule, check-in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.accounts import Principal
from core.days import dates, holiday_schedule
from core.days.hours import local_day
from core.errors import Forbidden, InvalidInput
from core.peak import ballot as peak_ballot
from core.peak import ceremonies
from core.queue import views
from core.registry import appointments as ap
from core.registry import overrides, visits
from core.store.db import Reader
from web import body
from web.api.pow import require_pow
from web.api.tickets import Identified, at_the_site, base_url
from web.deps import STAFF, caller, hall_of, require, site_scope
from web.guard.guesses import verified
from web.live import kiosk_link


# -- request bodies ----------------------------------------------------------------------
class ApplicantIn(body.Body):
    phone: str
    name: str = ""  # with card: the card's name (typed only when the reader gives none)
    id_number: str = ""
    card: str | None = None  # at a kiosk: one-time token of the ID card read there, for name and number


class BookingRequest(body.Body):
    site: str
    service: str
    start: str
    applicants: list[ApplicantIn]
    ceremony: str | None = None  # a ceremony session of that day, joined in the same write (core/peak/)


class Verify(body.Body):
    verify: str


class RescheduleRequest(Verify):
    start: str


class CheckInRequest(Identified, kw_only=True):
    code: str | None = None
    ticket: str | None = None  # a remote ticket's id (its QR): core/queue/remote.py


class SlotOverride(body.Body):
    date: str
    capacity: int | None = None
    open: str | None = None
    close: str | None = None
    note: str = ""


class CalendarDay(body.Body):
    date: str
    kind: Literal["holiday", "workday"] | None = None
    note: str = ""


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def parse_date(request: Request, raw: str | None, field: str = "date") -> dt.date:
    return dates.parse_day(raw, local_day(hall_of(request).clock.now()), field=field)


def parse_start(request: Request, raw: str) -> dt.datetime:
    return dates.parse_instant(raw, local_day(hall_of(request).clock.now()))


def limit_lookups(request: Request) -> None:
    """A code plus 4 digits is guessable only by brute force: bound the guesses per address."""
    h = hall_of(request)
    h.limits.address(request, "lookup", h.config.limits.bookings_per_address_per_minute)


async def slots(request: Request) -> Response:
    """
    summary: Slots of a day with places left
    parameters:
      - {name: date, in: query, required: true, schema: {type: string, format: date}}
    responses:
      200: {description: "[{start, end, capacity, remaining}]"}
      404: {description: unknown_site or unknown_service}
      409: {description: not_bookable}
      422: {description: invalid_input}
    """
    day = parse_date(request, request.query_params.get("date"))
    p = request.path_params
    return JSONResponse(await hall_of(request).store.read(ap.slots_view, p["site"], p["service"], day))


async def admitted(request: Request, applicants: list[ApplicantIn]) -> list[ap.Applicant]:
    """The applicants of a booking or a ballot entry, once the caller may ask: at most four, the
    address's rate, the proof of work of public callers (SPEC 5b, web/api/pow.py), then each
    identity's rate (after the proof, so that a script without one cannot spend a person's)."""
    if len(applicants) > 4:
        raise InvalidInput("申请人过多 / too many applicants")
    h = hall_of(request)
    h.limits.address(request, "booking", h.config.limits.bookings_per_address_per_minute)
    await require_pow(request)
    who = await caller(request) if any(a.card is not None for a in applicants) else None
    people = [_person(request, who, a) for a in applicants]
    for p in people:
        await h.limits.identity("booking", p.id_number, h.config.limits.bookings_per_identity_per_hour)
    return people


def _person(request: Request, who: Principal | None, a: ApplicantIn) -> ap.Applicant:
    """An applicant as typed, or with ``card`` as the kiosk's reader read them (the number never
    passed through the page: SPEC 8)."""
    if a.card is None:
        return ap.Applicant(a.name, a.id_number, a.phone)
    if who is None:
        raise Forbidden("card tokens come from a kiosk's reader")
    card = kiosk_link.card_identity(request, who, a.card, a.id_number)
    return ap.Applicant(card.name or a.name, card.id_number, a.phone)


async def book(request: Request) -> Response:
    """
    summary: Book a slot (marriage services take both parties)
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [site, service, start, applicants]
            additionalProperties: false
            properties:
              site: {type: string}
              service: {type: string}
              start: {type: string, format: date-time}
              applicants:
                type: array
                items:
                  type: object
                  required: [phone]
                  additionalProperties: false
                  properties:
                    name: {type: string}
                    id_number: {type: string}
                    phone: {type: string}
                    card: {type: string, description: "one-time token of a card read at this kiosk (name, id_number)"}
    responses:
      201: {description: "the booking with its code"}
      403: {description: "booking_blocked (with until); pow_required, pow_invalid (SPEC 5b: send X-Altcha)"}
      409: {description: "slot_full (with next_free), duplicate_booking, outside_divorce_window; with ceremony:
        ceremony_full, ceremony_refused"}
      410: {description: "card_expired (an applicant's card: read again at the kiosk)"}
      422: {description: "invalid_input, invalid_id_number, invalid_phone, invalid_slot, slot_past,
        outside_horizon; the law (SPEC 5) under_marriage_age, not_man_and_woman, same_person, not_adult"}
    """
    req = await body.decode(request, BookingRequest)
    h = hall_of(request)
    people = await admitted(request, req.applicants)
    start = parse_start(request, req.start)
    if peak_ballot.is_peak(h.config, req.site, start):  # a peak day's demand, whatever the answer
        await h.store.write(peak_ballot.count_attempt, req.site, req.service, start)
    result = await h.store.write(ceremonies.book_with, req.site, req.service, start, people, req.ceremony)
    use_cards(request, req.applicants)
    return JSONResponse(result, status_code=201)


def use_cards(request: Request, applicants: list[ApplicantIn]) -> None:
    """After the write: a card read stands for one booking or ballot entry, then it is spent."""
    for a in applicants:
        if a.card is not None:
            hall_of(request).kiosks.consume(a.card)


async def lookup(request: Request) -> Response:
    """
    summary: Look up a booking by code plus the last 4 of an applicant's ID number or a phone
    parameters:
      - {name: verify, in: query, required: true, schema: {type: string}}
    responses:
      200: {description: the booking}
      404: {description: appointment_not_found}
    """
    code, verify = request.path_params["code"], request.query_params.get("verify", "")
    limit_lookups(request)
    h = hall_of(request)

    def read(r: Reader) -> dict[str, Any]:
        found = ap.lookup(r, code, verify)
        return {**found, "ceremony": ceremonies.of_appointment(r, found)}  # its 颁证仪式 session, if any

    return JSONResponse(await verified(h, code, lambda: h.store.read(read)))


async def cancel(request: Request) -> Response:
    """
    summary: Cancel a booking (code plus verification)
    responses:
      200: {description: the cancelled booking}
      404: {description: appointment_not_found}
      409: {description: appointment_closed}
    """
    req = await body.decode(request, Verify)
    limit_lookups(request)
    h, code = hall_of(request), request.path_params["code"]
    return JSONResponse(await verified(h, code, lambda: h.store.write(ap.cancel, code, req.verify)))


async def reschedule(request: Request) -> Response:
    """
    summary: Move a booking to another slot (code plus verification)
    responses:
      200: {description: the moved booking}
      404: {description: appointment_not_found}
      409: {description: slot_full, appointment_closed, outside_divorce_window}
      422: {description: "invalid_slot, slot_past, outside_horizon; the law on the new day (SPEC 5)
        under_marriage_age, not_adult"}
    """
    req = await body.decode(request, RescheduleRequest)
    limit_lookups(request)
    start = parse_start(request, req.start)
    h, code = hall_of(request), request.path_params["code"]
    return JSONResponse(await verified(h, code, lambda: h.store.write(ap.reschedule, code, req.verify, start)))


async def check_in(request: Request) -> Response:
    """
    summary: Check in at a kiosk by booking code (or its QR) and/or ID number, or a remote ticket (its id, or the ID)
    responses:
      201: {description: "every party is in: {appointment, ticket}; a remote ticket: the ticket, appointment null"}
      202: {description: "{appointment, pending}: another party must check in"}
      404: {description: appointment_not_found}
      409: {description: too_early (come_back_at), too_late (walk_in), appointment_closed, remote_expired}
      410: {description: card_expired}
    """
    site_id = request.path_params["site"]
    who, req, id_number = await at_the_site(request, CheckInRequest)
    h = hall_of(request)
    done = await h.store.write(
        visits.check_in,
        site_id,
        code=req.code,
        id_number=id_number,
        ticket=req.ticket,
        actor=who.name,
        device=who.name if who.is_device else None,
    )
    if req.card is not None:
        hall_of(request).kiosks.consume(req.card)
    if done.ticket is None:
        return JSONResponse({"appointment": done.appointment, "pending": list(done.pending), "ticket": None}, 202)
    ticket = await h.store.read(views.ticket_view, done.ticket, base_url(request))
    if who.role == "kiosk":
        ticket["print"] = await kiosk_link.print_ticket(request, who, ticket, False)
    return JSONResponse({**ticket, "appointment": done.appointment}, status_code=201)


async def day_appointments(request: Request) -> Response:
    """
    summary: The day's appointments of a site per service and status (staff)
    parameters:
      - {name: date, in: query, required: true, schema: {type: string, format: date}}
    responses:
      200: {description: "{date, services: {service: {booked, checked_in, completed, cancelled, no_show}}, list}"}
    """
    site_id = request.path_params["site"]
    await require(request, *STAFF, site=site_id)
    day = parse_date(request, request.query_params.get("date"))

    def read(r: Reader) -> dict[str, Any]:
        views.site_or_raise(r, site_id)
        rows = ap.of_day(r, site_id, day)
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            per = counts.setdefault(
                row["service"], dict.fromkeys(("booked", "checked_in", "completed", "cancelled", "no_show"), 0)
            )
            per[row["status"]] += 1
        return {"date": day.isoformat(), "services": counts, "appointments": rows}

    return JSONResponse(await hall_of(request).store.read(read))


async def set_override(request: Request) -> Response:
    """
    summary: Change a date's places per slot and/or hours for a service (supervisor)
    responses:
      200: {description: the day's slots after the change}
    """
    p = request.path_params
    who = await require(request, "supervisor", "admin", site=p["site"])
    req = await body.decode(request, SlotOverride)
    day = parse_date(request, req.date)
    if req.capacity is not None and not 0 <= req.capacity <= 500:
        raise InvalidInput("capacity must be between 0 and 500", field="capacity")
    for value in (req.open, req.close):
        if value is not None and not _HHMM.match(value):
            raise InvalidInput("open/close must be HH:MM", field="open")
    if req.open and req.close and req.open >= req.close:
        raise InvalidInput("open must be before close", field="open")

    slots = await hall_of(request).store.write(
        overrides.set_override,
        p["site"],
        p["service"],
        day,
        capacity=req.capacity,
        open_=req.open,
        close=req.close,
        note=req.note[:200],
        by=who.name,
    )
    return JSONResponse(slots)


async def set_calendar(request: Request) -> Response:
    """
    summary: Mark a date as a holiday or an adjusted working day, or clear it (admin)
    responses:
      200: {description: all overrides}
    """
    await require(request, "admin")
    req = await body.decode(request, CalendarDay)
    day = parse_date(request, req.date)

    # opening hours and periods follow from the commit on (the store owns the schedule)
    return JSONResponse(await hall_of(request).store.write(holiday_schedule.enter_day, day, req.kind, req.note[:200]))


async def withdraw_case(request: Request) -> Response:
    """
    summary: Record that a party withdrew a divorce application during cooling-off (clerk)
    responses:
      204: {description: withdrawn}
    """
    who = await require(request, *STAFF)
    await body.decode(request, body.Empty)
    site = site_scope(who)
    await hall_of(request).store.write(visits.withdraw_case, request.path_params["case"], who.name, site)
    return Response(status_code=204)


routes = [
    Route("/sites/{site}/services/{service}/slots", slots),
    Route("/sites/{site}/services/{service}/overrides", set_override, methods=["POST"]),
    Route("/sites/{site}/appointments", day_appointments),
    Route("/sites/{site}/check-in", check_in, methods=["POST"]),
    Route("/appointments", book, methods=["POST"]),
    Route("/appointments/{code}", lookup),
    Route("/appointments/{code}/cancel", cancel, methods=["POST"]),
    Route("/appointments/{code}/reschedule", reschedule, methods=["POST"]),
    Route("/calendar", set_calendar, methods=["POST"]),
    Route("/divorce-cases/{case}/withdraw", withdraw_case, methods=["POST"]),
]
