"""Request bodies: bounded size, JSON only, decoded into typed schemas (unknown fields refused)."""

from __future__ import annotations

from typing import TypeVar

import msgspec
from starlette.requests import Request

from web.errors import ApiError

MAX_BODY = 16 * 1024
T = TypeVar("T")


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


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
