"""``make bench``: every benchmark of SPEC 9 in one run, one table.

    python -m bench                # all (about 5 minutes on 2 cores)
    python -m bench tickets day    # some of them
    BENCH_QUICK=1 python -m bench tickets fanout   # make bench-quick: the ticket and fan-out ratios (< 1 min)
    BENCH_JSON=out.json python -m bench            # also the table as JSON, to compare runs across commits

Each benchmark starts its own server on a fresh database (see bench/common.py).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

from bench import booking, callnext, connattack, day, district, tickets
from bench.common import Row, Table, emit, holds, uptime
from bench.sockets import fanout, screen

ALL = {
    "tickets": tickets,
    "callnext": callnext,
    "booking": booking,
    "fanout": fanout,
    "screen": screen,
    "day": day,
    "connattack": connattack,
    "district": district,
}


def main(argv: list[str]) -> int:
    names = argv or list(ALL)
    unknown = [n for n in names if n not in ALL]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {list(ALL)}", file=sys.stderr)
        return 2
    started = time.monotonic()
    table = Table()
    for name in names:
        t = time.monotonic()
        table.load.append(f"{name}: {uptime()}")
        print(f"== {name} ({uptime()}) ...", flush=True)
        try:
            ALL[name].measure(table)
        except Exception as e:  # one benchmark that breaks must not lose the others' figures
            traceback.print_exc()
            table.add(Row(name, f"failed: {type(e).__name__}: {e}"[:200], "runs to the end", False))
        print(f"== {name}: {time.monotonic() - t:.0f} s", flush=True)
    print("\nother work on the machine skews every absolute figure (the load averages are below the table); "
          "the ratios compare figures of this run")  # fmt: skip
    emit(table, started)
    return 0 if holds(table) else 1


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    sys.exit(main(sys.argv[1:]))
