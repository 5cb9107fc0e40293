"""Proof of work for public booking and ballot entries (SPEC 5b): ALTCHA challenges (PyPI ``altcha``,
its version 1 format, the one the browser solver speaks: static/js/booking/pow_worker.js).

A challenge is ``SHA-256(salt + number)`` for a secret number below ``max_number`` (config
``peak.pow_max_number``), signed with a key derived from the server secret, so the server keeps
nothing until a solution comes back. A solution is checked (one SHA-256 and one HMAC), its expiry
read from the signed salt against the hall's clock, and remembered until it expires: a solution
works once (in the process's memory on SQLite; in the database's ``pow_used`` with several
processes on PostgreSQL, web/api/pow.py). Kiosks and staff are exempt (web/api/peak.py decides who).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse
from typing import Any, cast

from altcha import v1 as altcha

from core.days.clock import Clock
from core.peak.errors import PowInvalid, PowRequired
from core.peak.settings import Peak

MAX_REMEMBERED = 1_000_000  # solutions kept for replay checks; each cost its sender the work


class Guard:
    """Challenges out, solutions in; one per server process (used ones kept in memory)."""

    def __init__(self, secret: bytes, clock: Clock, settings: Peak) -> None:
        self.key = hmac.new(secret, b"altcha-pow", hashlib.sha256).hexdigest()
        self.clock = clock
        self.settings = settings
        self._used: dict[str, float] = {}
        self._next_prune = 0.0

    @property
    def on(self) -> bool:
        return self.settings.pow_max_number > 0

    def challenge(self) -> dict[str, Any]:
        """A fresh challenge: ``{algorithm, challenge, maxnumber, salt, signature}`` (ALTCHA's JSON);
        ``{off: true}`` when the proof of work is turned off (nothing to solve)."""
        if not self.on:
            return {"off": True}
        expires = self.clock.now() + dt.timedelta(seconds=self.settings.pow_expires_seconds)
        c = altcha.create_challenge(
            altcha.ChallengeOptions(hmac_key=self.key, max_number=self.settings.pow_max_number, expires=expires)
        )
        return {"algorithm": c.algorithm, "challenge": c.challenge, "maxnumber": c.max_number, "salt": c.salt,
                "signature": c.signature}  # fmt: skip

    def check(self, payload: str | None) -> None:
        """Accept a solution once (remembered in this process: one process owns the database).

        :raises PowRequired: no solution sent. :raises PowInvalid: wrong, expired or used before.
        """
        solved = self.verify(payload)
        if solved is None:
            return
        signature, expires = solved
        if signature in self._used:
            raise replayed()
        self._remember(signature, expires, self.clock.now().timestamp())

    def verify(self, payload: str | None) -> tuple[str, float] | None:
        """A valid, unexpired solution's signature and expiry (None when the proof of work is off);
        whether it was used before is the caller's to ask (``check``, or the database's
        ``pow_used`` with several processes: web/api/pow.py).

        :raises PowRequired: no solution sent. :raises PowInvalid: wrong or expired.
        """
        if not self.on:
            return None
        if not payload:
            raise PowRequired(
                "请使用预约页面提交（页面会自动完成一项安全计算），或到自助机、拨打登记处电话预约 / "
                "send a solved challenge (GET /api/v1/pow/challenge, header X-Altcha) - the booking page does "
                "this by itself; or book at a kiosk or by phone"
            )
        if len(payload) > 2048:
            raise PowInvalid("安全校验无效 / the proof of work is not valid")
        fields = _decoded(payload)
        ok = fields is not None and altcha.verify_solution(cast(altcha.PayloadType, fields), self.key, False)[0]
        expires = _expires(fields) if fields is not None else None
        now = self.clock.now().timestamp()
        if not ok or fields is None or expires is None:
            raise PowInvalid("安全校验无效，请刷新页面重试 / the proof of work is not valid: reload the page")
        if expires < now:
            raise PowInvalid("安全校验已过期，请重试 / the proof of work expired: try again", expired=True)
        return str(fields["signature"]), expires

    def _remember(self, signature: str, expires: float, now: float) -> None:
        if now >= self._next_prune or len(self._used) >= MAX_REMEMBERED:
            self._used = {s: e for s, e in self._used.items() if e >= now}
            self._next_prune = now + 60
            while len(self._used) >= MAX_REMEMBERED:
                self._used.pop(next(iter(self._used)))
        self._used[signature] = expires


def replayed() -> PowInvalid:
    return PowInvalid("安全校验已被使用，请重试 / this proof of work was used already: try again", replay=True)


def _decoded(payload: str) -> dict[str, Any] | None:
    """The solution's fields when they have ALTCHA's shape (strings, and an integer number)."""
    try:
        fields = json.loads(base64.b64decode(payload, validate=True))
    except (ValueError, TypeError):
        return None
    if not isinstance(fields, dict) or not isinstance(fields.get("number"), int):
        return None
    if not all(isinstance(fields.get(k), str) for k in ("algorithm", "challenge", "salt", "signature")):
        return None
    return fields


def _expires(fields: dict[str, Any]) -> float | None:
    """The expiry in the signed salt (``...?expires=<unix seconds>&``), None when there is none."""
    salt = str(fields["salt"])
    try:
        values = urllib.parse.parse_qs(salt.split("?", 1)[1]).get("expires") if "?" in salt else None
        return float(values[0].rstrip("&")) if values else None
    except (ValueError, IndexError):
        return None
