"""Request bodies: bounded size, JSON only, decoded into typed schemas (unknown fields refused)."""

from __future__ import annotations

from typing import Literal, TypeVar

import msgspec
from starlette.requests import Request

from web.errors import ApiError

MAX_BODY = 16 * 1024
T = TypeVar("T")


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class TicketRequest(Body):
    service: str
    id_number: str | None = None
    card: str | None = None  # one-time token of an ID card read at this kiosk (web/live/kiosk_link.py)
    priority: Literal["normal", "elderly", "disabled", "pregnant", "military"] = "normal"


class Login(Body):
    username: str
    password: str


class Transfer(Body):
    service: str | None = None
    counter: str | None = None
    position: Literal["front", "arrival"] = "arrival"


class Pause(Body):
    reason: Literal["break", "meeting", "fault", "helping"]


class Reinstate(Body):
    number: str
    position: Literal["front", "arrival"] = "arrival"


class Help(Body):
    kiosk: str | None = None


class Empty(Body):
    pass


async def read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, "body_too_large", f"请求过大 / request body over {MAX_BODY} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(413, "body_too_large", f"请求过大 / request body over {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def decode(request: Request, schema: type[T]) -> T:
    """The body as ``schema``; an empty body counts as ``{}``.

    :raises ApiError: 400 malformed JSON, 413 too large, 422 wrong fields or types.
    """
    raw = await read_body(request)
    if not raw.strip():
        raw = b"{}"
    try:
        return msgspec.json.decode(raw, type=schema)
    except msgspec.ValidationError as e:
        raise ApiError(422, "invalid_input", f"请求内容无效 / invalid request: {e}") from None
    except msgspec.DecodeError:
        raise ApiError(400, "malformed_json", "请求不是有效的 JSON / the body is not valid JSON") from None


class ApplicantIn(Body):
    name: str
    id_number: str
    phone: str


class BookingRequest(Body):
    site: str
    service: str
    start: str
    applicants: list[ApplicantIn]


class Verify(Body):
    verify: str


class RescheduleRequest(Body):
    verify: str
    start: str


class CheckInRequest(Body):
    code: str | None = None
    id_number: str | None = None
    card: str | None = None


class PrintRequest(Body):
    kind: Literal["guide", "appointment"]
    service: str | None = None
    matter: str | None = None
    code: str | None = None
    verify: str | None = None


class SlotOverride(Body):
    date: str
    capacity: int | None = None
    open: str | None = None
    close: str | None = None
    note: str = ""


class CalendarDay(Body):
    date: str
    kind: Literal["holiday", "workday"] | None = None
    note: str = ""
