"""tests/scale: the PostgreSQL store and the multi-process server (docs/scale.md). Skipped without
a PostgreSQL (and, where needed, NATS) on 127.0.0.1, a failure under ``CI=true``."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator

import pytest

from tests import pgdb

# without psycopg (a machine set up without the `city` extra) the store tests are not collected;
# under CI=true they are, and fail
if importlib.util.find_spec("psycopg") is None and os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
    collect_ignore = ["test_pg_store.py"]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database of the test's own (whatever HALL_TEST_DATABASE says)."""
    with pgdb.database() as url:
        yield url
