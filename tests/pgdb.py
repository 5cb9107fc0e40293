"""PostgreSQL and NATS for tests: a fresh database per test, made from a migrated template.

``HALL_TEST_DATABASE=postgresql://127.0.0.1/postgres`` runs the fixtures of tests/conftest.py
(``store``, ``app``, ``client``, ``proxied``...) on PostgreSQL; ``HALL_TEST_NATS`` gives the
apps a NATS server. tests/scale/ use both whenever they answer (``require``: skipped without
them, a failure under ``CI=true``, like the browser tests).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import urllib.parse
import uuid
from collections.abc import Iterator

from tests import system

DEFAULT_PG = "postgresql://127.0.0.1/postgres"
DEFAULT_NATS = "nats://127.0.0.1:4222"
_template: dict[str, str] = {}


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def admin_url() -> str:
    return os.environ.get("HALL_TEST_DATABASE") or DEFAULT_PG


def nats_url() -> str:
    return os.environ.get("HALL_TEST_NATS") or DEFAULT_NATS


def _require(url: str, port: int, package: str, apt: str, pip: str) -> str:
    """``url`` when its server answers and ``package`` imports; else skipped (failed in CI)."""
    parts = urllib.parse.urlsplit(url)
    system.require(_answers(parts.hostname or "127.0.0.1", parts.port or port),
                   f"nothing answers at {url} (apt-get install {apt}; docs/scale.md)")  # fmt: skip
    try:
        importlib.import_module(package)
    except ImportError:
        system.require(False, f"{pip} is not installed (pip install -e '.[city]')")
    return url


def require_postgres() -> str:
    """The server URL tests make their databases on; skips (fails in CI) without one or psycopg."""
    return _require(admin_url(), 5432, "psycopg", "postgresql", "psycopg")


def require_nats() -> str:
    return _require(nats_url(), 4222, "nats", "nats-server", "nats-py")


def _with_db(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _template_db(admin: str) -> str:
    """A database with every migration applied, made once per test session."""
    if admin not in _template:
        import psycopg

        from core.store.pg.migrate import migrate

        name = f"hall_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(_with_db(admin, name), autocommit=True) as conn:
            migrate(conn)
        _template[admin] = name
    return _template[admin]


@contextlib.contextmanager
def database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of its own; dropped afterwards."""
    import psycopg

    admin = require_postgres()
    template = _template_db(admin)
    name = f"hall_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _with_db(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_templates() -> None:
    if not _template:
        return
    import psycopg

    for admin, name in _template.items():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _template.clear()
