"""SQL of the state that several server processes share (core/shared_limits.py): used
proof-of-work solutions, guesses at small secrets, the addresses an account signs in from,
and which process leads a housekeeping job. Portable SQL (SQLite and PostgreSQL); it lives
beside the PostgreSQL store because only there do processes share it (on SQLite one process
keeps this state in memory and the tables stay empty)."""

from __future__ import annotations

from typing import Any

Conn = Any


def pow_spend(c: Conn, signature: str, expires_ts: float) -> bool:
    """Record a solution as spent; False when it was spent before."""
    row = c.one(
        "INSERT INTO pow_used (signature, expires_ts) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING "
        "RETURNING signature",
        (signature, expires_ts),
    )
    return row is not None


def pow_purge(c: Conn, now_ts: float) -> int:
    return int(c.execute("DELETE FROM pow_used WHERE expires_ts < ?", (now_ts,)).rowcount)


def code_locked_until(c: Conn, code: str) -> float | None:
    row = c.one("SELECT locked_until FROM code_guesses WHERE code = ?", (code,))
    return None if row is None or row[0] is None else float(row[0])


def code_miss(c: Conn, code: str, now_ts: float, window: float, misses: int, lock_seconds: float) -> bool:
    """Count a miss (the count starts again an hour after its first miss); True when it locks."""
    row = c.one(
        "INSERT INTO code_guesses (code, misses, first_ts) VALUES (?, 1, ?) ON CONFLICT (code) DO UPDATE SET "
        "misses = CASE WHEN code_guesses.first_ts <= excluded.first_ts - ? THEN 1 ELSE code_guesses.misses + 1 END, "
        "first_ts = CASE WHEN code_guesses.first_ts <= excluded.first_ts - ? THEN excluded.first_ts "
        "ELSE code_guesses.first_ts END RETURNING misses",
        (code, now_ts, window, window),
    )
    if row is None or int(row[0]) < misses:
        return False
    c.execute(
        "UPDATE code_guesses SET misses = 0, first_ts = ?, locked_until = ? WHERE code = ?",
        (now_ts, now_ts + lock_seconds, code),
    )
    return True


def code_clear(c: Conn, code: str, now_ts: float) -> None:
    """A right verification: the code's misses are forgotten (not a lock still running)."""
    c.execute("DELETE FROM code_guesses WHERE code = ? AND (locked_until IS NULL OR locked_until < ?)", (code, now_ts))


def code_purge(c: Conn, before_ts: float) -> int:
    return int(
        c.execute(
            "DELETE FROM code_guesses WHERE first_ts < ? AND (locked_until IS NULL OR locked_until < ?)",
            (before_ts, before_ts),
        ).rowcount
    )


def known_address(c: Conn, username: str, address: str) -> bool:
    return c.one("SELECT 1 FROM login_known WHERE username = ? AND address = ?", (username, address)) is not None


def remember_address(c: Conn, username: str, address: str, now_ts: float, keep: int) -> None:
    """Remember a good address of the account (at most ``keep``: the oldest goes)."""
    c.execute(
        "INSERT INTO login_known (username, address, at_ts) VALUES (?, ?, ?) "
        "ON CONFLICT (username, address) DO UPDATE SET at_ts = excluded.at_ts",
        (username, address, now_ts),
    )
    c.execute(
        "DELETE FROM login_known WHERE username = ? AND address NOT IN "
        "(SELECT address FROM login_known WHERE username = ? ORDER BY at_ts DESC LIMIT ?)",
        (username, username, keep),
    )


def lead(c: Conn, job: str, holder: str, now_ts: float, seconds: float) -> bool:
    """Hold (or keep holding) ``job`` for ``seconds``; False while another holder's lease runs."""
    row = c.one(
        "INSERT INTO job_leaders (job, holder, until_ts) VALUES (?, ?, ?) ON CONFLICT (job) DO UPDATE SET "
        "holder = excluded.holder, until_ts = excluded.until_ts "
        "WHERE job_leaders.holder = excluded.holder OR job_leaders.until_ts < ? RETURNING holder",
        (job, holder, now_ts + seconds, now_ts),
    )
    return row is not None
