"""The hall server: load the config, build the app, run uvicorn; and the command line.

python server.py [--config FILE] [--db FILE] [--host H] [--port P] [--demo]
python server.py [--config FILE] [--db FILE] user add NAME --role clerk|supervisor|admin [--site SITE]
python server.py [--config FILE] [--db FILE] user disable|enable NAME
python server.py [--config FILE] [--db FILE] device token|revoke DEVICE_ID
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from core import accounts, clock
from core.config import Config, load
from core.errors import ConfigError, HallError
from core.store.db import Store


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="server.py", description="Hall queue and kiosk server")
    p.add_argument("--config", default="config.toml", help="district configuration (default: config.toml)")
    p.add_argument("--db", default="data/hall.db", help="SQLite database file (default: data/hall.db)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
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


def offline_store(config: Config, db: str) -> Store:
    from web.app import load_secret

    return Store(db, config, clock.from_env(), load_secret(Path(db)))


def user_add(config: Config, db: str, name: str, role: str, site: str | None) -> None:
    password = sys.stdin.readline().rstrip("\n")
    password_hash = accounts.hash_password(password)
    store = offline_store(config, db)
    try:
        store.write_sync(accounts.add_user, name, role, site, password_hash)
    finally:
        store.close()
    print(f"user {name} ({role}{', ' + site if site else ''}) saved")


def user_disable(config: Config, db: str, name: str, disabled: bool) -> None:
    store = offline_store(config, db)
    try:
        store.write_sync(accounts.set_disabled, name, disabled)
    finally:
        store.close()
    print(f"user {name} {'disabled: its sessions and tokens have ended' if disabled else 'enabled'}")


def device_token(config: Config, db: str, device_id: str, revoke: bool) -> None:
    store = offline_store(config, db)
    try:
        if revoke:
            had = store.write_sync(accounts.revoke_device, device_id)
        else:
            token = store.write_sync(accounts.new_device_token, device_id)
    finally:
        store.close()
    if revoke:
        print(f"token of {device_id} revoked" if had else f"{device_id} had no token")
    else:
        print(f"token for {device_id}: {token}")


def backup(db: str, dest: str) -> None:
    """SQLite's online backup: a consistent copy even while the server writes."""
    import sqlite3

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


def serve(config: Config, args: argparse.Namespace) -> None:
    import msgspec
    import uvicorn

    from web import connections
    from web.app import create_app

    the_clock = clock.from_env()
    demo = None
    if args.demo:
        from web import demo as demo_mod

        the_clock, demo = demo_mod.prepare(config, args.db, the_clock, f"http://{args.host}:{args.port}")
    every = float(os.environ.get("HALL_HOUSEKEEPING_SECONDS", "15"))
    public = f"http://{args.host}:{args.port}"
    app = create_app(config, args.db, the_clock, demo=demo, housekeeping_every=every, public_url=public)
    # Fewer, larger young-generation collections: the default threshold (700) made
    # collections the main source of ticket-issue p99 latency (89 ms -> 38 ms at 64 clients).
    gc.set_threshold(100_000, 50, 100)
    limits = config.limits
    if os.environ.get("HALL_LIMITS", "on") == "off":  # load tests: lift the per-address cap too
        limits = msgspec.structs.replace(limits, connections_per_address=1_000_000)
    http, ws, _guard = connections.protocols(limits)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        http=http,
        ws=ws,
        ws_max_size=limits.ws_max_message_bytes,
        ws_ping_interval=limits.ws_ping_interval_seconds,
        ws_ping_timeout=limits.ws_ping_timeout_seconds,
        timeout_keep_alive=limits.keep_alive_seconds,
        ws_per_message_deflate=False,
        log_level="info",
        log_config=None,  # keep our JSON logging
        access_log=False,
        proxy_headers=False,  # the trusted proxy is ours to configure (config.toml [limits])
        lifespan="on",
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from web.logs import configure

    configure()
    try:
        config = load(args.config)
    except ConfigError as e:
        print(f"config error in {args.config}: {e}", file=sys.stderr)
        return 2
    try:
        if args.command == "user" and args.action == "add":
            user_add(config, args.db, args.name, args.role, args.site)
        elif args.command == "user":
            user_disable(config, args.db, args.name, args.action == "disable")
        elif args.command == "device":
            device_token(config, args.db, args.device_id, args.action == "revoke")
        elif args.command == "backup":
            backup(args.db, args.dest)
        else:
            serve(config, args)
    except HallError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 1
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
