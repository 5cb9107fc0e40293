"""The live feed: site events that concern this counter, as short lines.

``LiveFilter`` is pure (the time is passed in): it keeps the few facts it needs (tickets
held at this counter, waiting totals, the last ``seq``) and turns an event into lines.
Events this client caused itself are announced by the key loop (``expect``) and not
printed twice. ``LiveFeed`` is the thread that holds the websocket and reconnects with
``?since=<last seq>`` after a drop.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.sync.client import connect

from counter import render
from counter.keys import Action
from counter.site import SiteInfo
from protocol import site
from protocol.events import EventType

EXPECT_SECONDS = 30.0
WAITING_EVERY = 10.0
AT_COUNTER: frozenset[EventType] = frozenset({"ticket.called", "ticket.recalled", "ticket.serving"})
LEAVING: frozenset[EventType] = frozenset(
    {"ticket.done", "ticket.no_show", "ticket.transferred", "ticket.expired", "ticket.cancelled"}
)
MAX_DELAY = 30.0

Expected = tuple[EventType, str]  # (event type, ticket number or "counter-id:state")


TICKET_EVENTS: dict[Action, tuple[EventType, ...]] = {
    Action.NEXT: ("ticket.called",),
    Action.RECALL: ("ticket.recalled",),
    Action.START: ("ticket.serving",),
    Action.DONE: ("ticket.serving", "ticket.done"),  # done on a called ticket starts it first
    Action.NO_SHOW: ("ticket.no_show",),
    Action.TRANSFER: ("ticket.transferred",),
}


def counter_key(counter: Mapping[str, Any]) -> str:
    return f"{counter.get('id')}:{counter.get('state')}"


def expected_events(action: Action, resp: Mapping[str, Any]) -> list[Expected]:
    """The events a successful action has caused, as ``LiveFilter.expect`` wants them."""
    if action in (Action.PAUSE, Action.RESUME, Action.QUIT):
        return [("counter.updated", counter_key(resp.get("counter") or {}))]
    ticket = resp.get("ticket")
    if not ticket:
        return []
    return [(type_, str(ticket["number"])) for type_ in TICKET_EVENTS.get(action, ())]


class LiveFilter:
    """Which events concern this counter, and the waiting totals at most every ``every`` seconds."""

    def __init__(self, site: SiteInfo, every: float = WAITING_EVERY) -> None:
        self.site = site
        self.every = every
        self.last_seq: int | None = None
        self.held: set[str] = set()  # numbers in hand at this counter, as far as we know
        self._snap_seq = -1
        self._expected: dict[Expected, float] = {}
        self._totals: dict[str, int] = {}
        self._shown: dict[str, int] | None = None
        self._shown_at: float | None = None
        self._pending = False

    # -- what the key loop tells us ----------------------------------------------------
    def expect(self, keys: Iterable[Expected], now: float) -> None:
        """Events our own action will cause: they are already on screen."""
        self._expected = {k: t for k, t in self._expected.items() if now - t < EXPECT_SECONDS}
        self._expected.update((k, now) for k in keys)

    def in_hand(self, number: str | None) -> None:
        if number:
            self.held.add(number)

    def _mine(self, key: Expected) -> bool:
        return self._expected.pop(key, None) is not None

    # -- what the server tells us ------------------------------------------------------
    def handle(self, msg: site.Message, now: float) -> list[str]:
        """Lines to print for one websocket message (a snapshot or an event)."""
        seq = msg.seq
        replayed = seq <= self._snap_seq
        self.last_seq = max(seq, self.last_seq or 0)
        data = msg.data
        if isinstance(msg, site.Snapshot):
            self._snapshot(data, seq)
            return self._offer_totals(now)
        type_ = msg.type
        lines: list[str] = []
        if type_ == "help.requested":
            lines.append(render.help_requested_line(data))
        elif type_ == "counter.updated":
            lines += self._counter(data.get("counter") or {})
        elif isinstance(data.get("ticket"), dict):
            lines += self._ticket(type_, data)
        if not replayed:
            self._count(type_, data)
        return lines + self._offer_totals(now)

    def tick(self, now: float) -> list[str]:
        """Totals held back by the rate limit, once their time has come."""
        return self._offer_totals(now) if self._pending else []

    def _snapshot(self, data: Mapping[str, Any], seq: int) -> None:
        self._snap_seq = seq
        self._totals = {str(k): int(v) for k, v in (data.get("waiting") or {}).items()}
        for c in data.get("counters") or []:
            if c.get("id") == self.site.counter_id and c.get("current"):
                self.held.add(c["current"]["number"])

    def _counter(self, counter: Mapping[str, Any]) -> list[str]:
        if counter.get("id") != self.site.counter_id or self._mine(("counter.updated", counter_key(counter))):
            return []
        return [render.counter_event_line(counter)]

    def _ticket(self, type_: EventType, data: Mapping[str, Any]) -> list[str]:
        t = data["ticket"]
        number = str(t.get("number"))
        at = (t.get("counter") or {}).get("id")
        if type_ in AT_COUNTER and at == self.site.counter_id:
            self.held.add(number)
        elif type_ == "ticket.called":
            self.held.discard(number)  # called elsewhere: no longer ours
            return []
        elif type_ in LEAVING and number in self.held:
            self.held.discard(number)
        elif type_ == "ticket.transferred" and data.get("position") == "front":
            mine = t.get("service") in self.site.counter_services and not self._mine((type_, number))
            return [render.front_transfer_line(t, self.site)] if mine else []
        else:
            return []
        return [] if self._mine((type_, number)) else [render.ticket_event_line(type_, t, self.site)]

    def _count(self, type_: EventType, data: Mapping[str, Any]) -> None:
        if isinstance(data.get("waiting"), dict):
            self._totals = {str(k): int(v) for k, v in data["waiting"].items()}
        elif type_ == "ticket.issued" and data["ticket"].get("status") == "waiting":
            service = str(data["ticket"].get("service"))
            self._totals[service] = self._totals.get(service, 0) + 1

    def _offer_totals(self, now: float) -> list[str]:
        mine = {s: self._totals.get(s, 0) for s in self.site.counter_services}
        if mine == self._shown:
            self._pending = False
            return []
        if self._shown_at is not None and now - self._shown_at < self.every:
            self._pending = True
            return []
        self._shown, self._shown_at, self._pending = mine, now, False
        return [render.waiting_totals(mine, self.site)]


class LiveFeed(threading.Thread):
    """Holds ``/ws/sites/{site}`` open and prints what ``LiveFilter`` lets through.

    ``lock`` is shared with the key loop: while an action's request is in flight, events
    wait, so the loop can announce the events its action caused before they are judged.
    """

    def __init__(self, url: Callable[[int | None], str], live: LiveFilter, lock: threading.Lock,
                 say: Callable[[str], None], clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        super().__init__(name="counter-live", daemon=True)
        self.url = url
        self.live = live
        self.lock = lock
        self.say = say
        self.clock = clock
        self._halt = threading.Event()

    def stop(self, timeout: float = 3.0) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        delay, lost = 1.0, False
        while not self._halt.is_set():
            try:
                with connect(self.url(self.live.last_seq), open_timeout=10, close_timeout=2) as ws:
                    if lost:
                        self.say(f"{render.LIVE}实时连接已恢复 / live feed back")
                    delay, lost = 1.0, False
                    self._pump(ws)
            except (OSError, WebSocketException) as e:  # TimeoutError is an OSError
                if isinstance(e, ConnectionClosed) and e.rcvd is not None and e.rcvd.code == site.UNKNOWN_SITE:
                    self.say(f"{render.LIVE}实时连接被拒：没有这个中心 / live feed refused: unknown site")
                    return
            if self._halt.is_set():
                return
            if not lost:
                self.say(f"{render.LIVE}实时连接中断，正在重连 / live feed lost, reconnecting")
                lost = True
            self._halt.wait(delay)
            delay = min(delay * 2, MAX_DELAY)

    def _pump(self, ws: Any) -> None:
        while not self._halt.is_set():
            try:
                text = ws.recv(timeout=1.0)
            except TimeoutError:
                self._emit(self.live.tick)
                continue
            try:
                msg = site.decode(text)
            except msgspec.DecodeError:  # not one of the site socket's messages (protocol.site): skipped
                continue
            self._emit(functools.partial(self.live.handle, msg))

    def _emit(self, step: Callable[[float], list[str]]) -> None:
        with self.lock:
            for line in step(self.clock()):
                self.say(line)
