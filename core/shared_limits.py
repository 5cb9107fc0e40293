"""Limits and one-time state kept in the database, so that N server processes hold one limit,
not N (PostgreSQL mode; on SQLite one process keeps them in memory, web/guard/).

Each function is a store job (``store.write(f, ...)``) or a read: the per-identity and
per-device buckets and the sign-in buckets (hall_buckets), used proof-of-work solutions,
guesses at booking, entry and matter codes, an account's known sign-in addresses, and the
leader of a housekeeping job.
"""

from __future__ import annotations

import random

from core.store.db import Reader, Tx
from core.store.pg import buckets, shared

KEEP_SECONDS = 86_400.0  # a bucket untouched this long is full again: its row can go
KNOWN_ADDRESSES = 16  # good sign-in addresses remembered per account


def take(tx: Tx, key: str, per: float, window_seconds: float) -> float:
    """Spend one token of ``key``'s shared bucket; 0, or the seconds until one is back."""
    now = tx.now.timestamp()
    wait = buckets.take(tx, key, per, window_seconds, now)
    if random.random() < 0.001:  # now and then, the buckets nobody used for a day
        buckets.purge(tx, now - max(KEEP_SECONDS, window_seconds))
    return wait


def forget(tx: Tx, prefix: str) -> int:
    """Empty every bucket whose key starts with ``prefix`` (a supervisor's unlock)."""
    return buckets.forget(tx, prefix)


def sign_in_attempt(
    tx: Tx, user: str, address: str, here: tuple[float, float], elsewhere: tuple[float, float]
) -> float:
    """Spend a sign-in attempt of ``user`` from ``address`` (web/guard/logins.py): the bucket of the
    pair, then, from an address the account never signed in from, the account's; 0 or the wait."""
    wait = take(tx, f"login:{user}:addr:{address}", *here)
    if wait == 0 and not shared.known_address(tx, user, address):
        wait = take(tx, f"login:{user}:elsewhere", *elsewhere)
    return wait


def signed_in(tx: Tx, user: str, address: str) -> None:
    shared.remember_address(tx, user, address, tx.now.timestamp(), KNOWN_ADDRESSES)


def spend_pow(tx: Tx, signature: str, expires_ts: float) -> bool:
    """A proof-of-work solution spent once across every process; False: it was spent before."""
    first = shared.pow_spend(tx, signature, expires_ts)
    if random.random() < 0.01:
        shared.pow_purge(tx, tx.now.timestamp())
    return first


def code_locked(r: Reader, code: str) -> float:
    """Seconds left of the code's lock (0: not locked)."""
    until = shared.code_locked_until(r, code)
    return 0.0 if until is None else max(0.0, until - r.now.timestamp())


def code_missed(tx: Tx, code: str, misses: int, window: float, lock_seconds: float) -> bool:
    """Count a wrong verification of ``code``; True when this one locks it."""
    now = tx.now.timestamp()
    if random.random() < 0.001:
        shared.code_purge(tx, now - max(window, lock_seconds))
    return shared.code_miss(tx, code, now, window, misses, lock_seconds)


def code_succeeded(tx: Tx, code: str) -> None:
    shared.code_clear(tx, code, tx.now.timestamp())


def lead(tx: Tx, job: str, holder: str, seconds: float) -> bool:
    """Whether ``holder`` (a process) runs ``job`` now: it holds the job's lease for ``seconds``,
    renewed on each call; another process takes over once a lease runs out."""
    return shared.lead(tx, job, holder, tx.now.timestamp(), seconds)
