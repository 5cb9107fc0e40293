"""What the live tests' loads share: a counter that calls and finishes until its queue is empty,
and a SIGKILL of a server process while threads hammer it."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable

import httpx2


async def serve_all(c: httpx2.AsyncClient, counter: str, token: str) -> list[str]:
    """Call the next ticket at ``counter`` and finish it, until none waits; the numbers called."""
    h = {"Authorization": f"Bearer {token}"}
    got = []
    while True:
        r = await c.post(f"/api/v1/counters/{counter}/call-next", headers=h)
        assert r.status_code == 200, r.text
        if r.json()["ticket"] is None:
            return got
        got.append(r.json()["ticket"]["number"])
        assert (await c.post(f"/api/v1/counters/{counter}/done", headers=h)).status_code == 200


def kill_under_load(proc: subprocess.Popen[bytes] | None, work: list[Callable[[threading.Event], None]],
                    after: float = 2.0, then: float = 0.0) -> None:  # fmt: skip
    """Run each of ``work`` on a thread until told to stop; SIGKILL ``proc`` ``after`` seconds,
    keep the load going ``then`` seconds more (the other processes serving), then stop it."""
    stop = threading.Event()
    threads = [threading.Thread(target=w, args=(stop,)) for w in work]
    for t in threads:
        t.start()
    time.sleep(after)
    assert proc is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(then)
    stop.set()
    for t in threads:
        t.join(15)
