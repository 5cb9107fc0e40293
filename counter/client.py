"""The hall's HTTP API over urllib (standard library only), 10 s timeouts.

Every failure becomes one of two exceptions: ``ApiError`` (the server answered with an
error: its ``code`` and ``message``) or ``Unreachable`` (no answer at all).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

TIMEOUT = 10.0


class ApiError(Exception):
    """The server's ``{"error": {"code", "message"}}`` with its HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{message} [{code}]")
        self.status = status
        self.code = code
        self.message = message


class Unreachable(Exception):
    """No answer from the server: refused, timed out, name not found, connection dropped."""


def error_from(status: int, raw: bytes) -> ApiError:
    """An ``ApiError`` from an error response's body, whatever shape it has (pure)."""
    try:
        err = json.loads(raw.decode("utf-8")).get("error") or {}
        return ApiError(status, str(err["code"]), str(err["message"]))
    except (ValueError, AttributeError, KeyError, TypeError):
        text = raw.decode("utf-8", "replace").strip()[:200] or "no details"
        return ApiError(status, f"http_{status}", f"服务器错误 / server error {status}: {text}")


def ws_url(base: str, site: str, since: int | None) -> str:
    """``http://h:p`` -> ``ws://h:p/ws/sites/{site}?since=N`` (pure)."""
    parts = urllib.parse.urlsplit(base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    query = "" if since is None else f"?since={since}"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/ws/sites/{urllib.parse.quote(site)}{query}"


class Api:
    def __init__(self, base: str, timeout: float = TIMEOUT) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.token: str | None = None

    def request(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON answer of ``method /api/v1{path}``.

        :raises ApiError: the server answered with an error status.
        :raises Unreachable: it did not answer.
        """
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(f"{self.base}/api/v1{path}", data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raise error_from(e.code, e.read()) from None
        except urllib.error.URLError as e:
            raise Unreachable(self._unreachable(e.reason)) from None
        except (OSError, ValueError) as e:  # timeouts, resets, a malformed URL
            raise Unreachable(self._unreachable(e)) from None
        try:
            return json.loads(raw) if raw.strip() else None
        except ValueError:
            raise ApiError(200, "bad_response", "服务器的回答不是 JSON / the server did not answer JSON") from None

    def _unreachable(self, reason: object) -> str:
        return f"✗ 无法连接服务器 / cannot reach the server at {self.base}: {reason}"

    def login(self, username: str, password: str) -> dict[str, Any]:
        """Sign in; keeps the bearer token for later requests."""
        answer: dict[str, Any] = self.request("POST", "/auth/token", {"username": username, "password": password})
        self.token = str(answer["token"])
        return answer

    def sites(self) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = self.request("GET", "/sites")
        return answer

    def site(self, site_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.request("GET", f"/sites/{urllib.parse.quote(site_id)}")
        return answer

    def counter(self, counter_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.request("GET", f"/counters/{urllib.parse.quote(counter_id)}")
        return answer

    def act(self, counter_id: str, action: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``POST /counters/{id}/{action}`` -> ``{counter, ticket, waiting, reason?}``."""
        answer: dict[str, Any] = self.request("POST", f"/counters/{urllib.parse.quote(counter_id)}/{action}", body)
        return answer
