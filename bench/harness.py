"""One live server for the tests and the benchmarks: ``server.py`` in a subprocess, on a fresh
database, on a port it picks itself.

Why here: the benchmarks must not import the tests, and the tests may import anything; bench/
is type-checked product code that nothing of the product imports. So the harness lives in
bench/, ``bench.common.Server`` extends it for the benchmarks, and ``tests/live.py`` hands it
to the tests under the names they use.

The server is started with ``--port 0 --port-file FILE``: it binds a free port itself and
writes the port into the file once it accepts connections. Nothing picks a port ahead of the
server (a port found free and then bound by someone else in between). ``start`` after
``stop`` binds the port got the first time, so that clients holding the URL (a counter client,
a display) find the server again where it was.

The server's output of every start goes to ``server.log`` beside the database; a start that
fails raises ``ServerFailed`` with that start's output, a command that fails with its stderr.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLOCK = "2026-05-13T09:30:00+08:00"  # a Wednesday morning, every site open


class ServerFailed(RuntimeError):
    """The server did not start or answer, or a command line call failed; the message has its output."""


def free_port() -> int:
    """A loopback port nobody listens on at this moment: for a client's "server unreachable"
    case, never to start a server on (``LiveServer`` lets the server pick its own)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``server.py`` in a subprocess on a loopback port of its choosing, database ``tmp/hall.db``.

    ``clock`` is ``HALL_CLOCK`` (None: the real time); ``extra`` are more arguments for the
    serving process (``--demo``). ``HALL_LIMITS=off`` unless ``env`` says otherwise. Before
    ``start``, ``env``, ``args`` (the command line shared by ``cli`` and the server) and
    ``prefix`` (the server process only, e.g. ``taskset``) may still be changed.
    """

    def __init__(
        self,
        tmp: Path,
        clock: str | None = CLOCK,
        *extra: str,
        config: Path | str = "config.toml",
        env: Mapping[str, str] | None = None,
        start_timeout: float = 30.0,
        call_timeout: float = 10.0,
    ) -> None:
        self.tmp = tmp
        self.db = tmp / "hall.db"
        self.config = Path(config)
        self.log = tmp / "server.log"
        self.port_file = tmp / "server.port"
        self.env = {**os.environ, "HALL_LIMITS": "off", "PYTHONIOENCODING": "utf-8"}
        self.env.pop("HALL_CLOCK_SPEED", None)
        if clock is not None:
            self.env["HALL_CLOCK"] = clock
        self.env.update(env or {})
        self.args = [sys.executable, "server.py", "--config", str(config), "--db", str(self.db)]
        self.extra = list(extra)
        self.prefix: list[str] = []
        self.start_timeout = start_timeout
        self.call_timeout = call_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._port: int | None = None
        self._log_from = 0

    # where it listens ----------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._port is None:
            raise ServerFailed("the server has not been started: its port is not known yet")
        return self._port

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://{HOST}:{self.port}"

    # the command line, on the same database ------------------------------------------
    def cli(self, *args: str, stdin: str = "", timeout: float = 120.0) -> str:
        """``server.py ARGS`` (``cli("device", "token", "youyi-k1")``) with the server's config,
        database and environment; its stdout. Raises ``ServerFailed`` unless it exits 0."""
        done = subprocess.run(
            [*self.args, *args], input=stdin, capture_output=True, text=True, env=self.env, cwd=ROOT, timeout=timeout
        )
        if done.returncode != 0:
            raise ServerFailed(f"server.py {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
        return done.stdout

    # the process ---------------------------------------------------------------------
    def start(self) -> Self:
        """Start serving and wait until it answers; raises ``ServerFailed`` with its output if it does not."""
        if self.running:
            raise ServerFailed("the server is already running")
        self.port_file.unlink(missing_ok=True)
        self._log_from = self.log.stat().st_size if self.log.exists() else 0
        listen = ["--host", HOST, "--port", str(self._port or 0), "--port-file", str(self.port_file)]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [*self.prefix, *self.args, *listen, *self.extra], stdout=out, stderr=subprocess.STDOUT, env=self.env,
                cwd=ROOT,
            )  # fmt: skip
        deadline = time.monotonic() + self.start_timeout
        while not self.port_file.exists():
            if self.proc.poll() is not None:
                raise ServerFailed(f"server.py exited {self.proc.returncode} before serving:\n{self.output()}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerFailed(f"server.py did not serve within {self.start_timeout:.0f} s:\n{self.output()}")
            time.sleep(0.05)
        self._port = int(self.port_file.read_text(encoding="ascii"))
        try:
            self.call("GET", "/api/v1/sites")
        except OSError as e:
            self.stop()
            raise ServerFailed(f"server.py does not answer on {self.base} ({e}):\n{self.output()}") from e
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM (uvicorn's graceful shutdown, the lifespan closes the database), then SIGKILL
        after ``grace`` seconds. The port is kept for the next ``start``."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self) -> str:
        """What the server printed since the last ``start``."""
        if not self.log.exists():
            return ""
        with self.log.open("rb") as f:
            f.seek(self._log_from)
            return f.read().decode("utf-8", errors="replace")

    def __enter__(self) -> Self:
        return self if self.running else self.start()

    def __exit__(self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    # HTTP --------------------------------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        """One JSON request: ``(status, decoded body)``; error statuses are returned, not raised."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, method=method, data=data)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=self.call_timeout) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def ok(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        """``call`` that must succeed (status below 300): its body; otherwise ``ServerFailed``."""
        status, data = self.call(method, path, body, token)
        if status >= 300:
            raise ServerFailed(f"{method} {path}: {status} {data}")
        return data
