"""The counter client: a clerk's keyboard or USB call keypad, or a script, driving one counter.

    python -m counter --server http://127.0.0.1:8000 --counter youyi-1 [--user NAME]
                      [--password-file FILE] [--no-live]

Signs in (the username from ``--user`` or asked; the password from ``--password-file``,
else asked without echo, else the next line of stdin when it is not a terminal), opens
the counter, then acts on single keys: ``n``/space call next, ``r`` recall, ``s`` start,
``d`` done, ``x`` no-show, ``t`` transfer, ``p`` pause, ``u`` resume, ``i`` reinstate,
``l`` list waiting, ``h``/``?`` help, ``q`` close the counter and quit. When stdin is not a
terminal, each line is one key or command, answers may follow inline (``t social f``,
``p 1``, ``i A003``). A live feed prints events that concern this counter and help
requests from kiosks. See docs/counter-client.md.

Exit codes: 0 quit, 1 server unreachable, 2 sign-in failed (or the counter refused us),
130 interrupted.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import threading
from typing import Any

from counter import render
from counter.client import Api, ApiError, Unreachable, ws_url
from counter.live import LiveFeed, LiveFilter
from counter.session import Session
from counter.site import SiteInfo, from_detail
from counter.terminal import Console, for_stdin

EXIT_OK, EXIT_UNREACHABLE, EXIT_SIGN_IN = 0, 1, 2


class SignInFailed(Exception):
    pass


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m counter", description="Counter client for clerks and call keypads")
    p.add_argument("--server", required=True, help="the hall server, e.g. http://127.0.0.1:8000")
    p.add_argument("--counter", required=True, help="counter id, e.g. youyi-1")
    p.add_argument("--user", help="username (asked when missing)")
    p.add_argument("--password-file", help="file whose first line is the password")
    p.add_argument("--no-live", action="store_true", help="no live feed (steadier output for scripts)")
    return p.parse_args(argv)


def read_line(prompt: str) -> str:
    """A line from stdin: asked on a terminal, else the next line of a pipe."""
    if sys.stdin.isatty():
        return input(prompt)
    line = sys.stdin.readline()
    if not line:
        raise SignInFailed("✗ 输入已结束 / stdin ended before the sign-in")
    return line.rstrip("\r\n")


def read_password(path: str | None) -> str:
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                return f.readline().rstrip("\r\n")
        except OSError as e:
            raise SignInFailed(f"✗ 读不了密码文件 / cannot read the password file: {e}") from None
    if sys.stdin.isatty():
        return getpass.getpass("密码 / password: ")
    return read_line("")


def find_site(api: Api, hint: str | None, counter_id: str) -> SiteInfo:
    """The counter's site: the clerk's own first, else every site (admins have none)."""
    ids = ([hint] if hint else []) + [s["id"] for s in api.sites() if s["id"] != hint]
    for site_id in ids:
        found = from_detail(api.site(site_id), counter_id)
        if found is not None:
            return found
    raise ApiError(404, "unknown_counter", f"没有这个窗口 / unknown counter {counter_id!r}")


def sign_in(api: Api, args: argparse.Namespace, out: Console) -> tuple[SiteInfo, str]:
    """Sign in and open the counter; returns the site and the username.

    :raises SignInFailed: bad credentials, or the counter refused this clerk.
    :raises Unreachable: no server.
    """
    user = args.user or read_line("用户名 / username: ")
    password = read_password(args.password_file)
    try:
        who = api.login(user, password)
        opened = api.act(args.counter, "open")
        site = find_site(api, who.get("site"), args.counter)
    except ApiError as e:
        raise SignInFailed(f"{render.error_line(e.code, e.message)}\n✗ 登录失败 / sign-in failed") from None
    out.say(render.opened_line(opened, user))
    out.say("h 帮助 / help · q 退出 / quit")
    return site, current_number(opened)


def current_number(resp: dict[str, Any]) -> str:
    return str(((resp.get("counter") or {}).get("current") or {}).get("number") or "")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    out = Console(sys.stdout)
    api = Api(args.server)
    try:
        site, in_hand = sign_in(api, args, out)
    except Unreachable as e:
        out.say(str(e))
        return EXIT_UNREACHABLE
    except (SignInFailed, EOFError, KeyboardInterrupt) as e:
        out.say(str(e) or "✗ 登录失败 / sign-in failed")
        return EXIT_SIGN_IN
    live, lock = LiveFilter(site), threading.Lock()
    live.in_hand(in_hand)
    feed = None
    if not args.no_live:
        feed = LiveFeed(lambda since: ws_url(api.base, site.id, since), live, lock, out.say)
        feed.start()
    try:
        with for_stdin(out) as inp:
            return Session(api, site, inp, out, live, lock).run()
    except KeyboardInterrupt:
        return 130
    finally:
        if feed is not None:
            feed.stop()


if __name__ == "__main__":
    sys.exit(main())
