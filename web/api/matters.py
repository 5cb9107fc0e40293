"""Matters (办件) over HTTP (SPEC 6c and 7): accepted by the clerk serving a ticket, moved along by the
staff of the site that holds them, followed by the resident with the code and the last 4 of the ID.

Staff see a matter when they may see either of its centers (``can_see``); to anyone else a matter
does not exist (404). The resident's look-up and rating are limited per address and per code
(web/guard/guesses.py), like a booking's.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import os
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.accounts import Principal
from core.days.dates import parse_day
from core.days.hours import local_day
from core.errors import InvalidInput, MatterNotFound, NoCurrentTicket
from core.matters import board, catalogue, export, lifecycle, rating, views
from core.store.secret import data_dir
from core.supervision import evaluation
from web import body
from web.api.exports import safe_cell
from web.deps import STAFF, SUPERVISORS, Hall, can_see, counter_site, hall_of, require
from web.errors import ApiError
from web.guard import guesses
from web.guard.guesses import verified

ACTIONS = tuple(lifecycle.ACTIONS)


class AcceptBody(body.Body):
    item: str
    paper: list[int] = msgspec.field(default_factory=list)
    licence: list[int] = msgspec.field(default_factory=list)
    id_number: str | None = None
    home_site: str | None = None
    phone: str | None = None
    note: str | None = None


class StepBody(body.Body):
    note: str | None = None
    missing: list[int] = msgspec.field(default_factory=list)  # return: the documents missing
    paper: list[int] = msgspec.field(default_factory=list)  # reopen: the documents brought
    licence: list[int] = msgspec.field(default_factory=list)


class MatterRating(body.Body):
    verify: str
    grade: int
    reason: str | None = None
    comment: str | None = None


class FollowupBody(body.Body):
    result: str


class PrintBody(body.Body):
    kiosk: str


def _may(who: Principal) -> lifecycle.May:
    return lambda site: can_see(who, site)


async def catalogue_list(request: Request) -> Response:
    """
    summary: The catalogue of matters (事项目录), optionally of one service, with e-licence marks
    responses:
      200: {description: "[{id, name, service, days, processed, documents: [{name, elicence, optional}]}]"}
    """
    service = request.query_params.get("service")
    items = hall_of(request).config.matters
    return JSONResponse([catalogue.public(m) for m in items if service is None or m.service == service])


async def accept(request: Request) -> Response:
    """
    summary: Open a matter for the ticket being served at this counter (the clerk signed in there)
    responses:
      201: {description: "the matter: {id, code, item, status (accepted, or returned with missing), due, ...}"}
      404: {description: unknown_counter, unknown_item, unknown_site}
      409: {description: no_current_ticket}
      422: {description: "invalid_input (documents, home_site, id_number), invalid_id_number, invalid_phone"}
    """
    who = await require(request, *STAFF, site=counter_site(request))
    req = await body.decode(request, AcceptBody)
    h = hall_of(request)
    intake = lifecycle.Intake(req.item, req.paper, req.licence, req.id_number, req.home_site, req.phone, req.note)
    code = await h.store.write(lifecycle.accept, request.path_params["counter"], who.name, intake)
    return JSONResponse(await h.store.read(views.staff_view, code, _may(who)), status_code=201)


async def at_counter(request: Request) -> Response:
    """
    summary: The matters of the ticket served at this counter, and its holder's ready ones to collect here
    responses:
      200: {description: "{ticket (null between visits), matters, to_collect, items, sites}"}
    """
    who = await require(request, *STAFF, site=counter_site(request))
    counter = request.path_params["counter"]

    def read(r: Any) -> dict[str, Any]:
        try:
            site, t = lifecycle.serving_ticket(r, counter, who.name)
        except NoCurrentTicket:  # between visits: nothing to show, not an error
            return {"ticket": None, "matters": [], "to_collect": [], "items": [], "sites": []}
        out = views.at_counter(r, site.id, t.id)
        items = [catalogue.public(m) for m in r.config.matters if m.service in site.services]
        homes = [{"id": s.id, "name": s.name, "name_en": s.name_en} for s in r.config.sites if s.kind == "community"]
        return {"ticket": {"id": t.id, "number": t.number, "service": t.service}, **out, "items": items, "sites": homes}

    return JSONResponse(await hall_of(request).store.read(read))


async def step(request: Request) -> Response:
    """
    summary: "One step of a matter: hand-off, start, ready, deliver, return {missing}, reject {note}, reopen {paper}"
    responses:
      200: {description: the matter after the step}
      404: {description: "matter_not_found (also when neither of its centers is the caller's)"}
      409: {description: invalid_transition, documents_missing}
      422: {description: invalid_input}
    """
    who = await require(request, *STAFF)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise MatterNotFound(f"未知操作 / unknown step {action!r}: {', '.join(ACTIONS)}")
    req = await body.decode(request, StepBody)
    h = hall_of(request)
    code = await h.store.write(lifecycle.act, request.path_params["id"], action, who.name, _may(who),
                               note=req.note, missing=req.missing, paper=req.paper, licence=req.licence)  # fmt: skip
    return JSONResponse(await h.store.read(views.staff_view, code, _may(who)))


async def _guarded(h: Hall, request: Request, code: str, attempt: Any) -> Any:
    """Code + 4 digits: limited per address, and per code (a lock after repeated misses)."""
    h.limits.address(request, "lookup", h.config.limits.bookings_per_address_per_minute)
    return await verified(h, code, attempt, MatterNotFound, warn=False)


class MatterCodeLocked(ApiError):
    """The guard's lock in a matter's words: it is the 办件编号 that is locked, not a booking code."""

    def __init__(self, locked: guesses.CodeLocked) -> None:
        retry = int(str(locked.details.get("retry_after") or 60))
        minutes = max(1, -(-retry // 60))
        super().__init__(429, "code_locked", f"该办件编号验证错误次数过多，已锁定，请 {minutes} 分钟后再试 / "
                         f"too many wrong verifications: this matter code is locked for {minutes} min",
                         retry_after=retry)  # fmt: skip


async def _followed(h: Hall, request: Request, code: str, attempt: Any) -> Any:
    """The resident's code + last 4 under the guess limit, a lock said as the matter code's."""
    try:
        return await _guarded(h, request, code, attempt)
    except guesses.CodeLocked as locked:
        raise MatterCodeLocked(locked) from None


async def show(request: Request) -> Response:
    """
    summary: "A matter: the resident with ?verify=<last 4 of the ID number>; staff of either center with a token"
    responses:
      200: {description: "{code, item_name, status, due, steps, missing, ...}; staff also see notes and actors"}
      401: {description: neither verify nor a staff token}
      404: {description: matter_not_found (a wrong code or digits answer the same)}
      429: {description: code_locked, rate_limited}
    """
    h, code = hall_of(request), request.path_params["id"]
    verify = request.query_params.get("verify")
    if verify is not None:
        out = await _followed(h, request, code, lambda: h.store.read(views.resident_view, code, verify))
        return JSONResponse({**out, **evaluation.labels()})
    who = await require(request, *STAFF)
    return JSONResponse(await h.store.read(views.staff_view, code, _may(who)))


async def rate(request: Request) -> Response:
    """
    summary: The resident rates a delivered matter (一事一评), once, with the code and the last 4
    responses:
      201: {description: "the rating: {code, grade, label}"}
      404: {description: matter_not_found (a wrong code or last 4 answer the same)}
      409: {description: "not_evaluable (not delivered, or more than 30 days ago), already_evaluated"}
      422: {description: invalid_input (grades 1-2 need a reason)}
      429: {description: "code_locked: the matter code, after five wrong last 4 in an hour"}
    """
    req = await body.decode(request, MatterRating)
    h, code = hall_of(request), request.path_params["id"]
    grade = evaluation.check(req.grade, req.reason, req.comment)
    out = await _followed(h, request, code, lambda: h.store.write(rating.rate_matter, code, req.verify, grade))
    return JSONResponse(out, status_code=201)


async def of_site(request: Request) -> Response:
    """
    summary: "A site's matters (accepted or processed there): ?status=a,b&due_before=YYYY-MM-DD"
    responses:
      200: {description: "[{code, item_name, status, due, urgency, accepted_site, processing_site, ...}]"}
    """
    site = request.path_params["site"]
    await require(request, *STAFF, site=site)
    statuses = [s for s in request.query_params.get("status", "").split(",") if s]
    if set(statuses) - set(views.STATUS):
        raise InvalidInput(f"status must be of {', '.join(views.STATUS)}", field="status")
    h = hall_of(request)
    raw = request.query_params.get("due_before")
    due = parse_day(raw, local_day(h.clock.now()), field="due_before", past=3660).isoformat() if raw else None
    return JSONResponse(await h.store.read(views.of_site, site, statuses, due))


async def site_board(request: Request) -> Response:
    """
    summary: 限时办结 for supervisors — open matters near or past due, per clerk, incoming, and bad-rating follow-ups
    responses:
      200: {description: "{open, near, overdue, by_clerk, incoming, followups}"}
    """
    site = request.path_params["site"]
    await require(request, *SUPERVISORS, site=site)

    def read(r: Any) -> dict[str, Any]:
        return {**board.site_board(r, site), "followups": rating.open_followups(r, site)}

    return JSONResponse(await hall_of(request).store.read(read))


async def site_stats(request: Request) -> Response:
    """
    summary: "On-time completion per item and processing site, with the matter ratings: ?from=&to=&format=csv"
    responses:
      200: {description: "{rows: [{item, processing_site, finished, on_time, on_time_rate, mean_grade}], ratings}"}
      422: {description: invalid_date}
    """
    site = request.path_params["site"]
    await require(request, *SUPERVISORS, site=site)
    h = hall_of(request)
    today = local_day(h.clock.now())
    first = parse_day(request.query_params.get("from") or today.isoformat(), today, field="from", past=3660)
    last = parse_day(request.query_params.get("to") or today.isoformat(), today, field="to", past=3660)
    if last < first or last - first > dt.timedelta(days=366):
        raise InvalidInput("from..to: at most a year, from first / from must come before to", field="to")
    report = await h.store.read(board.stats, site, first, last)
    if request.query_params.get("format") != "csv":
        return JSONResponse(report)
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in board.csv_rows(report):
        writer.writerow([safe_cell(v) for v in row])
    name = f"matters-{site}-{first}_{last}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(buf.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers)


async def print_receipt(request: Request) -> Response:
    """
    summary: Print a matter's receipt (受理回执) on the ESC/POS printer of a kiosk of the caller's center
    responses:
      202: {description: "{job, status: sent}; the agent acknowledges on the kiosk's page channel"}
      404: {description: matter_not_found}
      409: {description: "printer_unavailable (reason: agent_offline, printer_offline, paper_out, no_printer)"}
      422: {description: "invalid_input (kiosk: not a kiosk of a center the caller acts for)"}
    """
    who = await require(request, *STAFF)
    req = await body.decode(request, PrintBody)
    h = hall_of(request)
    found = h.config.device(req.kiosk)
    if found is None or found[1] != "kiosk" or not can_see(who, found[0].id):
        raise InvalidInput("不是本中心的自助机 / not a kiosk of your center", field="kiosk")
    m = await h.store.read(views.staff_view, request.path_params["id"], _may(who))
    slip = views.receipt_slip(m, h.clock.now(), f"{h.public_url}/m/{m['code']}", m["accepted"]["name"])
    result = await h.kiosks.send_job(req.kiosk, "matter", slip)
    if result["status"] == "sent":
        return JSONResponse(result, status_code=202)
    message = "该自助机的打印机暂不可用 / that kiosk's printer is not available"
    raise ApiError(409, "printer_unavailable", message, reason=result["reason"])


async def followup(request: Request) -> Response:
    """
    summary: Record what was done about a bad matter rating
    responses:
      200: {description: the rating with its follow-up}
      404: {description: matter_not_found}
    """
    who = await require(request, *SUPERVISORS)
    req = await body.decode(request, FollowupBody)
    try:
        rating_id = int(request.path_params["rating"])
    except ValueError:
        raise MatterNotFound("没有这条差评 / no such bad rating") from None
    out = await hall_of(request).store.write(rating.record_followup, rating_id, who.name, _may(who), req.result)
    return JSONResponse(out)


routes = [
    Route("/matters/catalogue", catalogue_list),
    Route("/counters/{counter}/matters", accept, methods=["POST"]),
    Route("/counters/{counter}/matters", at_counter),
    Route("/matters/{id}", show),
    Route("/matters/{id}/evaluation", rate, methods=["POST"]),
    Route("/matters/ratings/{rating}/followup", followup, methods=["POST"]),
    Route("/matters/{id}/print", print_receipt, methods=["POST"]),
    Route("/matters/{id}/{action}", step, methods=["POST"]),
    Route("/sites/{site}/matters", of_site),
    Route("/sites/{site}/matters/board", site_board),
    Route("/sites/{site}/matters/stats", site_stats),
]


_adapters: dict[tuple[str, str], export.Adapter] = {}  # one per configured adapter and file (a cache, not state)


def platform(hall: Hall) -> export.Adapter:
    """The 好差评 platform adapter: ``HALL_PLATFORM_ADAPTER`` or the JSON-lines file in the server's
    data folder, beside notifications.log (a SQLite file's folder; ``HALL_DATA_DIR`` on PostgreSQL)."""
    path = data_dir(hall.store.path) / "platform-evaluations.jsonl"
    spec = os.environ.get("HALL_PLATFORM_ADAPTER", "")
    key = (spec, str(path))
    if key not in _adapters:
        _adapters[key] = export.adapter(spec, path)
    return _adapters[key]


async def upkeep(hall: Hall) -> None:
    """Housekeeping of matters (web/app.py): the overdue alerts, retention, the platform export."""
    await hall.store.write(board.sweep_overdue)
    await hall.store.write(lifecycle.purge)
    rows = await hall.store.read(export.due)
    if rows:
        results = await asyncio.to_thread(export.deliver, platform(hall), rows)
        await hall.store.write(export.mark, results)
