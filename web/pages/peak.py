"""Peak-day pages (SPEC 5b, docs/peak-days.md): the ballot's page (its rules, the seed's hash, the
registration form, an entry's look-up and confirmation) and its public result (entry codes and
masked names, the revealed seed, how to verify it). They render; static/js/booking/ballot.js talks
to the JSON API (web/api/peak.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.errors import HallError
from core.peak import ballot
from web.deps import hall_of
from web.i18n import N_
from web.pages.booking import BOOKING_JS, BOOKING_PHONE
from web.render import error_page, render

BALLOT_JS = {
    **BOOKING_JS,
    "entered_ok": N_("You are entered. Your entry code is %(code)s: keep it to look up the result."),
    "ballot_closed": N_("Entries are not being taken now."),
    "entry_not_found": N_("No entry matches this code and verification. Please check both."),
    "status_entered": N_("Entered, waiting for the draw"),
    "status_waiting": N_("On the waiting list (position %(position)s)"),
    "status_won": N_("Won a place: please confirm by %(by)s"),
    "status_confirmed": N_("Confirmed"),
    "status_passed": N_("Not confirmed in time: the place passed to the next on the list"),
    "status_lost": N_("Not drawn"),
    "status_void": N_("Void: the couple already holds another booking"),
    "confirmed_ok": N_("Thank you, your place is confirmed. Your booking code is %(code)s."),
    "entry_booking": N_("Booking %(code)s, %(when)s"),
    "entry_code_shape": N_("An entry code starts with B and has 9 letters and digits."),
}


async def _ballot(request: Request) -> dict[str, Any] | Response:
    try:
        return await hall_of(request).store.read(ballot.view, request.path_params["ballot"])
    except HallError:
        return error_page(request, 404, "没有这个摇号 / there is no such ballot")


async def ballot_page(request: Request) -> Response:
    """``/ballot/{ballot}``: the rules and the commitment; entries while open; an entry's status."""
    found = await _ballot(request)
    if isinstance(found, Response):
        return found
    config = hall_of(request).config
    site = config.site(found["site"])
    day = config.peak.day(found["site"], found["date"])
    special = config.special_date(found["site"], found["date"])
    service = config.service(found["service"])
    assert site is not None and day is not None and service is not None
    data = {"ballot": found, "parties": service.parties,
            "sessions": [{"id": s.id, "time": s.time, "hall": s.hall, "hall_en": s.hall_en, "theme": s.theme,
                          "theme_en": s.theme_en} for s in day.ceremonies]}  # fmt: skip
    ctx = {"b": found, "site": site, "service": service, "special": special, "data": data,
           "sessions": day.ceremonies, "booking_phone": BOOKING_PHONE}  # fmt: skip
    return render(request, "ballot.html", ctx, js=BALLOT_JS)


async def result_page(request: Request) -> Response:
    """``/ballot/{ballot}/result``: the published result and how anyone checks it."""
    found = await _ballot(request)
    if isinstance(found, Response):
        return found
    site = hall_of(request).config.site(found["site"])
    return render(request, "ballot_result.html", {"b": found, "site": site, "result": found["result"]}, js=BALLOT_JS)


routes: list[BaseRoute] = [
    Route("/ballot/{ballot}", ballot_page),
    Route("/ballot/{ballot}/result", result_page),
]
