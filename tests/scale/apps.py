"""Several apps on one PostgreSQL database, each with its own store, hub, relay, limits and
housekeeping: N processes' worth in one test process (tests/scale)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import msgspec
from starlette.testclient import TestClient

from core.config import Config, Limits
from core.days.clock import Clock
from tests.conftest import SECRET
from web.app import create_app


@contextlib.contextmanager
def apps(
    url: str,
    config: Config,
    clock: Clock,
    n: int = 2,
    *,
    nats: str | None = None,
    limits: Limits | None = None,
    housekeeping_every: float | None = None,
) -> Iterator[list[TestClient]]:
    """``n`` started apps (test clients) on ``url``; ``limits`` instead of the config's."""
    if limits is not None:
        config = msgspec.structs.replace(config, limits=limits)
    made = [
        create_app(config, url, clock, secret=SECRET, nats_url=nats, housekeeping_every=housekeeping_every,
                   public_url="http://testserver")
        for _ in range(n)
    ]  # fmt: skip
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(TestClient(app)) for app in made]
