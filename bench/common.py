"""What every benchmark shares: a real server process on a fresh database, load-generator
processes, percentiles and the result table.

The server is ``server.py`` itself, started as in production (one uvicorn worker, WAL,
synchronous=FULL) with ``HALL_CLOCK`` fixed on a Wednesday morning and ``HALL_LIMITS=off``.
Accounts and device tokens are made with the server's own command line. Load generators
run in their own processes (``multiprocessing`` with ``spawn``), so that the figures are
the server's, not the benchmark's.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLOCK = "2026-05-13T09:30:00+08:00"  # a Wednesday, every site open
PASSWORD = "bench-password-1"
BIG_CAP = 1_000_000


# -- the server ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_config(tmp: Path) -> Path:
    """A copy of config.toml with every daily cap raised (the demo caps are 300-600 a day)
    and the per-device request limit lifted (one kiosk token stands for a hall of kiosks;
    ``HALL_LIMITS=off`` lifts the per-address limits)."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(daily_cap\s*=\s*)\d+", rf"\g<1>{BIG_CAP}", text)
    device_limit = f"requests_per_device_per_minute = {BIG_CAP * 100}"
    if re.search(r"(?m)^\[limits\]", text):
        text = re.sub(r"(?m)^requests_per_device_per_minute\s*=.*$", "", text)
        text = re.sub(r"(?m)^\[limits\].*$", lambda m: m.group(0) + "\n" + device_limit, text)
    else:
        text += f"\n[limits]\n{device_limit}\n"
    path = tmp / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cpu_split() -> tuple[list[str], list[str]]:
    """``taskset`` prefixes: the server on the first core, load on the others (when there are two or more)."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or shutil.which("taskset") is None or os.environ.get("BENCH_PIN") == "0":
        return [], []
    server = [str(cores[0])]
    load = [str(c) for c in cores[1:]]
    return ["taskset", "-c", ",".join(server)], ["taskset", "-c", ",".join(load)]


class Server:
    """``server.py`` on a free loopback port with a fresh database in a temporary folder."""

    def __init__(self, name: str = "bench", *, pin: bool = True) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix=f"hall-{name}-"))
        self.config = bench_config(self.tmp)
        self.db = self.tmp / "hall.db"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        self.env = {**os.environ, "HALL_CLOCK": CLOCK, "HALL_LIMITS": "off", "PYTHONIOENCODING": "utf-8"}
        self.env.pop("HALL_CLOCK_SPEED", None)
        self.args = [sys.executable, "server.py", "--config", str(self.config), "--db", str(self.db)]
        self.pin = cpu_split()[0] if pin else []
        self.log = self.tmp / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    # command line ---------------------------------------------------------------------
    def cli(self, *args: str, stdin: str = "") -> str:
        r = subprocess.run(
            [*self.args, *args], input=stdin, capture_output=True, text=True, env=self.env, cwd=ROOT, timeout=120
        )
        if r.returncode != 0:
            raise RuntimeError(f"server.py {' '.join(args)} failed: {r.stderr}")
        return r.stdout

    def accounts(self, users: Sequence[tuple[str, str, str]] = (), devices: Sequence[str] = ()) -> dict[str, str]:
        """Make users ``(name, role, site)`` and device tokens with the CLI, in parallel.

        Returns device id -> token. Users sign in later with ``PASSWORD`` (see ``login``).
        """

        def user(u: tuple[str, str, str]) -> None:
            self.cli("user", "add", u[0], "--role", u[1], "--site", u[2], stdin=PASSWORD + "\n")

        def device(d: str) -> tuple[str, str]:
            return d, self.cli("device", "token", d).split()[-1]

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(user, users))
            return dict(pool.map(device, devices))

    # process --------------------------------------------------------------------------
    def start(self) -> Server:
        out = self.log.open("wb")
        self.proc = subprocess.Popen(
            [*self.pin, *self.args, "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=ROOT,
        )
        out.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log.read_text(errors="replace"))
            try:
                self.call("GET", "/api/v1/sites")
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in 30 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def status(self, key: str) -> int:
        """A ``/proc/<pid>/status`` size in KiB (``VmHWM`` peak, ``VmRSS`` now)."""
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        raise KeyError(key)

    # HTTP for setup (not timed) -------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        req = urllib.request.Request(
            self.base + path, method=method, data=None if body is None else json.dumps(body).encode()
        )
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def ok(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        status, data = self.call(method, path, body, token)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {data}")
        return data

    def login(self, name: str) -> str:
        return str(self.ok("POST", "/api/v1/auth/token", {"username": name, "password": PASSWORD})["token"])


@contextlib.contextmanager
def server(name: str, *, pin: bool = True) -> Iterator[Server]:
    s = Server(name, pin=pin)
    try:
        yield s
    finally:
        s.stop()


# -- load-generator processes ----------------------------------------------------------
def _pin_load() -> None:
    load = cpu_split()[1]
    if load:
        os.sched_setaffinity(0, {int(c) for c in load[-1].split(",")})


def _run(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    _pin_load()
    return fn(*args)


def processes(fn: Callable[..., Any], argsets: Sequence[tuple[Any, ...]]) -> list[Any]:
    """Run ``fn(*args)`` once per argument tuple, each in its own process; their results in order."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(len(argsets)) as pool:
        return pool.starmap(_run, [(fn, a) for a in argsets])


def start_at(delay: float = 1.5) -> float:
    """A moment on the shared monotonic clock when every load process starts together."""
    return time.monotonic() + delay


def wait_until(t: float) -> None:
    time.sleep(max(0.0, t - time.monotonic()))


# -- numbers ---------------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[k]


def ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def valid_id_number(i: int, born: str = "1985") -> str:
    """A distinct GB 11643 ID number per ``i`` (Shanghai Baoshan area code, correct check digit)."""
    # the birth date varies with i too, so that up to 336,000 numbers stay distinct
    day = 1 + (i // 1000) % 28
    month = 1 + (i // 28_000) % 12
    base = f"310113{born[:4]}{month:02d}{day:02d}{i % 1000:03d}"
    weights = [2 ** (17 - k) % 11 for k in range(17)]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11]
    return base + check


def phone(i: int) -> str:
    return f"139{i:08d}"


# -- the table -------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    figure: str
    target: str = ""
    holds: bool | None = None  # None: no target for this row (a baseline or a context figure)
    note: str = ""


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(self, *rows: Row) -> None:
        self.rows.extend(rows)

    def render(self) -> str:
        head = ("benchmark", "measured", "SPEC 9 target", "holds")
        body = [(r.name, r.figure, r.target or "-", {True: "yes", False: "NO", None: "-"}[r.holds]) for r in self.rows]
        widths = [max(_width(x[i]) for x in [head, *body]) for i in range(4)]
        lines = ["| " + " | ".join(_pad(c, w) for c, w in zip(head, widths, strict=True)) + " |"]
        lines.append("| " + " | ".join("-" * w for w in widths) + " |")
        lines += ["| " + " | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) + " |" for r in body]
        notes = [f"- {r.name}: {r.note}" for r in self.rows if r.note]
        return "\n".join(lines + (["", *notes] if notes else []))

    def to_json(self) -> list[dict[str, Any]]:
        return [r.__dict__ for r in self.rows]


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def emit(table: Table, started: float) -> None:
    """Print the table (and write it as JSON when ``BENCH_JSON`` names a file)."""
    print()
    print(table.render())
    print(f"\n(total {time.monotonic() - started:.0f} s, {os.cpu_count()} cores)")
    out = os.environ.get("BENCH_JSON")
    if out:
        Path(out).write_text(json.dumps(table.to_json(), ensure_ascii=False, indent=2))
