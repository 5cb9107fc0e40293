"""Rate-limit buckets that every server process shares (PostgreSQL only; web/guard/limits.py).

One bucket per key, refilled continuously like the in-memory ones: a take is one statement
that refills, spends a token if one is left and says how many remain; a refused take changes
nothing and reads the level to say when to come back.
"""

from __future__ import annotations

from typing import Any

TABLE = (
    "CREATE TABLE IF NOT EXISTS hall_buckets "
    "(key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, at_ts DOUBLE PRECISION NOT NULL)"
)
_INDEX = "CREATE INDEX IF NOT EXISTS hall_buckets_at ON hall_buckets (at_ts)"
SUPPORT = (TABLE, _INDEX)


def take(c: Any, key: str, per: float, window_seconds: float, now_ts: float) -> float:
    """Spend one token of ``key``'s bucket; 0 if it was spent, else the seconds until one is back."""
    rate = per / window_seconds
    row = c.one(
        "INSERT INTO hall_buckets (key, tokens, at_ts) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
        "tokens = LEAST(?, hall_buckets.tokens + (excluded.at_ts - hall_buckets.at_ts) * ?) - 1, "
        "at_ts = excluded.at_ts "
        "WHERE LEAST(?, hall_buckets.tokens + (excluded.at_ts - hall_buckets.at_ts) * ?) >= 1 RETURNING tokens",
        (key, per - 1, now_ts, per, rate, per, rate),
    )
    if row is not None:
        return 0.0
    level = c.one("SELECT tokens, at_ts FROM hall_buckets WHERE key = ?", (key,))
    tokens = min(per, float(level[0]) + (now_ts - float(level[1])) * rate)
    return max(0.001, (1 - tokens) / rate)


def purge(c: Any, before_ts: float) -> int:
    """Drop buckets untouched since ``before_ts`` (full again by then)."""
    return int(c.execute("DELETE FROM hall_buckets WHERE at_ts < ?", (before_ts,)).rowcount)


def forget(c: Any, prefix: str) -> int:
    """Drop the buckets whose key starts with ``prefix``."""
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return int(c.execute("DELETE FROM hall_buckets WHERE key LIKE ? ESCAPE '\\'", (like,)).rowcount)
