"""Appointment pages (SPEC 5): the public booking site, look-up/cancel/reschedule, the
booking QR code, and the supervisor's day view of a site's appointments.

The public pages only render: their forms talk to the JSON API (web/api/booking.py) from
static/js/booking.js with fetch, so booking needs neither a cookie nor a CSRF token. Site
and service are chosen with plain links; day, slot, applicants and the confirmation are
steps of one page. The supervisor page hands its JavaScript the session's API token in a
``<meta name="api-token">``, like the counter page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.config import Config, Service, Site
from core.days import dates
from core.days.hours import is_open, local_day
from core.errors import HallError
from core.matters.catalogue import licence_documents
from core.peak import ballot
from core.peak import staff as peak_staff
from core.registry import appointments as ap
from core.registry import overrides
from core.registry.slots import bookable
from core.store.db import Reader
from web.deps import can_see, hall_of
from web.i18n import N_
from web.pages.staff import supervisor_page
from web.render import error_page, render

DAYS_AHEAD = 30
BOOKING_PHONE = "12345"  # the government service hotline takes bookings by phone (docs/peak-days.md)
STATUSES = ("booked", "checked_in", "completed", "cancelled", "no_show")
_CODE = re.compile(f"^[{ap.CODE_ALPHABET}]{{8}}$")


# -- what can be booked where ---------------------------------------------------------------
def bookable_services(config: Config, site: Site) -> list[Service]:
    """The site's services that take online bookings, in the site's order."""
    return [s for s in config.services_of(site) if s.booking is not None]


def booking_sites(config: Config) -> list[tuple[Site, list[Service]]]:
    """Sites with at least one bookable service (the registry in the demo district)."""
    return [(site, found) for site in config.sites if (found := bookable_services(config, site))]


def _site_and_service(request: Request) -> tuple[Site, Service] | Response:
    config = hall_of(request).config
    site = config.site(request.path_params["site"])
    if site is None:
        return error_page(request, 404, "没有这个服务中心 / unknown site")
    service = config.service(request.path_params["service"])
    if service is None or service not in bookable_services(config, site):
        return error_page(request, 404, "该中心没有这项可预约的业务 / this service cannot be booked here")
    return site, service


def days_summary(r: Reader, site: Site, service: Service, first: dt.date, n: int) -> list[dict[str, Any]]:
    """The next ``n`` days from ``first`` with the places left on each.

    ``state`` is ``open`` (places left), ``full``, ``closed`` (no slots that day) or
    ``not_bookable`` (outside the booking horizon: not released yet, or already closed).
    """
    assert service.booking is not None
    out = []
    for i in range(n):
        day = first + dt.timedelta(days=i)
        slots = ap.slots_view(r, site.id, service.id, day)
        remaining = sum(s["remaining"] for s in slots)
        if not slots:
            state = "closed"
        elif not bookable(service.booking, day, r.now):
            state = "not_bookable"
        else:
            state = "open" if remaining else "full"
        special = r.config.special_date(site.id, day.isoformat())
        out.append(
            {
                "date": day.isoformat(),
                "state": state,
                "remaining": remaining,
                "capacity": sum(s["capacity"] for s in slots),
                "special": special.name if special else None,
                "special_en": (special.name_en or special.name) if special else None,
            }
        )
    return out


def _next_days(r: Reader, site: Site, service: Service) -> list[dict[str, Any]]:
    return days_summary(r, site, service, local_day(r.now) + dt.timedelta(days=1), DAYS_AHEAD)


def _site_data(site: Site) -> dict[str, Any]:
    return {"id": site.id, "name": site.name, "name_en": site.name_en, "address": site.address}


def _service_data(service: Service, ceremony_services: frozenset[str] = frozenset()) -> dict[str, Any]:
    assert service.booking is not None
    return {
        "id": service.id,
        "name": service.name,
        "name_en": service.name_en,
        "parties": service.parties,
        "slot_minutes": service.booking.slot_minutes,
        "checkin_early": service.booking.checkin_early_minutes,
        "checkin_late": service.booking.checkin_late_minutes,
        "ceremonies": service.id in ceremony_services,  # a day of it may have ceremony sessions (core/peak/)
    }


# Strings booking.js needs (also on the manage page).
BOOKING_JS = {
    "places_left": N_("%(n)s left"),
    "day_full": N_("Full"),
    "day_closed": N_("Day off"),
    "day_not_bookable": N_("Not open for booking"),
    "no_slots": N_("No places left on this day. Please choose another day."),
    "slot_label": N_("%(start)s–%(end)s, %(n)s places left"),
    "slot_full_label": N_("%(start)s–%(end)s, full"),
    "loading": N_("Loading…"),
    "required": N_("Please fill this in."),
    "name_invalid": N_("Please enter the name as on the ID card."),
    "id_invalid": N_("This ID number is not valid. Please check it."),
    "id_shape": N_("An ID number has 18 characters: 17 digits and a digit or X."),
    "phone_invalid": N_("Please enter an 11-digit mainland mobile number starting with 1."),
    "same_person": N_("The applicants must be different people."),
    "fix_fields": N_("Please correct the marked fields."),
    "slot_full": N_("Sorry, this time has just been fully booked."),
    "next_free": N_("These times still have places:"),
    "choose_other": N_("Choose another time"),
    "blocked_until": N_("Because of missed appointments, online booking is blocked until %(until)s."),
    "duplicate": N_(
        "%(who)s already holds a booking for this service (code %(code)s). To change it, look it up "
        "and reschedule or cancel it."
    ),
    "duplicate_someone": N_(
        "One of the applicants already holds a booking for this service. Look it up with its code, or ask at the "
        "registry."
    ),
    "duplicate_plain": N_(
        "%(who)s already holds a booking for this service. To change it, look it up and reschedule or cancel it."
    ),
    "outside_horizon": N_("Booking for this day is open from %(from)s to %(to)s."),
    "divorce_window": N_("Your divorce registration can only be booked from %(from)s to %(to)s."),
    "slot_past": N_("This time has already passed. Please choose another time."),
    "invalid_slot": N_("This time cannot be booked. Please choose another time."),
    "rate_limited": N_("Too many attempts. Please wait a minute and try again."),
    "pow_failed": N_("The page's security check did not finish. Please press the button again, or reload the page."),
    "ceremony_none": N_("No ceremony"),
    "ceremony_label": N_("%(time)s %(hall)s · %(theme)s, %(n)s places left"),
    "ceremony_full_label": N_("%(time)s %(hall)s · %(theme)s, full"),
    "ceremony_full": N_("Sorry, this ceremony has just filled up. Nothing was booked: choose another or none."),
    "ceremony_done": N_("%(time)s, %(hall)s · %(theme)s"),
    "ceremony_saved": N_("Saved."),
    "status_booked": N_("Booked"),
    "status_checked_in": N_("Checked in"),
    "status_completed": N_("Completed"),
    "status_cancelled": N_("Cancelled"),
    "status_no_show": N_("Missed"),
    "not_found": N_("No booking matches this code and verification. Please check both."),
    "code_shape": N_("A booking code has 8 letters and digits."),
    "verify_shape": N_("Enter the last 4 characters of an applicant's ID number or their mobile number."),
    "cancelled_ok": N_("The booking is cancelled. The place is free for others."),
    "moved_ok": N_("The booking is moved to %(when)s."),
    "move_to": N_("Move the booking to %(when)s?"),
    "ticket_line": N_("Ticket %(number)s"),
    "not_changeable": N_("This booking can no longer be changed online."),
    "qr_alt": N_("QR code of booking code %(code)s"),
    "applicant_n": N_("Applicant %(n)s"),
    "list_sep": N_(", "),
    "checkin_window": N_(
        "Check in at a kiosk in the hall between %(from)s and %(until)s: press “Appointment check-in” and enter "
        "the booking code or your ID number."
    ),
}


# -- public pages ---------------------------------------------------------------------------
async def book_home(request: Request) -> Response:
    """Choose a site: only sites that take online bookings."""
    sites = booking_sites(hall_of(request).config)
    return render(request, "book.html", {"sites": sites}, js=BOOKING_JS)


def _remote_now(r: Reader) -> list[dict[str, Any]]:
    """Open sites and their services that take remote tickets now (SPEC 6b: 现在取号)."""
    out = []
    for site in r.config.sites:
        services = [s for s in r.config.services_of(site) if s.remote and s.walk_in]
        if services and is_open(site, r.now, r.schedule):
            offered = [{"id": s.id, "name": s.name, "name_en": s.name_en} for s in services]
            out.append({"id": site.id, "name": site.name, "name_en": site.name_en or site.name,
                        "address": site.address, "services": offered})  # fmt: skip
    return out


async def book_now(request: Request) -> Response:
    """Take a number now for an open center (a remote ticket): js/booking/now.js, then the ticket page."""
    sites = await hall_of(request).store.read(_remote_now)
    return render(request, "book_now.html", {"sites": sites}, js=NOW_JS)


NOW_JS = {
    "now_need_id": N_("Please enter your ID number."),
    "now_id_invalid": N_("This ID number is not valid. Please check it."),
    "now_phone_invalid": N_("Please enter an 11-digit mobile number, or leave it empty."),
}


async def book_site(request: Request) -> Response:
    """Choose a service of the site, with its documents to bring."""
    config = hall_of(request).config
    site = config.site(request.path_params["site"])
    services = bookable_services(config, site) if site is not None else []
    if site is None or not services:
        return error_page(request, 404, "这个中心不接受在线预约 / this center takes no online bookings")
    return render(request, "book_site.html", {"site": site, "services": services}, js=BOOKING_JS)


async def book_service(request: Request) -> Response:
    """Day, slot, applicants and confirmation: steps of one page driven by booking.js."""
    found = _site_and_service(request)
    if isinstance(found, Response):
        return found
    site, service = found
    days = await hall_of(request).store.read(_next_days, site, service)
    config = hall_of(request).config
    ceremony_services = frozenset(d.service for d in config.peak.days if d.site == site.id and d.ceremonies)
    data = {"site": _site_data(site), "service": _service_data(service, ceremony_services), "days": days}
    elicence = {m.name: licence_documents(config, service.id, m.name) for m in service.guide}
    ballots = ballot.ahead(config, site.id, service.id, hall_of(request).clock.now())  # the page names them
    ctx = {"site": site, "service": service, "data": data, "elicence": elicence, "booking_phone": BOOKING_PHONE,
           "ballots": ballots}  # fmt: skip
    return render(request, "book_service.html", ctx, js=BOOKING_JS)


async def book_days(request: Request) -> Response:
    """``/book/{site}/{service}/days.json``: the next 30 days with places left (for rescheduling)."""
    found = _site_and_service(request)
    if isinstance(found, Response):
        return JSONResponse({"error": {"code": "not_found", "message": "not bookable here"}}, status_code=404)
    site, service = found
    days = await hall_of(request).store.read(_next_days, site, service)
    return JSONResponse(days, headers={"Cache-Control": "no-store"})


async def book_manage(request: Request) -> Response:
    """Look up a booking by code plus verification; cancel or reschedule it."""
    code = request.query_params.get("code", "").strip().upper()
    return render(request, "book_manage.html", {"code": code if _CODE.match(code) else ""}, js=BOOKING_JS)


async def qr_booking(request: Request) -> Response:
    """``/qr/booking.svg?code=<booking code>``: the code as a QR, for a kiosk's scanner."""
    code = request.query_params.get("code", "")
    if not _CODE.match(code):
        return Response("code must be a booking code", status_code=400, media_type="text/plain")
    buf = io.BytesIO()
    segno.make(code, error="m").save(buf, kind="svg", scale=8, border=2, xmldecl=False, svgns=True,
                                     title=None, dark="#111", light="#fff")  # fmt: skip
    return Response(buf.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=86400"})


# -- supervisor page ------------------------------------------------------------------------
APPOINTMENTS_JS = {
    "saved": N_("Saved: %(n)s slots, %(places)s places each."),
    "saved_closed": N_("Saved: no slots on this day."),
    "sign_in_again": N_("Your sign-in has expired. Please sign in again."),
    "ballot_drawn": N_("Drawn: %(places)s places offered among %(entries)s entries."),
    "desk_entered": N_("Entered: entry code %(code)s (also sent by SMS). The list shows it after a reload."),
}


def _day_view(r: Reader, site: Site, day: dt.date) -> dict[str, Any]:
    rows = ap.of_day(r, site.id, day)
    services = bookable_services(r.config, site)
    counts = {s.id: dict.fromkeys(STATUSES, 0) for s in services}
    for row in rows:
        counts.setdefault(row["service"], dict.fromkeys(STATUSES, 0))[row["status"]] += 1
    slots = {}
    for s in services:
        found = ap.slots_of_day(r, site.id, s.id, day)
        override = overrides.of_day(r, site.id, s.id, day)
        slots[s.id] = {
            "open": found[0][0].start.strftime("%H:%M") if found else None,
            "close": found[-1][0].end.strftime("%H:%M") if found else None,
            "slots": len(found),
            "capacity": found[0][0].capacity if found else 0,
            "remaining": sum(left for _, left in found),
            "total": sum(slot.capacity for slot, _ in found),
            "override": override,
        }
    return {"counts": counts, "slots": slots, "appointments": rows}


async def admin_appointments(request: Request) -> Response:
    who = await supervisor_page(request)
    hall = hall_of(request)
    allowed = [s for s in hall.config.sites if can_see(who, s.id)]
    with_booking = [s for s, _ in booking_sites(hall.config) if s in allowed]
    wanted = request.query_params.get("site") or (with_booking or allowed)[0].id
    site = next((s for s in allowed if s.id == wanted), None)
    if site is None:
        known = hall.config.site(wanted) is not None
        return error_page(request, 403 if known else 404,
                          "您不属于这个中心 / you do not work at this center" if known
                          else "没有这个服务中心 / unknown site")  # fmt: skip
    raw_day = request.query_params.get("date")
    today = local_day(hall.clock.now())
    try:
        day = dates.parse_day(raw_day, today) if raw_day else today
    except HallError as exc:
        return error_page(request, 422, exc.message)
    try:
        view = await hall.store.read(_day_view, site, day)
    except HallError as exc:
        return error_page(request, 404, exc.message)
    services = bookable_services(hall.config, site)
    peak_day = await hall.store.read(peak_staff.day, site.id, day)  # ceremonies, the ballot (core/peak/staff.py)
    ctx = {
        "peak_day": peak_day,
        "staff": who,
        "site": site,
        "sites": with_booking if len(with_booking) > 1 else [],
        "day": day,
        "prev_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "services": services,
        "service_names": {s.id: s for s in services},
        "statuses": STATUSES,
        **view,
    }
    return render(request, "appointments.html", ctx, js={**BOOKING_JS, **APPOINTMENTS_JS})


# each route is named after its handler (templates' url_for), but /book, the site's front page
PAGES = {
    "/book/manage": book_manage,
    "/book/now": book_now,
    "/book/{site}": book_site,
    "/book/{site}/{service}": book_service,
    "/book/{site}/{service}/days.json": book_days,
    "/qr/booking.svg": qr_booking,
    "/admin/appointments": admin_appointments,
}
routes: list[BaseRoute] = [
    Route("/book", book_home, name="book"),
    *(Route(path, page, name=page.__name__) for path, page in PAGES.items()),
]
