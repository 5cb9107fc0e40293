"""Live events to websocket subscribers.

Each event is serialised once; each subscriber has a bounded queue and its own sender
task, so a slow or stalled client never delays the others. A subscriber whose queue
overflows is dropped: it reconnects with ``since`` and catches up from the event log.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque

import protocol.site
from core.events import Event
from protocol.events import STAFF_NAMED

log = logging.getLogger("hall.hub")
QUEUE_SIZE = 256


def wire(event: Event, staff: bool = False) -> str:
    """The event as the site socket sends it (protocol.site); to staff with who acted, for
    the types that name them (``Event.staff``)."""
    named = event.staff() if staff else None
    data = event.data if named is None else named["data"]
    return protocol.site.encode(protocol.site.event(event.type, event.seq, event.site, event.at.isoformat(), data))


Item = tuple[int, str] | None  # (seq, text), or None: the end


class Mailbox:
    """The few operations of ``asyncio.Queue`` a sender uses, with less work per message (a
    deque and at most one waiting sender): a call reaches every socket through one of these."""

    __slots__ = ("_items", "_max", "_waiter")

    def __init__(self, maxsize: int) -> None:
        self._items: deque[Item] = deque()
        self._max = maxsize
        self._waiter: asyncio.Future[None] | None = None

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    def put_nowait(self, item: Item) -> None:
        if len(self._items) >= self._max:
            raise asyncio.QueueFull
        self._items.append(item)
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def get_nowait(self) -> Item:
        if not self._items:
            raise asyncio.QueueEmpty
        return self._items.popleft()

    async def get(self) -> Item:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return self._items.popleft()


class Subscriber:
    def __init__(self, site: str, staff: bool = False) -> None:
        self.site = site
        self.staff = staff  # a signed-in staff member of the site: sees Event.staff() where it differs
        self.queue = Mailbox(QUEUE_SIZE)
        self.overflowed = False

    def end(self) -> None:
        """Stop the sender at once: drop what is queued and put the end marker."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    def offer(self, seq: int, text: str) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait((seq, text))
        except asyncio.QueueFull:
            self.overflowed = True
            self.end()


class Hub:
    def __init__(self) -> None:
        self._subs: dict[str, set[Subscriber]] = defaultdict(set)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.published = 0

    def subscribe(self, site: str, staff: bool = False) -> Subscriber:
        sub = Subscriber(site, staff)
        self._subs[site].add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subs[sub.site].discard(sub)

    def count(self, site: str | None = None) -> int:
        if site is not None:
            return len(self._subs.get(site, ()))
        return sum(len(s) for s in self._subs.values())

    def publish(self, events: list[Event]) -> None:
        """Fan out committed events, in commit order. Call on the event loop."""
        for event in events:
            self.published += 1
            subs = self._subs.get(event.site)
            if not subs:  # nobody listens at this site: no text to make (a ticket rush at a quiet site)
                continue
            text = wire(event)
            staff_text = text if event.type not in STAFF_NAMED else wire(event, staff=True)
            for sub in tuple(subs):
                sub.offer(event.seq, staff_text if sub.staff else text)

    def publish_threadsafe(self, events: list[Event]) -> None:
        """Called by the writer thread after a commit: hands the events to the loop in order."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.publish, events)
