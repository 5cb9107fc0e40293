"""``python -m kiosk --server URL --kiosk ID --token-file FILE [--config FILE]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from kiosk import __version__
from kiosk.agent import Agent
from kiosk.config import ConfigError, load


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m kiosk", description="Kiosk agent: card reader, scanner, printer")
    p.add_argument("--server", required=True, help="the hall server, e.g. http://127.0.0.1:8000")
    p.add_argument("--kiosk", required=True, help="this kiosk's id in the server's config, e.g. youyi-k1")
    p.add_argument("--token-file", required=True, help="file holding the kiosk's device token (server.py device token)")
    p.add_argument("--config", help="devices (TOML): [printer], [reader], [scanner]; see docs/kiosk.md")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--version", action="version", version=__version__)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    try:  # both files before the first connection, so that a typo stops the start, not a later retry
        config = load(args.config)  # a missing file is a ConfigError too
        open(args.token_file).close()
    except (ConfigError, OSError) as e:
        print(f"config error in {args.config}: {e}" if isinstance(e, ConfigError)
              else f"cannot read the token file {args.token_file}: {e.strerror}", file=sys.stderr)  # fmt: skip
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(Agent(args.server, args.kiosk, args.token_file, config).run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
