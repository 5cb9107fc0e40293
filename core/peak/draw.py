"""The draw of a ballot, pure (published in docs/peak-days.md; tools/verify_ballot.py redoes it).

Commit, then reveal: the seed is fixed before the window opens (derived from the server secret and
the ballot's id, so it exists before any entry and survives restarts) and only its SHA-256 is
public until the draw. At the draw the seed is revealed, and every entry's place in the order is
its key ``HMAC-SHA256(key = seed as UTF-8, message = entry code as UTF-8)`` as lowercase hex,
ascending (ties, which need a hash collision, by entry code). Places are offered in that order;
the rest wait in the same order.
"""

from __future__ import annotations

import hashlib
import hmac

ALGORITHM = (
    "order = entry codes sorted ascending by hex(HMAC-SHA256(key=utf8(seed), msg=utf8(code))), then by code; "
    "the first `places` entries not void are offered places at the draw, the rest wait in that order; "
    "seed_hash = hex(SHA-256(utf8(seed)))"
)


def seed(secret: bytes, ballot_id: str) -> str:
    """The ballot's secret seed: 64 hex digits, unknown to anyone without the server secret."""
    return hmac.new(secret, f"ballot-seed:{ballot_id}".encode(), hashlib.sha256).hexdigest()


def seed_hash(seed_: str) -> str:
    return hashlib.sha256(seed_.encode()).hexdigest()


def key(seed_: str, code: str) -> str:
    return hmac.new(seed_.encode(), code.encode(), hashlib.sha256).hexdigest()


def order(seed_: str, codes: list[str]) -> list[str]:
    """The entry codes in drawn order."""
    return sorted(codes, key=lambda c: (key(seed_, c), c))


def quotas(capacities: list[int], places: int) -> list[int]:
    """How many of ``places`` go to each slot: each slot's share of its capacity (rounded down),
    then one more to the earliest slots until all are given; never above a slot's capacity."""
    total = sum(capacities)
    if total == 0:
        return [0] * len(capacities)
    out = [c * places // total for c in capacities]
    i = 0
    while sum(out) < min(places, total):
        if out[i] < capacities[i]:
            out[i] += 1
        i = (i + 1) % len(out)
    return out
