"""Core errors to HTTP: one table, one JSON shape ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core import errors as e
from web.render import error_page

log = logging.getLogger("hall.web")
STATUS: list[tuple[type[e.HallError], int]] = [
    (e.InvalidInput, 422),
    (e.NotFound, 404),
    (e.Unauthenticated, 401),
    (e.Forbidden, 403),
    (e.Conflict, 409),
    (e.StoreClosed, 503),
]


class ApiError(e.HallError):
    """An error raised by the web layer itself (bad JSON, body too large...)."""

    def __init__(self, status: int, code: str, message: str, **details: object) -> None:
        super().__init__(message, **details)
        self.status = status
        self.code = code


def error_response(
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    details: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {**(details or {}), "code": code, "message": message}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def status_for(exc: e.HallError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


async def hall_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.HallError)
    retry = exc.details.get("retry_after")
    headers = {"Retry-After": str(retry)} if retry is not None else None
    return error_response(status_for(exc), exc.code, exc.message, headers=headers, details=exc.details)


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 400: "bad_request"}


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)
    # pages get a readable page

    return error_page(request, exc.status_code, str(exc.detail))


async def server_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, sqlite3.IntegrityError):  # a uniqueness rule of the schema held the line
        return error_response(409, "conflict", "与现有记录冲突 / conflicts with an existing record")
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "服务器内部错误 / internal server error")
