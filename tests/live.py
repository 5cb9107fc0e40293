"""A real server process for tests that need one: the harness of the tests and the benchmarks
(``bench/harness.py``: ``server.py --port 0``, the port it got read from its port file).

``LiveServer(tmp, clock, *extra)`` serves ``tmp/hall.db`` with ``HALL_CLOCK=clock``;
``live.cli("device", "token", "youyi-k1")`` runs the command line on the same database.
A test that starts one is marked ``live`` (``make test-quick`` leaves those out): starting a
server from a test that is not marked fails, so that the quick tier stays in-process.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Self

from bench import harness
from bench.harness import ROOT, ServerFailed, free_port

__all__ = ["ROOT", "LiveServer", "OnLive", "ServerFailed", "free_port"]

# set by tests/conftest.py for each test: whether it is marked ``live``
marked_live = True


def without_pow(tmp: Path) -> Path:
    """config.toml with the proof of work of public bookings off (as tests/conftest.py's config)."""
    path = tmp / "config-no-pow.toml"
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^pow_max_number = \d+", "pow_max_number = 0", text, count=1), encoding="utf-8")
    return path


class LiveServer(harness.LiveServer):
    """The harness's server; unless ``pow=True`` or a ``config`` is given, with the proof of work off
    (tests of booking are about booking; tests/peak/ and the booking pages' tests turn it on)."""

    def __init__(self, tmp: Path, *args: Any, pow: bool = False, **kwargs: Any) -> None:
        if not pow and "config" not in kwargs:
            tmp.mkdir(parents=True, exist_ok=True)
            kwargs["config"] = without_pow(tmp)
        super().__init__(tmp, *args, **kwargs)

    def start(self) -> Self:
        assert marked_live, "this test starts a server: mark it @pytest.mark.live (or pytestmark = pytest.mark.live)"
        return super().start()


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
