"""schemathesis fuzzes the served OpenAPI document against a real server: no 5xx and no
response that contradicts the document (a bounded number of cases per operation)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import LiveServer

pytestmark = pytest.mark.live  # each test starts a server process (tests/live.py)

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_fuzz_the_api(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, "2026-05-13T09:30:00+08:00").start()
    try:
        kiosk = server.cli("device", "token", "youyi-k1").split()[-1]
        st = Path(sys.executable).with_name("schemathesis")
        r = subprocess.run(
            [
                str(st),
                "run",
                f"{server.base}/api/v1/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                "15",
                "--seed",
                "7",
                "--phases",
                "examples,coverage,fuzzing",
                "-H",
                f"Authorization: Bearer {kiosk}",
            ],
            capture_output=True,
            text=True,
            timeout=400,
            env={**os.environ, "NO_COLOR": "1"},
        )
    finally:
        server.stop()
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
