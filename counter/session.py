"""The key loop: read a command, ask what it needs, call the API, print one line."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from counter import keys, render
from counter.client import Api, ApiError, Unreachable
from counter.keys import Action
from counter.live import LiveFilter, expected_events
from counter.site import SiteInfo
from counter.terminal import Console, Input

Resp = dict[str, Any]
SIMPLE = (Action.NEXT, Action.RECALL, Action.START, Action.DONE, Action.NO_SHOW, Action.RESUME)
TRANSFER_PROMPT = "转到业务或窗口 / transfer to (service id or letter, counter id or number): "
POSITION_PROMPT = "f 排到前面 front · a 按到达时间 by arrival: "
PAUSE_PROMPT = "暂停原因 / reason: 1 休息 break · 2 会议 meeting · 3 系统故障 fault · 4 协助同事 helping: "
REINSTATE_PROMPT = "恢复哪个号 / number to reinstate (e.g. A003): "
CANCELLED = "已取消 / cancelled"


class Session:
    def __init__(self, api: Api, site: SiteInfo, inp: Input, out: Console, live: LiveFilter,
                 lock: threading.Lock, clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.api = api
        self.site = site
        self.inp = inp
        self.out = out
        self.live = live
        self.lock = lock
        self.clock = clock

    def run(self) -> int:
        """Commands until ``q``; the exit code (0 quit, 1 server unreachable at quit, 130 Ctrl-C)."""
        try:
            while True:
                text = self.inp.key()
                if text is None:
                    return self._leave(0)
                code = self.step(text)
                if code is not None:
                    return code
        except KeyboardInterrupt:
            self.out.say("")
            return self._leave(130)

    def step(self, text: str) -> int | None:
        """Run one key or script line; an exit code when the session is over."""
        if keys.is_blank(text):
            return None
        cmd = keys.parse(text)
        if cmd is None:
            self.out.say(f"? 未知按键 / unknown key {text.strip()!r} — h 帮助 / help")
        elif cmd.action is Action.QUIT:
            return self.quit()
        elif cmd.action in SIMPLE:
            self._call(cmd.action, cmd.action.value, None, lambda r: render.action_line(cmd.action, r))
        elif cmd.action is Action.TRANSFER:
            self.transfer(cmd.args)
        elif cmd.action is Action.PAUSE:
            self.pause(cmd.args)
        elif cmd.action is Action.REINSTATE:
            self.reinstate(cmd.args)
        elif cmd.action is Action.LIST:
            self.show_list()
        else:
            for line in render.help_lines(self.site):
                self.out.say(line)
        return None

    # -- actions -----------------------------------------------------------------------
    def _call(self, action: Action, path: str, body: Mapping[str, Any] | None,
              line: Callable[[Resp], str]) -> Resp | None:  # fmt: skip
        """POST the action; print its line or the API's error. The live feed waits meanwhile."""
        with self.lock:
            try:
                resp = self.api.act(self.site.counter_id, path, body)
            except ApiError as e:
                self.out.say(render.error_line(e.code, e.message))
                return None
            except Unreachable as e:
                self.out.say(str(e))
                return None
            self.live.expect(expected_events(action, resp), self.clock())
            self.live.in_hand(((resp.get("counter") or {}).get("current") or {}).get("number"))
            self.out.say(line(resp))
            return resp

    def _arg(self, args: tuple[str, ...], i: int, ask: Callable[[str], str | None], prompt: str) -> str | None:
        return args[i] if len(args) > i else ask(prompt)

    def transfer(self, args: tuple[str, ...]) -> None:
        if not self._check_in_hand():
            return
        answer = self._arg(args, 0, self.inp.ask, TRANSFER_PROMPT)
        target = keys.transfer_target(answer or "", self.site)
        if target is None:
            self.out.say(f"✗ 没有这个业务或窗口 / no such service or counter: {answer!r} — {CANCELLED}")
            return
        position = keys.position(self._arg(args, 1, self.inp.choose, POSITION_PROMPT) or "")
        if position is None:
            self.out.say(f"✗ 请选 f 或 a / choose f or a — {CANCELLED}")
            return
        kind, ident = target
        label = self.site.service_name(ident) if kind == "service" else self.site.counter_label(ident)
        self._call(Action.TRANSFER, "transfer", {kind: ident, "position": position},
                   lambda r: render.transferred_line(r, label, position))  # fmt: skip

    def pause(self, args: tuple[str, ...]) -> None:
        reason = keys.pause_reason(self._arg(args, 0, self.inp.choose, PAUSE_PROMPT) or "")
        if reason is None:
            self.out.say(f"✗ 请选 1-4 / choose 1-4 — {CANCELLED}")
            return
        self._call(Action.PAUSE, "pause", {"reason": reason}, lambda r: render.action_line(Action.PAUSE, r))

    def reinstate(self, args: tuple[str, ...]) -> None:
        answer = self._arg(args, 0, self.inp.ask, REINSTATE_PROMPT) or ""
        number = keys.ticket_number(answer)
        position = keys.position(args[1]) if len(args) > 1 else "arrival"
        if number is None or position is None:
            self.out.say(f"✗ 号码应像 A003 / a number looks like A003: {answer!r} — {CANCELLED}")
            return
        self._call(Action.REINSTATE, "reinstate", {"number": number, "position": position},
                   lambda r: render.action_line(Action.REINSTATE, r))  # fmt: skip

    def _state(self) -> Resp | None:
        """``GET /counters/{id}``, or None after printing why not."""
        try:
            return self.api.counter(self.site.counter_id)
        except ApiError as e:
            self.out.say(render.error_line(e.code, e.message))
        except Unreachable as e:
            self.out.say(str(e))
        return None

    def _check_in_hand(self) -> bool:
        """Before asking where to transfer: is there a ticket to transfer at all?"""
        state = self._state()
        if state is not None and not state["counter"].get("current"):
            self.out.say(render.error_line("no_current_ticket", "窗口当前没有号 / no ticket at this counter"))
        return state is not None and bool(state["counter"].get("current"))

    def show_list(self) -> None:
        state = self._state()
        for line in render.waiting_list(state, self.site) if state else []:
            self.out.say(line)

    # -- leaving -----------------------------------------------------------------------
    def quit(self, leaving: bool = False) -> int | None:
        """Close the counter and end (0); stay (None) while a ticket is in hand; 1 if unreachable.

        ``leaving``: the input has ended, so we go anyway and only say what stays behind.
        """
        try:
            with self.lock:
                resp = self.api.act(self.site.counter_id, "close")
                self.live.expect(expected_events(Action.QUIT, resp), self.clock())
        except Unreachable as e:
            self.out.say(str(e))
            return 1
        except ApiError as e:
            if e.code != "counter_busy":  # e.g. a supervisor closed it already: nothing to keep us
                self.out.say(render.error_line(e.code, e.message))
                return 0
            held = self._in_hand()
            self.out.say(render.left_open_line(held) if leaving else render.busy_line(held))
            return None
        self.out.say(render.closed_line(resp))
        return 0

    def _leave(self, code: int) -> int:
        """End of input or Ctrl-C: close the counter if possible, then end in any case."""
        result = self.quit(leaving=True)
        return result if result else code

    def _in_hand(self) -> dict[str, Any] | None:
        with contextlib.suppress(ApiError, Unreachable, KeyError):
            current: dict[str, Any] | None = self.api.counter(self.site.counter_id)["counter"]["current"]
            return current
        return None
