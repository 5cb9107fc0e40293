"""Peak days over HTTP (SPEC 5b and 7): ceremonies, ballots, and the proof of work of public
booking and ballot entries (docs/peak-days.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.errors import InvalidInput, UnknownSite
from core.peak import ballot, ceremonies, offers, settings, stats
from core.peak.errors import EntryNotFound
from core.peak.settings import Session
from web import body
from web.api.booking import ApplicantIn, admitted, limit_lookups, parse_date, use_cards
from web.deps import SUPERVISORS, hall_of, require
from web.guard.guesses import verified


class EntryRequest(body.Body):
    applicants: list[ApplicantIn]
    ceremony: str | None = None


class CeremonyRequest(body.Body):
    verify: str
    session: str | None


class Confirm(body.Body):
    verify: str


class SessionEdit(body.Body):
    date: str
    id: str
    time: str
    hall: str
    theme: str
    capacity: int
    hall_en: str = ""
    theme_en: str = ""
    cancelled: bool = False


async def day_ceremonies(request: Request) -> Response:
    """
    summary: The ceremony sessions of a day at a site, with places left (public, no names)
    parameters:
      - {name: date, in: query, required: true, schema: {type: string, format: date}}
    responses:
      200: {description: "{site, date, name, sessions: [{id, start, hall, theme, capacity, joined, remaining}]}"}
      404: {description: unknown_site}
    """
    site = request.path_params["site"]
    h = hall_of(request)
    if h.config.site(site) is None:
        raise UnknownSite.of(site)
    day = parse_date(request, request.query_params.get("date"))
    return JSONResponse(await h.store.read(ceremonies.day_view, site, day))


async def edit_ceremony(request: Request) -> Response:
    """
    summary: Change or add a ceremony session of a day (supervisor)
    responses:
      200: {description: the day's sessions}
      422: {description: invalid_input, invalid_ceremony}
    """
    site = request.path_params["site"]
    who = await require(request, *SUPERVISORS, site=site)
    req = await body.decode(request, SessionEdit)
    day = parse_date(request, req.date)
    site_cfg = hall_of(request).config.site(site)
    if site_cfg is None or site_cfg.kind != "marriage":
        raise InvalidInput("仪式只在婚姻登记处举办 / ceremonies are held at a marriage registry", field="site")
    s = Session(id=req.id, time=req.time, hall=req.hall.strip()[:40], hall_en=req.hall_en.strip()[:60],
                theme=req.theme.strip()[:40], theme_en=req.theme_en.strip()[:60], capacity=req.capacity)  # fmt: skip
    if (problem := settings.problem_of(s)) is not None:
        raise InvalidInput(f"仪式场次无效 / invalid session: {problem}", field=problem.split(":")[0])
    edit = {"id": s.id, "starts": s.time, "hall": s.hall, "hall_en": s.hall_en, "theme": s.theme,
            "theme_en": s.theme_en, "capacity": s.capacity, "cancelled": req.cancelled}  # fmt: skip
    return JSONResponse(await hall_of(request).store.write(ceremonies.edit, site, day, edit, who.name))


async def join_ceremony(request: Request) -> Response:
    """
    summary: Join (or move to, or with session null leave) a ceremony session with a booking code and verification
    responses:
      200: {description: the booking with its ceremony}
      404: {description: appointment_not_found, unknown_ceremony}
      409: {description: ceremony_full (with others), ceremony_refused}
    """
    req = await body.decode(request, CeremonyRequest)
    limit_lookups(request)
    h, code = hall_of(request), request.path_params["code"]
    return JSONResponse(await verified(h, code, lambda: h.store.write(ceremonies.join, code, req.verify, req.session)))


async def get_ballot(request: Request) -> Response:
    """
    summary: A ballot's rules, window, seed hash; after the draw the seed and the result (entry codes, masked names)
    responses:
      200: {description: the ballot}
      404: {description: ballot_not_found}
    """
    return JSONResponse(await hall_of(request).store.read(ballot.view, request.path_params["ballot"]))


async def enter(request: Request) -> Response:
    """
    summary: Register a couple for a ballot (proof of work unless a kiosk or staff)
    responses:
      201: {description: "{entry_code, status, ...}"}
      403: {description: pow_required, pow_invalid, booking_blocked}
      404: {description: ballot_not_found, unknown_ceremony}
      409: {description: ballot_closed, already_entered, duplicate_booking}
      410: {description: "card_expired (an applicant's card read at a kiosk)"}
      422: {description: invalid_input, invalid_id_number, invalid_phone, under_marriage_age, not_man_and_woman,
        same_person}
    """
    req = await body.decode(request, EntryRequest)
    h = hall_of(request)
    people = await admitted(request, req.applicants)
    result = await h.store.write(ballot.enter, request.path_params["ballot"], people, req.ceremony)
    use_cards(request, req.applicants)
    return JSONResponse(result, status_code=201)


async def _entry_verified(request: Request, attempt: Any) -> Any:
    """A wrong code or verification counts against the code, as for bookings (web/guard/guesses.py)."""
    limit_lookups(request)
    return await verified(hall_of(request), request.path_params["code"], attempt, EntryNotFound, warn=False)


async def get_entry(request: Request) -> Response:
    """
    summary: An entry by its code plus the last 4 of an ID number or a phone
    parameters:
      - {name: verify, in: query, required: true, schema: {type: string}}
    responses:
      200: {description: "the entry: status, position, confirm_by, the booking once won"}
      404: {description: entry_not_found}
    """
    p, verify = request.path_params, request.query_params.get("verify", "")
    h = hall_of(request)
    return JSONResponse(
        await _entry_verified(request, lambda: h.store.read(ballot.lookup, p["ballot"], p["code"], verify))
    )


async def confirm(request: Request) -> Response:
    """
    summary: Confirm the place a ballot offered (code plus verification), within the set time
    responses:
      200: {description: the entry, confirmed}
      404: {description: entry_not_found}
      409: {description: not_confirmable}
    """
    req = await body.decode(request, Confirm)
    p, h = request.path_params, hall_of(request)
    return JSONResponse(
        await _entry_verified(request, lambda: h.store.write(offers.confirm, p["ballot"], p["code"], req.verify))
    )


async def run_draw(request: Request) -> Response:
    """
    summary: Draw a ballot now, at or after its draw time (supervisor; housekeeping does it by itself)
    responses:
      200: {description: the ballot with its result}
      409: {description: ballot_closed}
    """
    h = hall_of(request)
    b = h.config.peak.ballot(request.path_params["ballot"])
    await require(request, *SUPERVISORS, site=b[0].site if b else None)
    await body.decode(request, body.Empty)
    return JSONResponse(await h.store.write(offers.run, request.path_params["ballot"]))


async def peak_stats(request: Request) -> Response:
    """
    summary: Peak days of a site - demand (entries, attempts) against places, no-shows, ceremonies held (supervisor)
    parameters:
      - {name: from, in: query, schema: {type: string, format: date}}
      - {name: to, in: query, schema: {type: string, format: date}}
    responses:
      200: {description: "[{date, places, entries, attempts, demand_per_place, booked, no_show, ceremonies_held, ...}]"}
    """
    site = request.path_params["site"]
    await require(request, *SUPERVISORS, site=site)
    h = hall_of(request)
    if h.config.site(site) is None:
        raise UnknownSite.of(site)
    q = request.query_params
    start, end = parse_date(request, q.get("from") or "2000-01-01"), parse_date(request, q.get("to") or "2099-12-31")
    return JSONResponse(await h.store.read(stats.peak_days, site, start, end))


routes = [
    Route("/sites/{site}/peak-stats", peak_stats),
    Route("/sites/{site}/ceremonies", day_ceremonies),
    Route("/sites/{site}/ceremonies", edit_ceremony, methods=["POST"]),
    Route("/appointments/{code}/ceremony", join_ceremony, methods=["POST"]),
    Route("/ballots/{ballot}", get_ballot),
    Route("/ballots/{ballot}/entries", enter, methods=["POST"]),
    Route("/ballots/{ballot}/entries/{code}", get_entry),
    Route("/ballots/{ballot}/entries/{code}/confirm", confirm, methods=["POST"]),
    Route("/ballots/{ballot}/draw", run_draw, methods=["POST"]),
]
