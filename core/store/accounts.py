"""SQL of staff accounts, their sign-in tokens and the kiosks' and displays' device tokens
(tables ``users``, ``tokens``, ``devices``)."""

from __future__ import annotations

from typing import Any

from core.store.rows import Conn


def user(c: Conn, username: str) -> Any:
    return c.one("SELECT username, password_hash, role, site, disabled FROM users WHERE username = ?", (username,))


def insert_user(c: Conn, username: str, password_hash: str, role: str, site: str | None, now_ts: float) -> None:
    c.execute(
        "INSERT INTO users (username, password_hash, role, site, created_ts) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, "
        "site = excluded.site, disabled = 0",
        (username, password_hash, role, site, now_ts),
    )


def insert_token(c: Conn, token_hash: str, username: str, now_ts: float, expires_ts: float) -> None:
    c.execute(
        "INSERT INTO tokens (token_hash, username, created_ts, expires_ts) VALUES (?, ?, ?, ?)",
        (token_hash, username, now_ts, expires_ts),
    )


def token_user(c: Conn, token_hash: str, now_ts: float) -> Any:
    return c.one(
        "SELECT u.username, u.role, u.site, t.expires_ts FROM tokens t JOIN users u USING (username) "
        "WHERE t.token_hash = ? AND t.expires_ts > ? AND u.disabled = 0",
        (token_hash, now_ts),
    )


def delete_token(c: Conn, token_hash: str) -> None:
    c.execute("DELETE FROM tokens WHERE token_hash = ?", (token_hash,))


def delete_user_tokens(c: Conn, username: str) -> None:
    c.execute("DELETE FROM tokens WHERE username = ?", (username,))


def set_user_disabled(c: Conn, username: str, disabled: bool) -> bool:
    """Whether the account exists."""
    return bool(c.execute("UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), username)).rowcount)


def users(c: Conn, site: str | None) -> list[Any]:
    """Accounts (of ``site`` when given), by name."""
    where, params = ("WHERE u.site = ?", (site,)) if site is not None else ("", ())
    sql = "SELECT u.username, u.role, u.site, u.disabled, u.created_ts FROM users u " + where + " ORDER BY u.username"
    return list(c.execute(sql, params).fetchall())


def delete_device_tokens(c: Conn, device: str) -> int:
    return int(c.execute("DELETE FROM devices WHERE device = ?", (device,)).rowcount)


def device_token_issued(c: Conn) -> dict[str, float]:
    """When each device's current token was issued."""
    rows = c.execute("SELECT device, MAX(created_ts) FROM devices GROUP BY device").fetchall()
    return {str(d): float(ts) for d, ts in rows}


def insert_device_token(c: Conn, token_hash: str, device: str, now_ts: float) -> None:
    c.execute("INSERT INTO devices (token_hash, device, created_ts) VALUES (?, ?, ?)", (token_hash, device, now_ts))


def device_for_token(c: Conn, token_hash: str) -> str | None:
    row = c.one("SELECT device FROM devices WHERE token_hash = ?", (token_hash,))
    return None if row is None else str(row[0])
