"""What the outside sees: tickets, counters, services and the site snapshot, as plain dicts.

``public_*`` shapes go to displays and public sockets and never hold personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, Protocol

from core import store
from core.config import Site
from core.days.calendar import Schedule
from core.days.hours import is_open
from core.errors import UnknownSite
from core.events import Event
from core.model import PAUSE_REASONS, CounterRow, Ticket, iso
from core.queue import estimate
from core.queue.calling import Candidate
from core.store import notices as notices_sql
from core.store import remote as remote_sql
from core.store.rows import Conn


class Ctx(Conn, Protocol):
    """A Tx or Reader: a connection plus ``config``, ``now``, the memo and the holiday schedule."""

    config: Any
    now: Any
    memo: MutableMapping[Any, Any]
    schedule: Schedule


def _counter_ref(c: Ctx, counter_id: str | None) -> dict[str, Any] | None:
    if counter_id is None:
        return None
    found = c.config.counter(counter_id)
    return None if found is None else {"id": counter_id, "number": found[1].number}


def public_ticket(c: Ctx, t: Ticket) -> dict[str, Any]:
    return {
        "number": t.number,
        "service": t.service,
        "status": t.status,
        "counter": _counter_ref(c, t.counter if t.status in ("called", "serving") else None),
        "recalls": t.recalls,
    }


def site_or_raise(c: Ctx, site_id: str) -> Site:
    site: Site | None = c.config.site(site_id)
    if site is None:
        raise UnknownSite.of(site_id)
    return site


def _open_counters(c: Ctx, site: Site) -> list[tuple[CounterRow, list[str]]]:
    rows = {r.id: r for r in store.site_counters(c, site.id)}
    return [(rows[k.id], k.services) for k in site.counters if k.id in rows and rows[k.id].state == "open"]


ESTIMATE_SECONDS = 2.0


def estimates(c: Ctx, site: Site) -> dict[str, estimate.Forecast]:
    """Per service: when its waiting tickets, and one taken now, should be called.

    Recomputed at most every ``ESTIMATE_SECONDS`` of hall time per site: an estimate in
    minutes does not change within two seconds, and a rush of tickets should not pay for it
    each time.
    """
    key = ("estimates", site.id, int(c.now.timestamp() // ESTIMATE_SECONDS))
    cached: dict[str, estimate.Forecast] | None = c.memo.get(key)
    if cached is None:
        if len(c.memo) > 1000:
            c.memo.clear()
        cached = c.memo[key] = _estimates(c, site)
    return cached


def _estimates(c: Ctx, site: Site) -> dict[str, estimate.Forecast]:
    now = c.now.timestamp()
    window = c.config.policy.estimate_window
    cycle = {
        s: estimate.mean_minutes(store.recent_cycles(c, site.id, s, window), c.config.service(s).minutes)
        for s in site.services
    }
    counters = []
    for row, services in _open_counters(c, site):
        current = store.ticket(c, row.current) if row.current else None
        busy_until = now
        if current is not None and current.called_ts is not None:
            busy_until = estimate.free_at(current.called_ts, cycle.get(current.service, 10.0), now)
        counters.append(estimate.OpenCounter(row.id, services, busy_until))
    counts = store.waiting_counts(c, site.id)
    if sum(counts.values()) > estimate.REPLAY_LIMIT:
        return estimate.fluid(counters, counts, cycle, now)
    # remote tickets not checked in are replayed as if present: they hold their place (docs/district.md)
    waiting = store.waiting_list(c, site.id, None, limit=estimate.REPLAY_LIMIT)
    waiting += remote_sql.not_arrived(c, site.id, estimate.REPLAY_LIMIT)
    candidates = [
        Candidate(t.id, t.number, t.service, t.priority, t.arrived_ts, t.rank_ts, bool(t.front), t.front_ts,
                  t.due_ts, t.target_counter, bool(t.requeued))
        for t in waiting
    ]  # fmt: skip
    return estimate.replay(counters, candidates, cycle, now)


def wait_for(c: Ctx, site: Site, service: str, ahead: int) -> int | None:
    """Minutes until a ticket of ``service`` with ``ahead`` people before it is called
    (None when no open counter serves the service)."""
    forecast = estimates(c, site).get(service)
    return None if forecast is None else forecast.wait_minutes(ahead, c.now.timestamp())


def arrive_by(c: Ctx, t: Ticket) -> float:
    """When a remote ticket expires unless its holder checked in (core/queue/remote.py)."""
    service = c.config.service(t.service)
    return t.issued_ts + (service.remote_arrive_within if service is not None else 60) * 60


def ticket_view(c: Ctx, t: Ticket, base_url: str = "") -> dict[str, Any]:
    """The ticket as its holder sees it (kiosk, phone page, API). A remote ticket not checked in yet
    (status ``remote``) has people ahead and an estimate like a waiting one, and ``arrive_by``."""
    site = site_or_raise(c, t.site)
    service = c.config.service(t.service)
    ahead = store.people_ahead(c, t, c.now.timestamp())
    return {
        "id": t.id,
        "number": t.number,
        "service": t.service,
        "service_name": service.name,
        "service_name_en": service.name_en,
        "site": t.site,
        "site_name": site.name,
        "status": t.status,
        "priority": t.priority,
        "people_ahead": ahead,
        "estimated_wait_minutes": wait_for(c, site, t.service, ahead) if t.status in ("waiting", "remote") else None,
        "source": t.source,
        "arrive_by": iso(arrive_by(c, t)) if t.source == "remote" else None,
        "site_address": site.address,
        "issued_at": iso(t.issued_ts),
        "called_at": iso(t.called_ts),
        "recalls": t.recalls,
        "counter": _counter_ref(c, t.counter if t.status in ("called", "serving") else None),
        "counters": [k.number for k in site.counters if t.service in k.services],
        "id_masked": t.id_masked,
        "track_url": f"{base_url}/t/{t.id}",
    }


def holder_view(c: Ctx, t: Ticket, base_url: str = "") -> dict[str, Any]:
    """The ticket behind a shareable link (phone page, ``GET /api/v1/tickets/{id}``): nothing
    that says why it has priority or whose it is; what happened to it (a missed call put back,
    a transfer) so the page can say what to do next."""
    view = ticket_view(c, t, base_url)
    del view["priority"], view["id_masked"]
    view["site_name_en"] = site_or_raise(c, t.site).name_en or view["site_name"]
    view["requeued"] = bool(t.requeued)
    view["transferred"] = t.transfers > 0 and t.status == "waiting"
    return view


def holder_of(c: Ctx, ticket_id: str, base_url: str = "") -> dict[str, Any] | None:
    """``holder_view`` of the ticket with this unguessable id; None when there is none."""
    t = store.ticket(c, ticket_id)
    return None if t is None else holder_view(c, t, base_url)


def counter_view(c: Ctx, row: CounterRow, *, private: bool = False) -> dict[str, Any]:
    found = c.config.counter(row.id)
    _, k = found
    current = store.ticket(c, row.current) if row.current else None
    out: dict[str, Any] = {
        "id": row.id,
        "number": k.number,
        "services": list(k.services),
        "state": row.state,
        "pause_reason": row.pause_reason,
        "pause_reason_text": PAUSE_REASONS.get(row.pause_reason or ""),
        "since": iso(row.state_ts),
        "current": None if current is None else public_ticket(c, current),
    }
    if private:
        out["clerk"] = row.clerk
        if current is not None:
            out["current"] = {
                **public_ticket(c, current),
                "id": current.id,
                "priority": current.priority,
                "id_masked": current.id_masked,
                "called_at": iso(current.called_ts),
                "serving_at": iso(current.serving_ts),
                "arrived_at": iso(current.arrived_ts),
                "transfers": current.transfers,
            }
    return out


def counters_view(c: Ctx, site: Site) -> list[dict[str, Any]]:
    rows = {r.id: r for r in store.site_counters(c, site.id)}
    return [counter_view(c, rows[k.id]) for k in site.counters if k.id in rows]


def services_view(c: Ctx, site: Site) -> list[dict[str, Any]]:
    counts = store.waiting_counts(c, site.id)
    out = []
    for sid in site.services:
        s = c.config.service(sid)
        waiting = counts.get(sid, 0)
        out.append(
            {
                "id": sid,
                "prefix": s.prefix,
                "name": s.name,
                "name_en": s.name_en,
                "walk_in": s.walk_in,
                "real_name": s.real_name,
                "remote": s.remote,
                "waiting": waiting,
                "estimated_wait_minutes": wait_for(c, site, sid, waiting),
                "counters": [k.number for k in site.counters if sid in k.services],
            }
        )
    return out


def site_summary(c: Ctx, site: Site) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "name_en": site.name_en,
        "kind": site.kind,
        "open_now": is_open(site, c.now, c.schedule),
    }


def site_detail(c: Ctx, site_id: str) -> dict[str, Any]:
    site = site_or_raise(c, site_id)
    return {
        **site_summary(c, site),
        "address": site.address,
        "hours": {
            "weekday": {"open": site.hours.weekday.open, "close": site.hours.weekday.close},
            "weekend": None
            if site.hours.weekend_closed
            else {"open": site.hours.weekend.open, "close": site.hours.weekend.close},
        },
        "services": services_view(c, site),
        "counters": counters_view(c, site),
        "kiosks": [{"id": d.id, "name": d.name} for d in site.kiosks],
        "displays": [{"id": d.id, "name": d.name} for d in site.displays],
    }


def recent_calls(c: Ctx, site_id: str, n: int = 10) -> list[dict[str, Any]]:
    return [{"seq": e.seq, "at": e.at.isoformat(), "type": e.type, **e.data} for e in store.recent_calls(c, site_id, n)]


def events_between(c: Ctx, site_id: str, since: int, upto: int, limit: int) -> list[Event]:
    """The site's events after ``since`` up to ``upto``, in order (what a socket missed)."""
    return store.events_since(c, site_id, since, upto, limit)


def snapshot(c: Ctx, site_id: str) -> dict[str, Any]:
    """The state a display starts from; ``seq`` is the last event it reflects (read in one snapshot)."""
    site = site_or_raise(c, site_id)
    return {
        "type": "snapshot",
        "seq": store.last_seq(c, site_id),
        "site": site_id,
        "data": {
            "site": site_summary(c, site),
            "counters": counters_view(c, site),
            "waiting": store.waiting_counts(c, site_id),
            "services": services_view(c, site),
            "recent": recent_calls(c, site_id),
            "notices": notices_sql.read(c, site_id),
        },
    }


def last_seqs(c: Ctx, site_ids: Iterable[str]) -> dict[str, int]:
    """The last committed seq of each site (the live relay's catch-up, web/live/relay.py)."""
    return {s: store.last_seq(c, s) for s in site_ids}
