"""Live events across server processes (PostgreSQL mode): NATS carries them, the database
orders them.

Each process publishes what it commits to the NATS subject ``hall.site.<site>`` and
subscribes to every site's. Core NATS (not JetStream) is enough because the event log in
the database is already the durable, ordered record: a process hands events to its hub
strictly in seq order, one site at a time; an event that arrives early waits, and a gap
that does not close within ``GAP_SECONDS`` (a message lost, NATS away) is read from the
database by seq. A poll every ``POLL_SECONDS`` finds events whose announcement never came
(the last one of a burst lost, NATS down: then the poll alone carries them, a second late).
JetStream would add a second durable log to keep in step, and its order is the order
messages reached the server, not the order of commits: it would not spare the reordering.
Duplicates (a process hears its own events back) are dropped by seq.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from core.events import Event
from core.queue import views
from core.store.db import Store
from web.live.hub import Hub

log = logging.getLogger("hall.relay")
SUBJECT = "hall.site."
GAP_SECONDS = 0.2
POLL_SECONDS = 1.0
FILL_LIMIT = 2000


def encode(event: Event) -> bytes:
    return json.dumps(
        [event.site, event.seq, event.type, event.at.isoformat(), event.data, event.actor, event.ticket],
        ensure_ascii=False,
    ).encode()


def decode(raw: bytes) -> Event:
    site, seq, type_, at, data, actor, ticket = json.loads(raw)
    return Event(str(site), int(seq), type_, dt.datetime.fromisoformat(at), data, actor, ticket)


class Relay:
    """Puts the events of every process into this process's hub, each site in seq order, once."""

    def __init__(self, hub: Hub, nats_url: str | None) -> None:
        self.hub = hub
        self.store: Store  # set once the store is made (it takes committed_threadsafe)
        self.nats_url = nats_url
        self.delivered: dict[str, int] = {}  # the last seq handed to the hub, per site
        self.early: dict[str, dict[int, Event]] = defaultdict(dict)
        self.filling: set[str] = set()
        self.outbox: asyncio.Queue[list[Event]] = asyncio.Queue()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.nc: Any = None
        self.tasks: list[asyncio.Task[None]] = []
        self.filled = 0  # events read from the database rather than heard (tests, logs)

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        sites = [s.id for s in self.store.config.sites]
        self.delivered = await self.store.read(views.last_seqs, sites)
        self.tasks.append(asyncio.create_task(self._poll()))
        if self.nats_url:
            # in the background: a NATS that is away at start (or later) leaves the poll to carry events
            self.tasks.append(asyncio.create_task(self._nats(self.nats_url)))

    async def _nats(self, url: str) -> None:
        import nats  # only where NATS is configured

        said: dict[str, float] = {}

        async def error(e: Exception) -> None:  # once a minute per kind of error, not at every retry
            now = asyncio.get_running_loop().time()
            if now - said.get(type(e).__name__, -3600.0) >= 60:
                said[type(e).__name__] = now
                log.warning("nats: %s (events of other processes come by the poll meanwhile)", e)

        self.nc = await nats.connect(
            url, name="hall", error_cb=error, max_reconnect_attempts=-1, reconnect_time_wait=0.5, connect_timeout=2
        )
        await self.nc.subscribe(SUBJECT + "*", cb=self._heard)
        log.info("nats: connected", extra={"fields": {"url": url}})
        await self._publish()

    @property
    def connected(self) -> bool:
        return self.nc is not None and bool(self.nc.is_connected)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await (self.nc.drain() if self.connected else self.nc.close())

    # -- in ------------------------------------------------------------------------
    def committed_threadsafe(self, events: list[Event]) -> None:
        """The store's ``on_commit`` (writer thread): to this hub and to the other processes."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._committed, events)

    def _committed(self, events: list[Event]) -> None:
        self.offer(events)
        if self.connected:  # else the other processes' poll finds them in the database
            self.outbox.put_nowait(events)

    async def _heard(self, msg: Any) -> None:
        try:
            event = decode(msg.data)
        except (ValueError, TypeError, KeyError):
            log.warning("nats: a message that is not an event on %s", msg.subject)
            return
        self.offer([event])

    def offer(self, events: list[Event]) -> None:
        """Hand over in order what is next; keep what is early and fetch the gap."""
        for event in events:
            last = self.delivered.get(event.site)
            if last is None or event.seq <= last:
                continue  # not a site of ours, or already delivered
            self.early[event.site][event.seq] = event
            self._flush(event.site)
            if self.early[event.site] and event.site not in self.filling:
                self.filling.add(event.site)
                asyncio.get_running_loop().call_later(GAP_SECONDS, self._fill_later, event.site)

    def _flush(self, site: str) -> None:
        early = self.early[site]
        ready = []
        nxt = self.delivered[site] + 1
        while nxt in early:
            ready.append(early.pop(nxt))
            nxt += 1
        if ready:
            self.delivered[site] = nxt - 1
            self.hub.publish(ready)

    def _fill_later(self, site: str) -> None:
        self.tasks.append(asyncio.create_task(self._fill(site)))

    async def _fill(self, site: str, upto: int | None = None) -> None:
        """Read the site's events after the last delivered one from the database."""
        try:
            if upto is None and self.early[site]:
                upto = max(self.early[site])
            start = self.delivered[site]
            if upto is None or upto <= start:
                return
            events = await self.store.read(views.events_between, site, start, upto, FILL_LIMIT)
            self.filled += sum(1 for e in events if e.seq not in self.early[site])
            for event in events:
                self.early[site].setdefault(event.seq, event)
            self._flush(site)
            self.early[site] = {s: e for s, e in self.early[site].items() if s > self.delivered[site]}
        except Exception:
            log.exception("filling the events of %s failed", site)
        finally:
            self.filling.discard(site)
            current = asyncio.current_task()
            if current in self.tasks:
                self.tasks.remove(current)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                last = await self.store.read(views.last_seqs, list(self.delivered))
            except Exception:
                log.exception("polling the event log failed")
                continue
            for site, seq in last.items():
                if seq > self.delivered[site] and site not in self.filling:
                    self.filling.add(site)
                    await self._fill(site, seq)

    # -- out -----------------------------------------------------------------------
    async def _publish(self) -> None:
        """One task publishes, in commit order; a message that cannot go is left to the poll."""
        while True:
            events = await self.outbox.get()
            for event in events:
                try:
                    await self.nc.publish(SUBJECT + event.site, encode(event))
                except Exception as e:
                    log.warning("nats publish failed (the poll carries it): %s", e)


def on_commit(relay: Relay | None, hub: Hub) -> Callable[[list[Event]], None]:
    """What the store calls after a commit: the relay with PostgreSQL, the hub alone with SQLite."""
    return hub.publish_threadsafe if relay is None else relay.committed_threadsafe
