"""Couples for peak-day tests: valid ID numbers (check digit), a man and a woman of marriage age."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from altcha import v1 as altcha

from core.registry.applicants import Applicant

_WEIGHTS = [2 ** (17 - k) % 11 for k in range(17)]


def id_number(born: dt.date, seq: str, region: str = "310115") -> str:
    base = f"{region}{born:%Y%m%d}{seq}"
    return base + "10X98765432"[sum(int(d) * w for d, w in zip(base, _WEIGHTS, strict=True)) % 11]


def couple(i: int) -> tuple[Applicant, Applicant]:
    """Couple ``i``: distinct people for every ``i`` (birth dates one day apart), 27 years and older
    in 2027; the 17th digit odd for him, even for her."""
    born = dt.date(1990, 1, 1) + dt.timedelta(days=i)
    him = Applicant(f"新郎{i}", id_number(born, "011"), f"138{i:08d}")
    her = Applicant(f"新娘{i}", id_number(born, "022", "110105"), f"139{i:08d}")
    return him, her


def body(*people: Applicant) -> list[dict[str, str]]:
    return [{"name": p.name, "id_number": p.id_number, "phone": p.phone} for p in people]


def solve(challenge: dict[str, Any]) -> str:
    """What the booking page's worker sends back in ``X-Altcha`` (ALTCHA v1: base64 JSON)."""
    found = altcha.solve_challenge(challenge["challenge"], challenge["salt"], challenge["algorithm"],
                                   challenge["maxnumber"])  # fmt: skip
    assert found is not None
    payload = {"algorithm": challenge["algorithm"], "challenge": challenge["challenge"], "number": found.number,
               "salt": challenge["salt"], "signature": challenge["signature"]}  # fmt: skip
    return base64.b64encode(json.dumps(payload).encode()).decode()
