"""The hall server: load the config, build the app, run uvicorn; and the command line.

python server.py [--config FILE] [--db FILE|postgresql://...] [--nats URL] [--host H] [--port P]
                 [--port-file FILE] [--demo]
python server.py [--config FILE] [--db FILE] user add NAME --role clerk|supervisor|admin [--site SITE]
python server.py [--config FILE] [--db FILE] user disable|enable NAME
python server.py [--config FILE] [--db FILE] device token|revoke DEVICE_ID
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import msgspec
import uvicorn

from cli import demo as demo_mod
from cli.commands import backup, device_token, parse_args, user_add, user_disable
from core.config import Config, load
from core.days import clock
from core.errors import ConfigError, HallError
from web.app import create_app
from web.guard import connections
from web.guard.logs import configure

log = logging.getLogger("hall")


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the app is built: with ``--port 0`` the system picks a free
    port, and the printed URLs and ``public_url`` must carry the port actually got."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart rebinds at once (as uvicorn does)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class Server(uvicorn.Server):
    """uvicorn's server, calling ``started`` once it accepts connections."""

    def __init__(self, config: uvicorn.Config, started: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_started = started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.on_started()


def report(url: str, port: int, port_file: str | None) -> None:
    """Say where the server listens: a log line, and ``--port-file`` (written whole, then renamed
    into place, so that a harness reading it never sees half a number)."""
    log.info("serving on %s", url, extra={"fields": {"url": url, "port": port}})
    if port_file:
        path = Path(port_file)
        part = path.with_name(path.name + ".part")
        part.write_text(f"{port}\n", encoding="ascii")
        os.replace(part, path)


def serve(config: Config, args: argparse.Namespace) -> None:
    try:
        sock = bind(args.host, args.port)
    except OSError as e:
        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {e.strerror}") from e
    port = int(sock.getsockname()[1])
    public = f"http://{args.host}:{port}"
    the_clock = clock.from_env()
    demo = None
    if args.demo:
        the_clock, demo = demo_mod.prepare(config, args.db, the_clock, public)
    every = float(os.environ.get("HALL_HOUSEKEEPING_SECONDS", "15"))
    app = create_app(
        config, args.db, the_clock, demo=demo, housekeeping_every=every, public_url=public, nats_url=args.nats
    )
    # Fewer, larger young-generation collections: the default threshold (700) made
    # collections the main source of ticket-issue p99 latency (89 ms -> 38 ms at 64 clients).
    gc.set_threshold(100_000, 50, 100)
    limits = config.limits
    if os.environ.get("HALL_LIMITS", "on") == "off":  # load tests: lift the per-address cap too
        limits = msgspec.structs.replace(limits, connections_per_address=1_000_000)
    http, ws, _guard = connections.protocols(limits)
    settings = uvicorn.Config(
        app,
        host=args.host,
        port=port,
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
    server = Server(settings, lambda: report(public, port, args.port_file))
    # as uvicorn.run does for one worker, but on the socket bound above
    with sock:
        server.run(sockets=[sock])
    if not server.started:
        sys.exit(3)  # uvicorn's STARTUP_FAILURE: the lifespan failed (its error is logged)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
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
