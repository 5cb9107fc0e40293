"""The command line: staff accounts, device tokens and backups, on the database a server
may be using at the same moment (each command is one short transaction)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

from core import accounts
from core.config import Config
from core.days import clock
from core.store.db import Store, is_postgres
from core.store.secret import load_secret


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="server.py", description="Hall queue and kiosk server")
    p.add_argument("--config", default="config.toml", help="district configuration (default: config.toml)")
    p.add_argument(
        "--db",
        default=os.environ.get("HALL_DATABASE", "data/hall.db"),
        help="SQLite database file, or a postgresql:// URL for several processes (default: $HALL_DATABASE or "
        "data/hall.db; docs/scale.md)",
    )
    p.add_argument(
        "--nats",
        default=os.environ.get("HALL_NATS"),
        help="with PostgreSQL: NATS server for live events across processes, e.g. nats://127.0.0.1:4222 "
        "(default: $HALL_NATS; without it other processes' events arrive by polling, about a second late)",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="0: any free port (see --port-file)")
    p.add_argument("--port-file", help="once serving, write the port listened on to this file (for harnesses)")
    p.add_argument("--demo", action="store_true", help="demo mode: demo accounts, clock at an open hour, walk-ins")
    sub = p.add_subparsers(dest="command")
    user = sub.add_parser("user", help="staff accounts").add_subparsers(dest="action", required=True)
    add = user.add_parser("add", help="create or update an account; the password is read from stdin")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    add.add_argument("--site")
    for action, what in (("disable", "end every session and token of an account and refuse it"), ("enable", "")):
        user.add_parser(action, help=what or "let a disabled account sign in again").add_argument("name")
    device = sub.add_parser("device", help="kiosks and displays").add_subparsers(dest="action", required=True)
    tok = device.add_parser("token", help="print a new token for a kiosk or display (the old one stops working)")
    tok.add_argument("device_id")
    device.add_parser("revoke", help="end a kiosk's or display's token").add_argument("device_id")
    backup = sub.add_parser("backup", help="online, consistent copy of the database (safe while serving)")
    backup.add_argument("dest")
    return p.parse_args(argv)


@contextlib.contextmanager
def offline_store(config: Config, db: str) -> Iterator[Store]:
    """The database as a command opens it beside a running server (its own connection and
    writer), closed when the command is done."""
    store = Store(db, config, clock.from_env(), load_secret(db))
    try:
        yield store
    finally:
        store.close()


def user_add(config: Config, db: str, name: str, role: str, site: str | None) -> None:
    password = sys.stdin.readline().rstrip("\n")
    password_hash = accounts.hash_password(password)
    with offline_store(config, db) as store:
        store.write_sync(accounts.add_user, name, role, site, password_hash)
    print(f"user {name} ({role}{', ' + site if site else ''}) saved")


def user_disable(config: Config, db: str, name: str, disabled: bool) -> None:
    with offline_store(config, db) as store:
        store.write_sync(accounts.set_disabled, name, disabled)
    print(f"user {name} {'disabled: its sessions and tokens have ended' if disabled else 'enabled'}")


def device_token(config: Config, db: str, device_id: str, revoke: bool) -> None:
    with offline_store(config, db) as store:
        if revoke:
            had = store.write_sync(accounts.revoke_device, device_id)
        else:
            token = store.write_sync(accounts.new_device_token, device_id)
    if revoke:
        print(f"token of {device_id} revoked" if had else f"{device_id} had no token")
    else:
        print(f"token for {device_id}: {token}")


def backup(db: str, dest: str) -> None:
    """SQLite's online backup: a consistent copy even while the server writes."""
    if is_postgres(db):
        raise SystemExit("backup of a PostgreSQL database: use pg_dump (docs/scale.md)")
    if not Path(db).exists():
        raise SystemExit(f"no database at {db}")
    target = Path(dest)
    if target.exists():
        raise SystemExit(f"{dest} exists: choose a new file name")
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy, pages=1024)
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    print(f"backup of {db} written to {dest} (integrity: {ok})")
