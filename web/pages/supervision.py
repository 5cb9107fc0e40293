"""Supervision pages: the counter's 好差评 pad, the live hall, statistics, follow-ups.

The pad (``/pad/{counter}``) is public HTML like the kiosk page: a display device token
arrives once in the URL fragment and stays in the tablet's local storage (see
docs/statistics.md). The supervisors' pages need a supervisor or admin session; like the
counter page they hand the session's API token to their JavaScript in a meta tag.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.days.hours import local_day
from core.errors import HallError
from core.supervision import evaluation, stats
from web.api.exports import FIGURES
from web.api.help import HELP_JS
from web.api.supervision import stats_response
from web.deps import Staff, district_wide, hall_of
from web.errors import status_for
from web.i18n import N_
from web.pages.staff import checked_form, counter_of, supervisor_site
from web.render import bilingual, error_page, render

PAD_JS = {
    "pad_no_token": N_("This pad is not set up yet (no device token). Please ask the staff."),
    "pad_reason_needed": N_("Please choose or type a reason."),
    "pad_thanks": N_("Thank you for your rating!"),
    "pad_already": N_("This visit has already been rated. Thank you!"),
    "pad_too_late": N_("The time to rate on this pad has passed. You can still rate on your phone."),
}
HALL_JS = {
    "state_open": N_("Open"),
    "state_paused": N_("Paused"),
    "state_closed": N_("Closed"),
    "idle": N_("Idle"),
    "serving_since": N_("Serving %(number)s since %(time)s"),
    "called_since": N_("Calling %(number)s since %(time)s"),
    "paused_since": N_("Paused since %(time)s"),
    "idle_since": N_("Idle since %(time)s"),
    "waited_min": N_("%(n)s min"),
    "bad_alert": N_("Bad rating: %(number)s at counter %(counter)s, %(label)s"),
    "dismiss": N_("Dismiss"),
    "mark_front": N_("Transferred to the front"),
    "mark_appointment": N_("Appointment"),
    "mark_elderly": N_("Green channel: senior"),
    "mark_disabled": N_("Green channel: disability"),
    "mark_pregnant": N_("Green channel: pregnancy"),
    "mark_military": N_("Green channel: military"),
    "mark_requeued": N_("Missed, put back"),
    "mark_transferred": N_("Transferred"),
    **HELP_JS,
    "nobody_waiting": N_("Nobody is waiting."),
    "over_threshold": N_("%(n)s waiting longer than %(min)s min"),
    "followed_up": N_("Followed up"),
    "not_followed_up": N_("Not followed up yet"),
    "sign_in_again": N_("Your sign-in has expired. Please sign in again."),
}
STATS_JS = {
    "no_data": N_("No data for this range."),
    "issued": N_("Issued"),
    "served": N_("Served"),
    "no_show": N_("No-shows"),
    "wait_avg": N_("Average wait (min)"),
    "arrivals": N_("Arrivals per hour"),
    "open_counters": N_("Counters open"),
    "needed_counters": N_("Counters needed"),
    "heat_title": N_("Tickets issued by day and hour"),
    "loading": N_("Loading…"),
    "col_name": N_("Service"),
    "col_number": N_("Counter"),
    "col_clerk": N_("Clerk"),
    "col_reason_text": N_("Pause reason"),
    "col_count": N_("Pauses"),
    "col_minutes": N_("Pause (min)"),
    "col_checked_in": N_("Checked in"),
    "col_completed": N_("Completed"),
    "col_booked": N_("Booked, not yet due"),
    "col_show_rate": N_("Show rate (per cent)"),
    "col_grade": N_("Rating"),
    "col_hour": N_("Hour"),
    "col_predicted": N_("Predicted wait with the counters open (min)"),
    "staffing_note": N_(
        "Plan for %(date)s, open %(opens)s-%(closes)s. Days used: %(days)s. Mean service time: %(minutes)s min."
    ),
    **{f"col_{field}": msgid for field, msgid in FIGURES},
}


def _site_nav(request: Request, who: Staff) -> list[Any]:
    sites = hall_of(request).config.sites
    return list(sites) if district_wide(who) else []


async def pad(request: Request) -> Response:
    hall = hall_of(request)
    site, counter = counter_of(request)
    services = {s: (svc.name, svc.name_en) for s in site.services if (svc := hall.config.service(s))}
    ctx = {"site": site, "counter": counter, "labels": evaluation.labels(), "services": services}
    return render(request, "pad.html", ctx, js=PAD_JS)


async def hall_page(request: Request) -> Response:
    who, site_id = await supervisor_site(request)
    hall = hall_of(request)
    site = hall.config.site(site_id)
    assert site is not None  # supervisor_site checked it
    raw = request.query_params.get("threshold", "30")
    threshold = int(raw) if raw.isdigit() and 1 <= int(raw) <= 600 else 30
    services = hall.config.services_of(site)
    data = {
        "site": site_id,
        "threshold": threshold,
        "services": [{"id": s.id, "name": s.name, "name_en": s.name_en} for s in services],
        "grades": {g: [zh, en] for g, (zh, en) in evaluation.GRADES.items()},
    }
    ctx = {"staff": who, "site": site, "data": data, "threshold": threshold, "sites": _site_nav(request, who)}
    return render(request, "hall.html", ctx, js=HALL_JS)


async def stats_page(request: Request) -> Response:
    who, site_id = await supervisor_site(request)
    hall = hall_of(request)
    today = local_day(hall.clock.now())
    q = request.query_params
    try:
        start, end = stats.day_range(q.get("from"), q.get("to"), today)
        error = ""
    except HallError as e:
        start, end, error = today, today, bilingual(e.message, str(request.query_params.get("lang", "zh")))
    data = {"site": site_id, "from": start.isoformat(), "to": end.isoformat(), "weekday": today.weekday()}
    ctx = {"staff": who, "site": hall.config.site(site_id), "data": data, "error": error,
           "sites": _site_nav(request, who), "today": today.isoformat()}  # fmt: skip
    return render(request, "stats.html", ctx, js=STATS_JS)


async def stats_export(request: Request) -> Response:
    """A statistics table as CSV for a signed-in supervisor (links on the statistics page)."""
    _, site_id = await supervisor_site(request)
    try:
        return await stats_response(request, site_id)
    except HallError as e:
        return error_page(request, 422, e.message)


async def followups_page(request: Request) -> Response:
    who, site_id = await supervisor_site(request)
    return await _followups(request, who, site_id)


async def _followups(
    request: Request, who: Staff, site_id: str, *, error: str = "", status_code: int = 200
) -> Response:
    """The follow-ups page; an error comes from the server, never from the link (a phishing line)."""
    hall = hall_of(request)
    today = local_day(hall.clock.now())
    q = request.query_params
    first = today.replace(day=1).isoformat()  # default: this month so far
    try:
        start, end = stats.day_range(q.get("from") or first, q.get("to") or str(today), today)
    except HallError:
        start, end = today.replace(day=1), today
    items = await hall.store.read(evaluation.bad_ratings, site_id, stats.midnight(start), stats.midnight(end) + 86400)
    ctx = {"staff": who, "site": hall.config.site(site_id), "items": items, "from": start.isoformat(),
           "to": end.isoformat(), "views": evaluation.RESIDENT_VIEWS, "sites": _site_nav(request, who),
           "error": error, "saved": q.get("saved", "")}  # fmt: skip
    return render(request, "followups.html", ctx, status_code=status_code)


async def followups_post(request: Request) -> Response:
    who, site_id = await supervisor_site(request)
    form = await checked_form(request)
    day, number = str(form.get("day") or ""), str(form.get("number") or "")
    view = str(form.get("resident_view") or "") or None
    back = f"/admin/followups?site={site_id}&from={form.get('from') or ''}&to={form.get('to') or ''}"
    try:
        await hall_of(request).store.write(
            evaluation.add_followup, site_id, day, number, who.name,
            contacted=form.get("contacted") == "yes", result=str(form.get("result") or ""), resident_view=view,
        )  # fmt: skip
    except HallError as e:
        return await _followups(request, who, site_id, error=e.message, status_code=status_for(e))
    return RedirectResponse(f"{back}&saved={day}-{number}#r-{day}-{number}", status_code=303)


routes: list[BaseRoute] = [
    Route("/pad/{counter_id}", pad, name="pad"),
    Route("/admin/hall", hall_page, name="admin_hall"),
    Route("/admin/stats", stats_page, name="admin_stats"),
    Route("/admin/stats/export", stats_export, name="admin_stats_export"),
    Route("/admin/followups", followups_page, name="admin_followups"),
    Route("/admin/followups", followups_post, methods=["POST"], name="admin_followups_post"),
]
