"""The JSON API under /api/v1 (SPEC 7): requests in, core calls, JSON out.

Docstrings after ``---`` are the OpenAPI description of each route.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.schemas import SchemaGenerator

from core import accounts
from core.accounts import Principal
from core.errors import TicketNotFound
from core.model import Ticket
from core.queue import counters, desk, tickets, views
from core.store.db import Reader
from web import body
from web.deps import STAFF, counter_site, hall_of, require, site_scope
from web.guard.limits import client_address
from web.live import kiosk_link

B = TypeVar("B", bound="Identified")


# -- request bodies ----------------------------------------------------------------------
class Identified(body.Body):
    """A request that names a person: typed, or by a card read at the calling kiosk."""

    id_number: str | None = None
    card: str | None = None  # one-time token of an ID card read at this kiosk (web/live/kiosk_link.py)


class TicketRequest(Identified, kw_only=True):
    service: str
    priority: Literal["normal", "elderly", "disabled", "pregnant", "military"] = "normal"
    phone: str | None = None  # told by SMS when the turn is near (core/notify.py); sealed, never shown


class Login(body.Body):
    username: str
    password: str


class Transfer(body.Body):
    service: str | None = None
    counter: str | None = None
    position: Literal["front", "arrival"] = "arrival"


class Pause(body.Body):
    reason: Literal["break", "meeting", "fault", "helping"]


class Reinstate(body.Body):
    number: str
    position: Literal["front", "arrival"] = "arrival"


# A number's request body, as a kiosk sends it for a number here and a phone or a place kiosk for a
# remote number (web/api/remote.py: the same but for priority, which only a center's kiosk asks).
TICKET_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["service"],
    "additionalProperties": False,
    "properties": {
        "service": {"type": "string"},
        "id_number": {"type": "string", "description": "18-character resident ID number"},
        "card": {"type": "string", "description": "one-time token of a card read at this kiosk, not with id_number"},
        "priority": {"type": "string", "enum": ["normal", "elderly", "disabled", "pregnant", "military"]},
        "phone": {"type": "string", "description": "mainland mobile: an SMS when the turn is near"},
    },
}
REMOTE_BODY = {**TICKET_BODY, "properties": {k: v for k, v in TICKET_BODY["properties"].items() if k != "priority"}}
schemas = SchemaGenerator(
    {
        "openapi": "3.0.0",
        "info": {"title": "Hall queue and kiosk API", "version": "1"},
        "components": {"schemas": {"TicketRequest": TICKET_BODY, "RemoteTicketRequest": REMOTE_BODY}},
    }
)


def base_url(request: Request) -> str:
    """The configured public address (links and QR codes never come from the Host header)."""
    return str(hall_of(request).public_url)


async def list_sites(request: Request) -> Response:
    """
    summary: All sites with whether each is open now
    responses:
      200: {description: "[{id, name, name_en, kind, open_now}]"}
    """

    def read(r: Reader) -> list[dict[str, Any]]:
        return [views.site_summary(r, s) for s in r.config.sites]

    return JSONResponse(await hall_of(request).store.read(read))


async def site_detail(request: Request) -> Response:
    """
    summary: A site with its services, counters, kiosks and displays
    responses:
      200: {description: the site}
      404: {description: unknown_site}
    """
    return JSONResponse(await hall_of(request).store.read(views.site_detail, request.path_params["site"]))


async def site_services(request: Request) -> Response:
    """
    summary: Services of a site with waiting counts and estimated waits
    responses:
      200: {description: "[{id, prefix, name, waiting, estimated_wait_minutes, walk_in}]"}
      404: {description: unknown_site}
    """

    def read(r: Reader, site_id: str) -> list[dict[str, Any]]:
        return views.services_view(r, views.site_or_raise(r, site_id))

    return JSONResponse(await hall_of(request).store.read(read, request.path_params["site"]))


async def issue_ticket(request: Request) -> Response:
    """
    summary: Take a number (kiosk device token or staff token)
    requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/TicketRequest"}}}}
    responses:
      201: {description: the new ticket}
      200: {description: the live ticket this identity already holds (existing true)}
      401: {description: unauthenticated}
      403: {description: another site's device or staff}
      404: {description: unknown_site or unknown_service}
      409: {description: site_closed, appointment_only, daily_cap_reached}
      410: {description: card_expired}
      422: {description: invalid_input, invalid_id_number, invalid_phone}
    """
    site_id = request.path_params["site"]
    who, req, id_number = await at_the_site(request, TicketRequest)
    h = hall_of(request)
    if id_number:
        await h.limits.identity("ticket", id_number, h.config.limits.tickets_per_identity_per_hour)
    source = "kiosk" if who.role == "kiosk" else "counter"
    issued, view = await h.store.write(
        tickets.issue_and_view,
        base_url(request),
        site_id,
        req.service,
        source=source,
        actor=who.name,
        priority=req.priority,
        id_number=id_number,
        device=who.name if who.is_device else None,
        phone=req.phone,
    )
    view["existing"] = issued.existing
    if req.card is not None:
        hall_of(request).kiosks.consume(req.card)
    if who.role == "kiosk":
        view["print"] = await kiosk_link.print_ticket(request, who, view, issued.existing)
    return JSONResponse(view, status_code=200 if issued.existing else 201)


async def at_the_site(request: Request, schema: type[B]) -> tuple[Principal, B, str | None]:
    """A kiosk or staff of the path's site within its rate, the body, and the ID number it names
    (typed, or the card's read at this kiosk).

    :raises ApiError: 422 for a card and a number both, 410 for a card read expired or elsewhere.
    """
    who = await require(request, "kiosk", *STAFF, site=request.path_params["site"])
    req = await body.decode(request, schema)
    await limit_caller(request, who)
    if req.card is None:
        return who, req, req.id_number
    return who, req, kiosk_link.card_identity(request, who, req.card, req.id_number).id_number


async def limit_caller(request: Request, who: Principal) -> None:
    """Devices are limited per device (a hall's kiosks may share one address), others per address."""
    h = hall_of(request)
    if who.is_device:
        await h.limits.device(who.name)
    else:
        h.limits.address(request, "ticket", h.config.limits.tickets_per_address_per_minute)


async def get_ticket(request: Request) -> Response:
    """
    summary: One ticket by its unguessable id
    responses:
      200: {description: the ticket with status, people_ahead and counter once called}
      404: {description: ticket_not_found}
    """

    def read(r: Reader, ticket_id: str, base: str) -> dict[str, Any]:
        view = views.holder_of(r, ticket_id, base)
        if view is None:
            raise TicketNotFound("没有这张票 / no such ticket")
        return view

    return JSONResponse(await hall_of(request).store.read(read, request.path_params["id"], base_url(request)))


# -- counters --------------------------------------------------------------------------
async def get_counter(request: Request) -> Response:
    """
    summary: A counter's state, its ticket in hand and its waiting list (staff)
    responses:
      200: {description: "{counter, ticket, waiting}"}
    """
    site_id = counter_site(request)
    await require(request, *STAFF, site=site_id)
    return JSONResponse(
        await hall_of(request).store.read(desk.state, request.path_params["counter"], base_url(request))
    )


def counter_action(
    fn: Callable[..., Any], schema: type[Any] | None = None, to_args: Callable[[Any], dict[str, Any]] | None = None
) -> Callable[..., Any]:
    """An endpoint for one counter action: auth, body, the write, then the counter's new state."""

    async def endpoint(request: Request) -> Response:
        counter_id = request.path_params["counter"]
        site_id = counter_site(request)
        who: Principal = await require(request, *STAFF, site=site_id)
        req = await body.decode(request, schema or body.Empty)
        args = to_args(req) if to_args else {}
        h = hall_of(request)
        if fn is counters.open_counter:
            args["clerk_site"] = site_scope(who)
        if fn is counters.close_counter and who.role in ("supervisor", "admin"):
            args["force"] = True
        result = await h.store.write(fn, counter_id, who.name, **args)
        ticket_id = result.id if isinstance(result, Ticket) else None
        if isinstance(result, counters.Called):
            ticket_id = result.ticket.id if result.ticket else None
        state = await h.store.read(desk.state, counter_id, base_url(request), ticket_id)
        if isinstance(result, counters.Called):
            state["reason"] = result.reason
            if result.ticket is None:
                state["ticket"] = None
        return JSONResponse(state)

    endpoint.__doc__ = f"""
    summary: Counter action {fn.__name__.replace("_", "-")} (clerk signed in at this counter)
    responses:
      200: {{description: "{{counter, ticket}} (call-next adds reason)"}}
      401: {{description: unauthenticated}}
      403: {{description: not_signed_in or forbidden}}
      404: {{description: unknown_counter}}
      409: {{description: counter_busy, no_current_ticket, invalid_transition, recall_limit, counter_not_open}}
    """
    return endpoint


def _transfer_args(t: Transfer) -> dict[str, Any]:
    return {"service": t.service, "to_counter": t.counter, "position": t.position}


# -- auth ------------------------------------------------------------------------------
async def token(request: Request) -> Response:
    """
    summary: Sign in with a username and password; returns a bearer token
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [username, password]
            additionalProperties: false
            properties:
              username: {type: string}
              password: {type: string}
    responses:
      200: {description: "{token, role, site, expires_at}"}
      401: {description: bad_credentials}
    """
    req = await body.decode(request, Login)
    h = hall_of(request)
    h.limits.address(request, "login", h.config.limits.logins_per_address_per_minute)
    tok, who, expires = await h.login(req.username, req.password, client_address(request, h.config.limits))
    return JSONResponse(
        {
            "token": tok,
            "role": who.role,
            "site": who.site,
            "username": who.name,
            "expires_at": expires.isoformat(timespec="seconds"),
        }
    )


async def logout(request: Request) -> Response:
    """
    summary: Revoke the bearer token used for this request
    responses:
      204: {description: revoked}
    """
    await require(request, *STAFF)
    tok = request.headers["authorization"].partition(" ")[2].strip()
    await hall_of(request).store.write(accounts.revoke_token, tok)
    hall_of(request).tokens.forget(tok)
    return Response(status_code=204)


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
COMMON_ERRORS = {
    "400": "malformed_json",
    "401": "unauthenticated",
    "403": "forbidden",
    "404": "not_found",
    "405": "method_not_allowed",
    "409": "conflict",
    "413": "body_too_large",
    "422": "invalid_input",
    "429": "rate_limited (Retry-After)",
}


def complete(doc: dict[str, Any]) -> dict[str, Any]:
    """Declare path parameters and the error answers every operation can give."""
    for path, ops in doc.get("paths", {}).items():
        names = re.findall(r"\{(\w+)\}", path)  # "/voice/guide/{key}.wav" too
        for op in ops.values():
            params = op.setdefault("parameters", [])
            have = {p["name"] for p in params}
            params += [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                for n in names
                if n not in have
            ]
            responses = op.setdefault("responses", {})
            for status, text in COMMON_ERRORS.items():
                entry = responses.setdefault(status, {"description": text})
                entry.setdefault("content", {"application/json": {"schema": ERROR_SCHEMA}})
            for status, entry in list(responses.items()):
                responses[str(status)] = responses.pop(status) if not isinstance(status, str) else entry
    return doc


async def openapi(request: Request) -> Response:
    api: list[BaseRoute] = [r for r in request.app.routes if isinstance(r, Mount) and r.path == "/api/v1"]
    return JSONResponse(complete(schemas.get_schema(api)))


routes = [
    Route("/sites", list_sites),
    Route("/sites/{site}", site_detail),
    Route("/sites/{site}/services", site_services),
    Route("/sites/{site}/tickets", issue_ticket, methods=["POST"]),
    Route("/tickets/{id}", get_ticket),
    Route("/counters/{counter}", get_counter),
    Route("/counters/{counter}/open", counter_action(counters.open_counter), methods=["POST"]),
    Route("/counters/{counter}/close", counter_action(counters.close_counter), methods=["POST"]),
    Route("/counters/{counter}/call-next", counter_action(counters.call_next), methods=["POST"]),
    Route("/counters/{counter}/recall", counter_action(counters.recall), methods=["POST"]),
    Route("/counters/{counter}/start", counter_action(counters.start), methods=["POST"]),
    Route("/counters/{counter}/done", counter_action(counters.done), methods=["POST"]),
    Route("/counters/{counter}/no-show", counter_action(counters.no_show), methods=["POST"]),
    Route(
        "/counters/{counter}/transfer",
        counter_action(counters.transfer, Transfer, _transfer_args),
        methods=["POST"],
    ),
    Route(
        "/counters/{counter}/pause",
        counter_action(counters.pause, Pause, lambda p: {"reason": p.reason}),
        methods=["POST"],
    ),
    Route("/counters/{counter}/resume", counter_action(counters.resume), methods=["POST"]),
    Route(
        "/counters/{counter}/reinstate",
        counter_action(counters.reinstate, Reinstate, lambda r: {"number": r.number, "position": r.position}),
        methods=["POST"],
    ),
    Route("/auth/token", token, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
    Route("/openapi.json", openapi, include_in_schema=False),
]
