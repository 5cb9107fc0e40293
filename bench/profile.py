"""Profile the server under the 64-client ticket load with py-spy (``pip install py-spy``).

    python -m bench.profile [--seconds 8] [--out profile.txt]

Starts the same server as ``bench.tickets``, runs the 64-client ticket load for the given
seconds while ``py-spy record`` samples the server (every thread, native frames off), and
prints the functions with the most samples, self and total: where the CPU goes per ticket.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, server
from bench.tickets import SITE, run_issue


def top(collapsed: Path, n: int = 40) -> str:
    """The ``n`` frames with the most samples (own and with callees) from py-spy's collapsed stacks."""
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        k = int(count)
        samples += k
        frames = stack.split(";")
        own[frames[-1]] += k
        for f in set(frames):
            total[f] += k
    out = [f"{samples} samples", "", "own %   frame"]
    out += [f"{100 * c / samples:5.1f}   {f}" for f, c in own.most_common(n)]
    out += ["", "total % frame"]
    out += [f"{100 * c / samples:5.1f}   {f}" for f, c in total.most_common(n)]
    return "\n".join(out)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--out", default="")
    args = p.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    os.chdir(ROOT)
    with server("profile") as srv:
        token = srv.accounts(devices=[f"{SITE}-k1"])[f"{SITE}-k1"]
        srv.start()
        assert srv.proc is not None
        run_issue(srv, token, 16, 1_000, 2.0, 1)  # warm up
        collapsed = srv.tmp / "profile.txt"
        # --gil: only the thread holding the GIL is sampled, so the shares are of the interpreter's work
        cmd = f"{spy} record --pid {srv.proc.pid} --format raw --output {collapsed} --rate 250 --gil"
        rec = subprocess.Popen([*cmd.split(), "--duration", str(int(args.seconds) + 2)], stdout=subprocess.DEVNULL)
        time.sleep(1.0)
        r = run_issue(srv, token, 64, 1_000_000, args.seconds, 2)
        rec.wait(60)
        report = f"64 clients: {r['rate']:,.0f}/s, p99 {r['p99'] * 1000:.1f} ms (under the profiler)\n" + top(collapsed)
        print(report)
        if args.out:
            Path(args.out).write_text(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
