"""The proof of work of public booking and ballot entries over HTTP (core/peak/pow.py): a challenge
out, a solution back in the ``X-Altcha`` header; kiosks and staff are exempt."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.peak import pow
from web.deps import STAFF, caller, hall_of

EXEMPT = ("kiosk", *STAFF)  # a kiosk's device token or a staff token books without the proof of work


def guard(request: Request) -> pow.Guard:
    """The process's proof-of-work guard (its used solutions live in memory), made on first use."""
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
    g.check(request.headers.get("x-altcha"))


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
