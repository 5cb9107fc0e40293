"""Rate limits kept in the database, so that N server processes hold one limit, not N
(PostgreSQL mode; web/guard/limits.py uses them for the per-identity limits)."""

from __future__ import annotations

import random

from core.store.db import Tx
from core.store.pg import buckets

KEEP_SECONDS = 86_400.0  # a bucket untouched this long is full again: its row can go


def take(tx: Tx, key: str, per: float, window_seconds: float) -> float:
    """Spend one token of ``key``'s shared bucket; 0, or the seconds until one is back."""
    now = tx.now.timestamp()
    wait = buckets.take(tx, key, per, window_seconds, now)
    if random.random() < 0.001:  # now and then, the buckets nobody used for a day
        buckets.purge(tx, now - max(KEEP_SECONDS, window_seconds))
    return wait
