"""Real concurrent requests against a real server: distinct numbers, no ticket called twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx2
import pytest

from tests.live import LiveServer
from tests.load import serve_all

pytestmark = pytest.mark.live  # each test starts a server process (tests/live.py)

PASSWORD = "correct-horse-battery"


async def rush(base: str, kiosk: str, clerks: list[str]) -> tuple[list[str], list[list[str]]]:
    async with httpx2.AsyncClient(base_url=base, limits=httpx2.Limits(max_connections=100), timeout=30) as c:
        auth = {"Authorization": f"Bearer {kiosk}"}
        answers = await asyncio.gather(
            *(c.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=auth) for _ in range(200))
        )
        assert {r.status_code for r in answers} == {201}
        numbers = [r.json()["number"] for r in answers]

        served = await asyncio.gather(*(serve_all(c, f"youyi-{i + 1}", t) for i, t in enumerate(clerks)))
        return numbers, list(served)


def test_200_at_once_then_two_counters_race(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00").start()
    try:
        kiosk = server.cli("device", "token", "youyi-k1").split()[-1]
        clerks = []
        for i, name in enumerate(("ann", "bob")):
            server.cli("user", "add", name, "--role", "clerk", "--site", "youyi", stdin=PASSWORD + "\n")
            token = server.call("POST", "/api/v1/auth/token", {"username": name, "password": PASSWORD})[1]["token"]
            assert server.call("POST", f"/api/v1/counters/youyi-{i + 1}/open", token=token)[0] == 200
            clerks.append(token)
        numbers, served = asyncio.run(rush(server.base, kiosk, clerks))
    finally:
        server.stop()
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 201)]
    a, b = served
    assert not set(a) & set(b) and sorted(a + b) == sorted(numbers)
    assert a and b  # both counters really took part
