"""Recompute a ballot's published result from its public JSON alone (docs/peak-days.md).

    python -m tools.verify_ballot result.json      # GET /api/v1/ballots/{id}, saved after the draw

Standard library only, and written apart from the server's code (core/peak/draw.py), so that it
checks the published algorithm rather than repeating the server's. It checks that the revealed
seed has the hash committed before the window opened, that the order is the entry codes sorted by
HMAC-SHA256(key = seed, message = code), and that the places offered at the draw went to the first
entries of that order that were not void. Exit status 0 when everything matches, 1 otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from pathlib import Path
from typing import Any


def order(seed: str, codes: list[str]) -> list[str]:
    def key(code: str) -> tuple[str, str]:
        return hmac.new(seed.encode("utf-8"), code.encode("utf-8"), hashlib.sha256).hexdigest(), code

    return sorted(codes, key=key)


def check(published: dict[str, Any]) -> list[str]:
    """What does not match (empty: the result is the one the algorithm gives)."""
    result = published.get("result", published)
    if not isinstance(result, dict) or not result.get("seed"):
        return ["no result with a revealed seed in this file (is the ballot drawn?)"]
    problems = []
    seed, codes = str(result["seed"]), [str(c) for c in result["entry_codes"]]
    committed = published.get("seed_hash", result.get("seed_hash"))
    if hashlib.sha256(seed.encode("utf-8")).hexdigest() != committed:
        problems.append("the seed does not have the hash that was published before the window opened")
    if len(set(codes)) != len(codes):
        problems.append("an entry code is listed twice")
    expected = order(seed, codes)
    shown = sorted(result["order"], key=lambda e: e["position"])
    got = [e["code"] for e in shown]
    if got != expected:
        first = next((i + 1 for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b), len(got) + 1)
        problems.append(f"the published order differs from the recomputed one (first at position {first})")
    if [e["position"] for e in shown] != list(range(1, len(shown) + 1)):
        problems.append("positions are not 1, 2, 3, ...")
    void = {e["code"] for e in shown if e.get("void")}
    winners = [c for c in expected if c not in void][: int(result["places"])]
    offered = [e["code"] for e in shown if e.get("offered_at_draw")]
    if sorted(offered) != sorted(winners):
        problems.append(f"the {len(offered)} places offered at the draw are not the first {len(winners)} entries")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tools.verify_ballot result.json", file=sys.stderr)
        return 2
    published = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    problems = check(published)
    result = published.get("result", published) or {}
    n, places = len(result.get("entry_codes") or []), result.get("places")
    if problems:
        print(f"DOES NOT MATCH ({n} entries, {places} places):")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"matches: {n} entries, {places} places, seed hash {published.get('seed_hash', '')[:16]}...")
    print("结果一致：公布的顺序与用公开的种子和登记码重新计算的结果相同")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
