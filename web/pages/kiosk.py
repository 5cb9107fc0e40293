"""The hall kiosk's page (``/kiosk/{kiosk}``): a shared touchscreen, so nothing of one resident
stays for the next (no language cookie: see ``i18n.shared_device``), and every spoken guidance
sentence comes with the page as the text it shows (``web.pages.guide``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.config import Config, Device, Place, Site
from core.days.clock import TZ
from core.district import district
from core.matters.catalogue import guides
from core.queue import views
from core.registry.appointments import CODE_ALPHABET
from web import i18n
from web.deps import hall_of
from web.i18n import N_
from web.pages import guide
from web.render import error_page, render

KIOSK_JS = {
    "waiting_n": N_("%(n)s waiting"),
    "wait_about": N_("about %(n)s min"),
    "appointment_only": N_("Appointment only"),
    "page_of": N_("Page %(page)s of %(pages)s"),
    "more_services": N_("More services"),
    "id_optional": N_("ID number (optional)"),
    "id_required": N_("ID number (required for this service)"),
    "id_invalid": N_("This ID number is not valid. Please check it."),
    "id_needed": N_("Please enter your ID number for this service."),
    "no_token": N_("This kiosk is not set up yet (no device token). Please ask the staff."),
    "help_sent": N_("A member of staff is on the way."),
    "existing": N_("You already hold a ticket for this service: here it is again."),
    "people_ahead": N_("%(n)s ahead"),
    "priority_elderly": N_("Green channel: senior"),
    "priority_disabled": N_("Green channel: disability"),
    "priority_pregnant": N_("Green channel: pregnancy"),
    "priority_military": N_("Green channel: military"),
    "qr_alt": N_("QR code to follow this ticket on a phone"),
    "list_sep": N_(", "),
    "counters_list": N_("Counters %(list)s"),
    # appointment check-in
    "priority_appointment": N_("Appointment: checked in"),
    "ci_code_shape": N_("A booking code has 8 letters and digits."),
    "ci_need_id": N_("Please enter your ID number."),
    "ci_each_person": N_("Each applicant, please enter your own ID number: %(list)s"),
    "ci_next_person": N_("The other party, please swipe your ID card or enter your ID number: %(id)s"),
    "ci_checked": N_("Checked in: %(list)s"),
    "ci_booking": N_("%(service)s, %(time)s"),
    "ci_too_early": N_("It is too early to check in. Please come back from %(time)s."),
    "ci_too_late_walk_in": N_("The check-in time for this booking has passed. You can take a normal number instead."),
    "ci_too_late": N_("The check-in time for this booking has passed. Please call a member of staff."),
    "ci_closed": N_("This booking is cancelled or already used. Please call a member of staff if this is wrong."),
    "ci_choose_service": N_("Please choose the service to take a normal number."),
    "ci_remote_in": N_("Remote number %(number)s is checked in: it keeps its place from when it was taken."),
    # nearby centers and the service guide on screen
    "km": N_("%(km)s km"),
    "nearby_none": N_("No other center offering this service is open now."),
    "faster_nearby": N_("%(service)s: less waiting at %(site)s, %(km)s km away: %(n)s waiting, about %(wait)s min"),
    "opens_at": N_("Opens %(time)s"),
    "guide_empty": N_("No documents are listed for this service yet."),
    "matter_of": N_("Item %(i)s of %(n)s"),
}


def service_guides(config: Config, site: Site) -> dict[str, list[dict[str, Any]]]:
    """What to bring for each service of the site (the printed guide's matters), for the screen."""
    out: dict[str, list[dict[str, Any]]] = {}
    for sid in site.services:
        service = config.service(sid)
        if service is not None:
            out[sid] = guides(config, service)
    return out


_SHARED = "waiting_n wait_about appointment_only km nearby_none opens_at guide_empty matter_of no_token id_invalid"
_SHARED += " id_needed page_of more_services"
PLACE_JS = {key: KIOSK_JS[key] for key in _SHARED.split()} | {
    "open_now": N_("Open"),
    "closed_now": N_("Closed"),
    "opens_at_day": N_("Opens %(day)s %(time)s"),
    "tomorrow": N_("tomorrow"),
    "no_remote_now": N_("All centers are closed now: they open at %(time)s. No number can be taken now."),
    "remote_none": N_("No open center takes remote numbers for this service now."),
    "remote_taken": N_("Your number at %(site)s"),
    "remote_arrive_by": N_("Please check in at a kiosk of the center by %(time)s."),
    "remote_existing": N_("You already hold a remote number today: here it is again."),
    "remote_missing": N_("Remote numbers cannot be taken at this kiosk yet. Please try again later."),
    "printing": N_("Printing your slip…"),
    "print_failed": N_("The printer is not available: please note your number, or scan the QR code with your phone."),
    "guide_printing": N_("Printing the service guide…"),
    "guide_unavailable": N_("The printer is not available: the list is here on the screen."),
    "total_waiting": N_("%(n)s waiting in all"),
    "updated_at": N_("Updated %(time)s"),
}


def _hours_today(place: Place, now: dt.datetime) -> str | None:
    """The place's hours today (``10:00-22:00``), or None when it is open 24 hours."""
    if place.hours == "24h":
        return None
    h = place.hours[now.astimezone(TZ).weekday()]
    return f"{h.open}-{h.close}"


def _all_guides(config: Config) -> dict[str, list[dict[str, Any]]]:
    """Every service's guide: a place kiosk serves the whole district."""
    return {s.id: guides(config, s) for s in config.services}


async def place_kiosk(request: Request, place: Place, device: Device) -> Response:
    """A kiosk outside the centers (SPEC 6b): the district now, booking, guides, a remote number."""
    hall = hall_of(request)
    now = await hall.store.read(district, place.id)
    services = [
        {
            "id": s.id,
            "name": s.name,
            "name_en": s.name_en,
            "walk_in": s.walk_in,
            "remote": s.remote,
        }
        for s in hall.config.services
    ]
    ctx = {
        "place": place,
        "hours_today": _hours_today(place, hall.clock.now()),
        "kiosk": device,
        "district": now,
        "services": services,
        "guides": _all_guides(hall.config),
        "guide_sentences": guide.sentences(i18n.lang_of(request)),
    }
    return render(request, "place.html", ctx, js=PLACE_JS)


async def kiosk(request: Request) -> Response:
    i18n.shared_device(request)  # before anything reads the language
    hall = hall_of(request)
    kiosk_id = request.path_params["kiosk_id"]
    at_place = hall.config.place_kiosk(kiosk_id)
    if at_place is not None:
        return await place_kiosk(request, *at_place)
    found = hall.config.device(kiosk_id)
    if found is None or found[1] != "kiosk":
        return error_page(request, 404, "没有这台自助机 / unknown kiosk")
    site, _, device = found
    detail = await hall.store.read(views.site_detail, site.id)
    rules = [s.booking for s in hall.config.services_of(site) if s.booking is not None]
    checkin = bool(rules)  # the site takes bookings
    early = max((b.checkin_early_minutes for b in rules), default=0)
    ctx = {
        "site": detail,
        "kiosk": device,
        "checkin": checkin,
        "checkin_early": early,
        "code_keys": CODE_ALPHABET,
        "guides": service_guides(hall.config, site),
        "guide_sentences": guide.sentences(i18n.lang_of(request)),
    }
    return render(request, "kiosk.html", ctx, js=KIOSK_JS)


routes = [Route("/kiosk/{kiosk_id}", kiosk, name="kiosk")]
