"""The proof of work of public booking and ballot entries over HTTP (core/peak/pow.py): a challenge
out, a solution back in the ``X-Altcha`` header; kiosks and staff are exempt."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core import shared_limits
from core.peak import pow
from web.deps import STAFF, caller, hall_of

EXEMPT = ("kiosk", *STAFF)  # a kiosk's device token or a staff token books without the proof of work


def guard(request: Request) -> pow.Guard:
    """The process's proof-of-work guard, made on first use (used solutions: in its memory on
    SQLite, in the database with several processes on PostgreSQL)."""
    state = request.app.state
    found: pow.Guard | None = getattr(state, "peak_pow", None)
    if found is None:
        h = hall_of(request)
        found = state.peak_pow = pow.Guard(h.secret, h.clock, h.config.peak)
    return found


async def require_pow(request: Request) -> None:
    """Public callers send a solved challenge in ``X-Altcha``; kiosks and staff are exempt.

    :raises PowRequired, PowInvalid: (core/peak/pow.py).
    """
    g = guard(request)
    if not g.on:
        return
    who = await caller(request)
    if who is not None and who.role in EXEMPT:
        return
    h = hall_of(request)
    if h.relay is None:  # one process owns the database: its memory knows every used solution
        g.check(request.headers.get("x-altcha"))
        return
    solved = g.verify(request.headers.get("x-altcha"))
    if solved is not None and not await h.store.write(shared_limits.spend_pow, *solved):
        raise pow.replayed()  # spent on this process or another (the database's pow_used)


async def challenge(request: Request) -> Response:
    """
    summary: A proof-of-work challenge (ALTCHA v1 JSON) for a booking or a ballot entry
    responses:
      200: {description: "{algorithm, challenge, maxnumber, salt, signature}; solved, it goes back base64 in X-Altcha"}
    """
    h = hall_of(request)
    h.limits.address(request, "pow", 4 * h.config.limits.bookings_per_address_per_minute)
    return JSONResponse(guard(request).challenge(), headers={"Cache-Control": "no-store"})


routes = [Route("/pow/challenge", challenge)]
