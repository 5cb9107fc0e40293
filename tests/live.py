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

__all__ = ["ROOT", "LiveServer", "OnLive", "ServerFailed", "config_file", "free_port"]

# set by tests/conftest.py for each test: whether it is marked ``live``
marked_live = True


def config_file(tmp: Path, text: str | None = None, *, pow: bool = False, **settings: object) -> Path:
    """A config for a test's server: ``text`` (config.toml's by default) with each ``key = value`` of
    ``settings`` set (every line of that key), and the proof of work of public bookings off unless
    ``pow`` (as tests/conftest.py's config: tests of booking are about booking)."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8") if text is None else text
    if not pow:
        settings = {"pow_max_number": 0, **settings}
    for key, value in settings.items():
        text, n = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
        assert n >= 1, key
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "config-test.toml"
    path.write_text(text, encoding="utf-8")
    return path


class LiveServer(harness.LiveServer):
    """The harness's server, on ``config_file(tmp, pow=pow)`` unless a ``config`` is given."""

    def __init__(self, tmp: Path, *args: Any, pow: bool = False, **kwargs: Any) -> None:
        if "config" not in kwargs:
            kwargs["config"] = config_file(tmp, pow=pow)
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
