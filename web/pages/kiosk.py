"""The hall kiosk's page (``/kiosk/{kiosk}``): a shared touchscreen, so nothing of one resident
stays for the next (no language cookie: see ``i18n.shared_device``), and every spoken guidance
sentence comes with the page as the text it shows (``web.pages.guide``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.config import Config, Site
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
    # nearby centers and the service guide on screen
    "km": N_("%(km)s km"),
    "nearby_none": N_("No other center offering this service is open now."),
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
            out[sid] = [{"name": m.name, "name_en": m.name_en, "documents": list(m.documents)} for m in service.guide]
    return out


async def kiosk(request: Request) -> Response:
    i18n.shared_device(request)  # before anything reads the language
    hall = hall_of(request)
    kiosk_id = request.path_params["kiosk_id"]
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
