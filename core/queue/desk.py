"""What a counter's clerk sees (``GET /api/v1/counters/{id}``): the counter, the ticket in
hand, the tickets waiting for it, the last ticket that left it and what Reinstate can take."""

from __future__ import annotations

import math
from typing import Any

from core import store
from core.model import Ticket, iso
from core.queue import counters, views
from core.store.db import Reader


def waiting_item(t: Ticket, now_ts: float) -> dict[str, Any]:
    return {
        "number": t.number,
        "service": t.service,
        "priority": t.priority,
        "arrived_at": iso(t.arrived_ts),
        "waited_minutes": math.floor((now_ts - t.arrived_ts) / 60),
        "front": bool(t.front),
        "target_counter": t.target_counter,
        "requeued": bool(t.requeued),
    }


def waiting_at(r: Reader, site_id: str, counter_id: str, services: list[str]) -> list[Ticket]:
    """The counter's services' waiting tickets (not those sent to another counter by name), then
    the tickets of other services transferred to this counter."""
    waiting = [w for w in store.waiting_list(r, site_id, services, limit=100) if w.target_counter in (None, counter_id)]
    waiting += [w for w in store.targeted_at(r, site_id, counter_id) if w.service not in services]
    return waiting


def state(r: Reader, counter_id: str, base: str, ticket_id: str | None = None) -> dict[str, Any]:
    """The counter's state; ``ticket_id``: the ticket to show (default: the one in hand)."""
    row = store.counter(r, counter_id)
    found = r.config.counter(counter_id)
    assert row is not None and found is not None
    site, k = found
    out: dict[str, Any] = {"counter": views.counter_view(r, row, private=True)}
    shown = ticket_id or row.current
    t = store.ticket(r, shown) if shown else None
    out["ticket"] = None if t is None else {**views.ticket_view(r, t, base), "id_masked": t.id_masked}
    out["waiting"] = [waiting_item(w, r.now.timestamp()) for w in waiting_at(r, site.id, counter_id, k.services)]
    out.update(counters.last_and_reinstatable(r, counter_id))
    return out
