"""A real server process on a free loopback port, for tests that need one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, tmp: Path, clock: str, *extra: str) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "HALL_CLOCK": clock, "HALL_LIMITS": "off"}
        self.args = [sys.executable, "server.py", "--config", "config.toml", "--db", str(tmp / "hall.db")]
        self.extra = extra
        self.log = tmp / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str, stdin: str = "") -> str:
        r = subprocess.run(
            [*self.args, *args], input=stdin, capture_output=True, text=True, env=self.env, cwd=ROOT, timeout=60
        )
        assert r.returncode == 0, r.stderr
        return r.stdout

    def start(self) -> LiveServer:
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [*self.args, "--host", "127.0.0.1", "--port", str(self.port), *self.extra],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=ROOT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                self.call("GET", "/api/v1/sites")
                return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        req = urllib.request.Request(
            self.base + path, method=method, data=None if body is None else json.dumps(body).encode()
        )
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


class OnLive:
    """For a test's own hall on a live server: its ``base`` URL and ``api``, a call that must succeed."""

    live: LiveServer

    @property
    def base(self) -> str:
        return self.live.base

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        status, data = self.live.call(method, path, body, token)
        assert status < 300, (method, path, status, data)
        return data
