"""The server secret: keyed hashes of ID numbers, sealed personal data, session cookies."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from core.errors import ConfigError

WEAK_SECRETS = {"secret", "changeme", "change-me", "password", "default", "test", "hall", "dev"}


def data_dir(location: str | Path) -> Path:
    """Where the server keeps its files (the secret, notifications.log): beside a SQLite file; for a
    ``postgresql://`` database, ``HALL_DATA_DIR`` (default ``data``) of each process."""
    if str(location).startswith(("postgresql://", "postgres://")):
        return Path(os.environ.get("HALL_DATA_DIR", "data"))
    return Path(location).parent


def load_secret(db_path: str | Path) -> bytes:
    """``HALL_SECRET``, or a random secret kept beside the database (made on first start).

    :raises ConfigError: a short or placeholder ``HALL_SECRET``, or none with PostgreSQL (each
        process would make its own, and none could read what another sealed).
    """
    env = os.environ.get("HALL_SECRET")
    if env is not None:
        if len(env) < 32 or env.strip().lower() in WEAK_SECRETS:
            raise ConfigError("HALL_SECRET must be at least 32 random characters (or unset: one is generated)")
        return env.encode()
    if str(db_path).startswith(("postgresql://", "postgres://")):
        raise ConfigError("with a PostgreSQL database every process needs the same HALL_SECRET (32+ characters)")
    path = data_dir(db_path) / "hall.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
