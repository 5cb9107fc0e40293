"""Staff accounts, bearer tokens and device tokens.

Passwords are argon2 hashes; tokens are random and stored only as their SHA-256, so a
copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import BadCredentials, InvalidInput, UnknownAccount, UnknownSite
from core.store import accounts as sql
from core.store.db import Reader, Tx

ROLES = ("clerk", "supervisor", "admin")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff member or a device (``role`` kiosk or display)."""

    name: str
    role: str
    site: str | None

    @property
    def is_device(self) -> bool:
        return self.role in ("kiosk", "display")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位 / a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def add_user(tx: Tx, username: str, role: str, site: str | None, password_hash: str) -> None:
    """Create or replace a staff account (the password is hashed by the caller, off the writer).

    Replacing an account (a new password, role or site) ends its sessions and bearer tokens.
    """
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 64 or not username.replace("_", "").replace("-", "").isalnum():
        raise InvalidInput("username: letters, digits, - and _ only")
    if site is not None and tx.config.site(site) is None:
        raise UnknownSite(f"unknown site {site!r}")
    if role == "clerk" and site is None:
        raise InvalidInput("a clerk belongs to a site: give --site")
    sql.insert_user(tx, username, password_hash, role, site, tx.now.timestamp())
    sql.delete_user_tokens(tx, username)


def set_disabled(tx: Tx, username: str, disabled: bool) -> None:
    """Disable (every session and token ends) or enable an account.

    :raises UnknownAccount: no such account.
    """
    if not sql.set_user_disabled(tx, username, disabled):
        raise UnknownAccount(f"没有这个账号 / no account {username!r}")
    if disabled:
        sql.delete_user_tokens(tx, username)


def accounts_of(r: Reader, site: str | None) -> list[dict[str, object]]:
    """Accounts of ``site`` (all with None), without their password hashes."""
    return [
        {"username": u, "role": role, "site": s, "disabled": bool(d), "created_ts": ts}
        for u, role, s, d, ts in sql.users(r, site)
    ]


def check_password(r: Reader, username: str, password: str) -> Principal:
    """Verify a password (slow on purpose: run it off the event loop).

    :raises BadCredentials: unknown user, disabled user or wrong password, alike.
    """
    row = sql.user(r, username)
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        row = None
    if row is None or row["disabled"]:
        raise BadCredentials("用户名或密码错误 / wrong username or password")
    return Principal(row["username"], row["role"], row["site"])


def new_token(tx: Tx, username: str) -> tuple[str, dt.datetime]:
    token = secrets.token_urlsafe(32)
    expires = tx.now + dt.timedelta(hours=tx.config.policy.token_hours)
    sql.insert_token(tx, token_hash(token), username, tx.now.timestamp(), expires.timestamp())
    return token, expires


def revoke_token(tx: Tx, token: str) -> None:
    sql.delete_token(tx, token_hash(token))


def _known_device(r: Reader, device: str) -> None:
    """:raises InvalidInput: neither a center's kiosk or display nor a place kiosk."""
    if r.config.device(device) is None and r.config.place_kiosk(device) is None:
        raise InvalidInput(f"no kiosk or display {device!r} in the configuration")


def new_device_token(tx: Tx, device: str) -> str:
    """A new token for a kiosk (of a site or a place) or display of the config; the device's earlier
    token stops working."""
    _known_device(tx, device)
    token = secrets.token_urlsafe(32)
    sql.delete_device_tokens(tx, device)
    sql.insert_device_token(tx, token_hash(token), device, tx.now.timestamp())
    return token


def revoke_device(tx: Tx, device: str) -> bool:
    """End the device's token (it is refused until a new one is issued); whether it had one."""
    _known_device(tx, device)
    return sql.delete_device_tokens(tx, device) > 0


def principal(r: Reader, token: str) -> Principal | None:
    """The staff member or device a bearer token belongs to, or None.

    A place kiosk (outside the centers) is a ``kiosk`` of no site: ``can_see`` gives it no center.
    """
    h = token_hash(token)
    row = sql.token_user(r, h, r.now.timestamp())
    if row is not None:
        return Principal(row["username"], row["role"], row["site"])
    device = sql.device_for_token(r, h)
    if device is None:
        return None
    at_place = r.config.place_kiosk(device)
    if at_place is not None:
        return Principal(at_place[1].id, "kiosk", None)
    found = r.config.device(device)
    if found is None:
        return None
    site, kind, dev = found
    return Principal(dev.id, kind, site.id)
