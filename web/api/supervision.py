"""Supervision API under /api/v1: 好差评 ratings (pad and phone), follow-ups, the live hall
view, statistics (JSON or CSV) and staffing help.

Who may call what is in docs/security.md; the pad's device authorization in
docs/statistics.md. Docstrings after ``---`` are the OpenAPI description of each route.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.accounts import Principal
from core.days.hours import local_day
from core.errors import InvalidInput, UnknownSite
from core.matters import rating as matter_rating
from core.store.db import Reader
from core.supervision import evaluation, hall, staffing, stats, stats_report
from web import body
from web.api.exports import csv_response
from web.deps import SUPERVISORS, counter_site, hall_of, require


class RatingBody(body.Body):
    grade: int
    reason: str | None = None
    comment: str | None = None


class PadRating(RatingBody, kw_only=True):
    number: str


class Followup(body.Body):
    contacted: bool
    result: str
    resident_view: str | None = None


async def supervisor(request: Request, site_id: str) -> Principal:
    """The caller, a supervisor who may see ``site_id`` (``can_see``), or an admin.

    :raises Unauthenticated: no or unknown token.
    :raises Forbidden: another role, or another site's supervisor.
    """
    return await require(request, *SUPERVISORS, site=site_id)


def int_param(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number", field=name) from None
    if not lo <= value <= hi:
        raise InvalidInput(f"{name} must be {lo} to {hi}", field=name)
    return value


def _site(request: Request) -> str:
    site_id = str(request.path_params["site"])
    if hall_of(request).config.site(site_id) is None:
        raise UnknownSite.of(site_id)
    return site_id


# -- 好差评 on the phone page (the unguessable ticket id is the authority) -------------------
async def ticket_evaluation(request: Request) -> Response:
    """
    summary: Whether this ticket may be rated now, and the grades and reasons to offer
    responses:
      200: {description: "{evaluable, evaluated, grade, grades, reasons, matters (一事一评: the visit's 办件)}"}
      404: {description: ticket_not_found}
    """
    return JSONResponse(await hall_of(request).store.read(matter_rating.ticket_state, request.path_params["id"]))


async def rate_ticket(request: Request) -> Response:
    """
    summary: Rate a finished ticket from its phone page (once)
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [grade]
            additionalProperties: false
            properties:
              grade: {type: integer, minimum: 1, maximum: 5}
              reason: {type: string, enum: [wait, attitude, slow, unclear, again, system, other]}
              comment: {type: string, maxLength: 300}
    responses:
      201: {description: the rating}
      404: {description: ticket_not_found}
      409: {description: already_evaluated, not_evaluable}
      422: {description: invalid_input (grades 1-2 need a reason)}
    """
    req = await body.decode(request, RatingBody)
    h = hall_of(request)
    h.limits.address(request, "rating", h.config.limits.tickets_per_address_per_minute)
    rating = evaluation.check(req.grade, req.reason, req.comment)
    out = await h.store.write(matter_rating.rate_ticket, request.path_params["id"], rating)
    return JSONResponse(out, status_code=201)


# -- 好差评 on a counter's pad (a display device token of the counter's site) ---------------
async def pad_state(request: Request) -> Response:
    """
    summary: What the counter's pad shows (the ticket just finished there, if it may be rated)
    responses:
      200: {description: "{counter, site, pending, grades, reasons}"}
      404: {description: unknown_counter}
    """
    await require(request, "display", *SUPERVISORS, site=counter_site(request))
    return JSONResponse(await hall_of(request).store.read(matter_rating.pad_state, request.path_params["counter"]))


async def pad_rate(request: Request) -> Response:
    """
    summary: The resident rates on the counter's pad (display device token of the site only)
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [number, grade]
            additionalProperties: false
            properties:
              number: {type: string}
              grade: {type: integer, minimum: 1, maximum: 5}
              reason: {type: string}
              comment: {type: string, maxLength: 300}
    responses:
      201: {description: the rating}
      404: {description: unknown_counter, ticket_not_found}
      409: {description: already_evaluated, not_evaluable}
      422: {description: invalid_input}
    """
    who = await require(request, "display", site=counter_site(request))
    req = await body.decode(request, PadRating)
    h = hall_of(request)
    await h.limits.device(who.name)
    rating = evaluation.check(req.grade, req.reason, req.comment)
    out = await h.store.write(
        matter_rating.rate_at_counter, request.path_params["counter"], req.number, rating, device=who.name
    )
    return JSONResponse(out, status_code=201)


# -- supervisors ------------------------------------------------------------------------
async def hall_state(request: Request) -> Response:
    """
    summary: The live hall for supervisors (counters with clerks, waiting list with arrival times, alerts)
    responses:
      200: {description: "{seq, counters, services, waiting, bad, help, devices}"}
    """
    site_id = _site(request)
    await supervisor(request, site_id)
    return JSONResponse(await hall_of(request).store.read(hall.hall_view, site_id))


def _range(request: Request, r: Reader) -> tuple[Any, Any]:
    q = request.query_params
    return stats.day_range(q.get("from"), q.get("to"), local_day(r.now))


async def evaluations_list(request: Request) -> Response:
    """
    summary: Ratings of a site over a date range with reasons and follow-ups (bad=1 for bad ones only)
    responses:
      200: {description: "[{day, number, counter, clerk, grade, reason, comment, followups}]"}
    """
    site_id = _site(request)
    await supervisor(request, site_id)
    bad_only = request.query_params.get("bad") in ("1", "true")

    def read(r: Reader) -> list[dict[str, Any]]:
        start, end = _range(request, r)
        return evaluation.bad_ratings(r, site_id, stats.midnight(start), stats.midnight(end) + 86400, bad_only=bad_only)

    return JSONResponse(await hall_of(request).store.read(read))


async def add_followup(request: Request) -> Response:
    """
    summary: Record the follow-up of a bad rating (contacted, result, the resident's view of the fix)
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [contacted, result]
            additionalProperties: false
            properties:
              contacted: {type: boolean}
              result: {type: string, maxLength: 300}
              resident_view: {type: string, enum: [satisfied, partly, unsatisfied, unknown]}
    responses:
      201: {description: the follow-up}
      404: {description: evaluation_not_found}
      422: {description: invalid_input}
    """
    site_id = _site(request)
    who = await supervisor(request, site_id)
    req = await body.decode(request, Followup)
    p = request.path_params
    out = await hall_of(request).store.write(
        evaluation.add_followup, site_id, p["day"], p["number"], who.name,
        contacted=req.contacted, result=req.result, resident_view=req.resident_view,
    )  # fmt: skip
    return JSONResponse(out, status_code=201)


async def site_stats(request: Request) -> Response:
    """
    summary: Statistics of a site over a date range (from, to inclusive); format=csv&table=... for CSV
    responses:
      200: {description: "totals, services, counters, clerks, heatmap, pauses, appointments, satisfaction"}
      422: {description: invalid_input}
    """
    site_id = _site(request)
    await supervisor(request, site_id)
    return await stats_response(request, site_id)


async def stats_response(request: Request, site_id: str) -> Response:
    """The statistics as JSON, or one table as CSV (``format=csv&table=...``): API and pages."""
    fmt = request.query_params.get("format", "json")
    if fmt not in ("json", "csv"):
        raise InvalidInput("format must be json or csv", field="format")
    table = request.query_params.get("table", "services")

    def read(r: Reader) -> dict[str, Any]:
        start, end = _range(request, r)
        data = stats_report.site_stats(r, site_id, start, end)
        if fmt == "csv" and table == "evaluations":
            data["evaluations"] = evaluation.bad_ratings(
                r, site_id, stats.midnight(start), stats.midnight(end) + 86400, bad_only=False
            )
        return data

    data = await hall_of(request).store.read(read)
    if fmt == "csv":
        return csv_response(request, data, table)
    return JSONResponse(data)


async def site_staffing(request: Request) -> Response:
    """
    summary: Staffing help for a weekday (0 = Monday) from past weeks; Erlang C for a target mean wait
    responses:
      200: {description: "{days, service_minutes, hours: [{label, arrivals_per_hour, open_counters, needed_counters}]}"}
      422: {description: invalid_input}
    """
    site_id = _site(request)
    await supervisor(request, site_id)
    q = request.query_params
    weekday = int_param(request, "weekday", -1, 0, 6)
    weeks = int_param(request, "weeks", 8, 1, 52)
    target = int_param(request, "target", 10, 1, 240)

    def read(r: Reader) -> dict[str, Any]:
        day = weekday if weekday >= 0 else local_day(r.now).weekday()
        return staffing.plan(r, site_id, day, target_minutes=target, weeks=weeks, until=q.get("until") or None)

    return JSONResponse(await hall_of(request).store.read(read))


routes = [
    Route("/tickets/{id}/evaluation", ticket_evaluation),
    Route("/tickets/{id}/evaluation", rate_ticket, methods=["POST"]),
    Route("/counters/{counter}/pad", pad_state),
    Route("/counters/{counter}/pad", pad_rate, methods=["POST"]),
    Route("/sites/{site}/hall", hall_state),
    Route("/sites/{site}/evaluations", evaluations_list),
    Route("/sites/{site}/evaluations/{day}/{number}/followups", add_followup, methods=["POST"]),
    Route("/sites/{site}/stats", site_stats),
    Route("/sites/{site}/staffing", site_staffing),
]
