"""What every benchmark shares: a real server process on a fresh database, load-generator
processes, percentiles and the result table.

The server is ``server.py`` itself, started as in production (one uvicorn worker, WAL,
synchronous=FULL) by the harness the tests use too (``bench.harness``), with ``HALL_CLOCK``
fixed on a Wednesday morning and ``HALL_LIMITS=off``.
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
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import CLOCK as CLOCK  # re-exported: the benchmarks import them from here
from bench.harness import ROOT as ROOT
from bench.harness import LiveServer

PASSWORD = "bench-password-1"
QUICK = os.environ.get("BENCH_QUICK") == "1"  # make bench-quick: the ratio runs only, shorter
BIG_CAP = 1_000_000


# -- the server ------------------------------------------------------------------------
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


class Server(LiveServer):
    """``server.py`` (``bench.harness.LiveServer``) with a fresh database and a roomy config in a temporary
    folder, pinned to the first core; removed with the folder at ``stop``."""

    def __init__(self, name: str = "bench", *, pin: bool = True) -> None:
        tmp = Path(tempfile.mkdtemp(prefix=f"hall-{name}-"))
        super().__init__(tmp, CLOCK, config=bench_config(tmp), call_timeout=30.0)
        self.prefix = cpu_split()[0] if pin else []

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

    def stop(self, grace: float = 15.0) -> None:
        super().stop(grace)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def status(self, key: str) -> int:
        """A ``/proc/<pid>/status`` size in KiB (``VmHWM`` peak, ``VmRSS`` now)."""
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        raise KeyError(key)

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (``/proc/<pid>/stat``)."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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
class Ratio:
    """A figure over its baseline from the same run, against SPEC 9's bound for that ratio."""

    target: str  # what is compared, e.g. "ticket issue at 64 clients / raw one-fsync-per-ticket"
    value: float
    bound: float
    at_least: bool  # a rate (value >= bound) or a time (value <= bound)

    @property
    def holds(self) -> bool:
        return self.value >= self.bound if self.at_least else self.value <= self.bound

    def text(self) -> str:
        return f"{self.value:.2f}x ({'>=' if self.at_least else '<='} {self.bound:g}x)"


@dataclass
class Row:
    name: str
    figure: str
    target: str = ""
    holds: bool | None = None  # None: no target for this row (a baseline or a context figure)
    note: str = ""
    baseline: str = ""  # the same work's bare figure from this run
    ratio: Ratio | None = None


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    load: list[str] = field(default_factory=list)  # `uptime` load averages, one per benchmark started

    def add(self, *rows: Row) -> None:
        self.rows.extend(rows)

    def ratios(self) -> list[Ratio]:
        return [r.ratio for r in self.rows if r.ratio is not None]

    def render(self) -> str:
        head = ("benchmark", "measured", "baseline (same run)", "ratio", "SPEC 9 target", "holds")
        body = [(r.name, r.figure, r.baseline or "-", r.ratio.text() if r.ratio else "-", r.target or "-",
                 {True: "yes", False: "NO", None: "-"}[r.holds]) for r in self.rows]  # fmt: skip
        widths = [max(_width(x[i]) for x in [head, *body]) for i in range(len(head))]
        lines = ["| " + " | ".join(_pad(c, w) for c, w in zip(head, widths, strict=True)) + " |"]
        lines.append("| " + " | ".join("-" * w for w in widths) + " |")
        lines += ["| " + " | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) + " |" for r in body]
        notes = [f"- {r.name}: {r.note}" for r in self.rows if r.note]
        verdicts = [f"{x.target}: {x.text()} {'holds' if x.holds else 'does not hold'}" for x in self.ratios()]
        return "\n".join(lines + (["", *notes] if notes else []) + (["", *verdicts] if verdicts else []))

    def to_json(self) -> dict[str, Any]:
        rows = [{**r.__dict__, "ratio": None if r.ratio is None else {**r.ratio.__dict__, "holds": r.ratio.holds}}
                for r in self.rows]  # fmt: skip
        return {"load": self.load, "rows": rows, "ratios_hold": all(x.holds for x in self.ratios())}


def uptime() -> str:
    """The load averages of the machine now (1, 5, 15 minutes), as ``uptime`` prints them."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def emit(table: Table, started: float) -> None:
    """Print the table (and write it as JSON when ``BENCH_JSON`` names a file)."""
    print()
    print(table.render())
    table.load.append(f"end: {uptime()}")
    print(f"\n(total {time.monotonic() - started:.0f} s, {os.cpu_count()} cores; {'; '.join(table.load)})")
    out = os.environ.get("BENCH_JSON")
    if out:
        Path(out).write_text(json.dumps(table.to_json(), ensure_ascii=False, indent=2))


def holds(table: Table) -> bool:
    """No row misses its target (rows without one do not count) and every ratio holds."""
    return all(r.holds is not False for r in table.rows) and all(x.holds for x in table.ratios())


def run_alone(measure: Callable[[Table], None]) -> Table:
    """``python -m bench.NAME``: one benchmark on its own, from the repository's root, its table printed."""
    os.chdir(ROOT)
    started = time.monotonic()
    table = Table(load=[f"start: {uptime()}"])
    measure(table)
    emit(table, started)
    return table
