"""Exports for spreadsheets neutralise formulas (SPEC 8): a resident's comment that starts with
= + - @ (or a tab or CR) is written as text, not run by Excel when a supervisor opens the file."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient

from tests.conftest import Hall
from web.api.exports import safe_cell


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3",
                                  "@SUM(A1)", "\t=1+1", "\r=1+1"])  # fmt: skip
def test_a_comment_that_looks_like_a_formula_is_exported_as_text(
    client: TestClient, hall: Hall, kiosk: dict[str, str], evil: str
) -> None:
    clerk = hall.clerk_at("youyi-1")
    ticket = hall.take("general", kiosk)
    hall.act("youyi-1", "call-next", clerk)
    hall.act("youyi-1", "done", clerk)
    r = client.post(f"/api/v1/tickets/{ticket['id']}/evaluation", json={"grade": 2, "reason": "wait", "comment": evil})
    assert r.status_code in (200, 201), r.text
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor')}"}
    day = ticket["issued_at"][:10]
    r = client.get(f"/api/v1/sites/youyi/stats?from={day}&to={day}&format=csv&table=evaluations&lang=en", headers=sup)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    comments = [row[rows[0].index("Comment")] for row in rows[1:]]
    assert comments == ["'" + evil.strip()]  # (the comment is stored trimmed)


def test_numbers_and_plain_text_are_left_alone() -> None:
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell("综合受理") == "综合受理"
    assert safe_cell("A-001") == "A-001" and safe_cell("") == ""
