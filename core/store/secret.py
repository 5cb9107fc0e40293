"""The server secret: keyed hashes of ID numbers, sealed personal data, session cookies."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from core.errors import ConfigError

WEAK_SECRETS = {"secret", "changeme", "change-me", "password", "default", "test", "hall", "dev"}


def load_secret(db_path: Path) -> bytes:
    """``HALL_SECRET``, or a random secret kept beside the database (made on first start).

    :raises ConfigError: a short or placeholder ``HALL_SECRET``.
    """
    env = os.environ.get("HALL_SECRET")
    if env is not None:
        if len(env) < 32 or env.strip().lower() in WEAK_SECRETS:
            raise ConfigError("HALL_SECRET must be at least 32 random characters (or unset: one is generated)")
        return env.encode()
    path = db_path.parent / "hall.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
