"""Every SQL statement of the hall's tickets, counters and events (accounts and device
tokens: core/store/accounts.py).

Functions take anything with ``execute`` and ``one`` (a write ``Tx`` or a ``Reader``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from core.days.clock import TZ
from core.events import Event
from core.model import CounterRow, Ticket
from core.queue.calling import Candidate
from core.store.remote import remote_ahead
from core.store.rows import TICKET_COLUMNS, Conn, _ticket

_UPDATABLE = frozenset(
    [
        "status",
        "appointment",
        "service",
        "rank_ts",
        "front",
        "front_ts",
        "target_counter",
        "counter",
        "called_ts",
        "serving_ts",
        "closed_ts",
        "recalls",
        "requeued",
        "transfers",
    ]
)


# -- numbering -----------------------------------------------------------------------
def next_seq(c: Conn, site: str, service: str, day: str) -> int:
    row = c.one(
        "INSERT INTO number_seq (site, service, day, last) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (site, service, day) DO UPDATE SET last = last + 1 RETURNING last",
        (site, service, day),
    )
    return int(row[0])


# -- tickets -------------------------------------------------------------------------
def insert_ticket(c: Conn, t: Ticket, id_hash: str | None) -> None:
    c.execute(
        f"INSERT INTO tickets ({TICKET_COLUMNS}, id_hash) VALUES ({', '.join('?' * 26)})",
        (
            t.id,
            t.site,
            t.service,
            t.day,
            t.seq,
            t.number,
            t.status,
            t.source,
            t.priority,
            t.issued_ts,
            t.arrived_ts,
            t.rank_ts,
            int(t.front),
            t.front_ts,
            t.due_ts,
            t.target_counter,
            t.counter,
            t.called_ts,
            t.serving_ts,
            t.closed_ts,
            t.recalls,
            int(t.requeued),
            t.transfers,
            t.id_masked,
            t.device,
            id_hash,
        ),
    )


def ticket(c: Conn, ticket_id: str) -> Ticket | None:
    row = c.one(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
    return None if row is None else _ticket(row)


def ticket_by_number(c: Conn, site: str, day: str, number: str) -> Ticket | None:
    row = c.one(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE site = ? AND day = ? AND number = ?", (site, day, number))
    return None if row is None else _ticket(row)


def live_ticket_for_identity(c: Conn, site: str, service: str, id_hash: str) -> Ticket | None:
    row = c.one(
        f"SELECT {TICKET_COLUMNS} FROM tickets WHERE site = ? AND service = ? AND id_hash = ? "
        "AND status IN ('remote', 'waiting', 'called', 'serving')",
        (site, service, id_hash),
    )
    return None if row is None else _ticket(row)


def update_ticket(c: Conn, ticket_id: str, **fields: Any) -> None:
    bad = set(fields) - _UPDATABLE
    if bad:
        raise ValueError(f"not updatable: {bad}")
    sets = ", ".join(f"{k} = ?" for k in fields)
    c.execute(f"UPDATE tickets SET {sets} WHERE id = ?", (*fields.values(), ticket_id))


def candidates(c: Conn, site: str, services: Sequence[str], counter: str, now_ts: float) -> list[Candidate]:
    """The few waiting tickets that can be first for ``counter``: a handful of rows, not the queue."""
    cols = (
        "id, number, service, priority, arrived_ts, rank_ts, front, front_ts, due_ts, target_counter, requeued, "
        "source, issued_ts"
    )
    mine = (
        f"(target_counter IS NULL OR target_counter = ?) AND (service IN ({', '.join('?' * len(services))}) "
        "OR target_counter = ?)"
    )
    args = (counter, *services, counter)
    rows: list[Any] = []
    rows += c.execute(
        f"SELECT {cols} FROM tickets WHERE site = ? AND status = 'waiting' AND front = 1 AND {mine} "
        "ORDER BY front_ts LIMIT 1",
        (site, *args),
    ).fetchall()
    rows += c.execute(
        f"SELECT {cols} FROM tickets WHERE site = ? AND status = 'waiting' AND due_ts IS NOT NULL AND due_ts <= ? "
        f"AND front = 0 AND {mine} ORDER BY due_ts LIMIT 1",
        (site, now_ts, *args),
    ).fetchall()
    rows += c.execute(
        f"SELECT {cols} FROM tickets WHERE site = ? AND status = 'waiting' AND target_counter = ? AND front = 0 "
        "ORDER BY rank_ts, arrived_ts LIMIT 1",
        (site, counter),
    ).fetchall()
    for service in services:
        rows += c.execute(
            f"SELECT {cols} FROM tickets INDEXED BY tickets_waiting WHERE site = ? AND service = ? "
            "AND status = 'waiting' AND front = 0 AND (due_ts IS NULL OR due_ts > ?) "
            "AND (target_counter IS NULL OR target_counter = ?) ORDER BY rank_ts, arrived_ts, number LIMIT 1",
            (site, service, now_ts, counter),
        ).fetchall()
    return [
        Candidate(
            id=r["id"],
            number=r["number"],
            service=r["service"],
            priority=r["priority"],
            arrived_ts=r["arrived_ts"],
            rank_ts=r["rank_ts"],
            front=bool(r["front"]),
            front_ts=r["front_ts"],
            due_ts=r["due_ts"],
            target_counter=r["target_counter"],
            requeued=bool(r["requeued"]),
            source=r["source"],
            issued_ts=r["issued_ts"],
        )
        for r in rows
    ]


def people_ahead(c: Conn, t: Ticket, now_ts: float, from_tail: bool | None = None) -> int:
    """Waiting tickets of the same service that will be called before ``t``.

    Urgent tickets (front transfers, due appointments) come first; among the rest, counts
    whichever side of ``t`` is shorter, as an index range: those before it for a ticket near
    the head of the queue, or the waiting total minus those after it for a new ticket. Remote tickets
    not checked in yet (status ``remote``) are ahead where their rank is, and ``t`` may be one.
    """
    if t.status not in ("waiting", "remote"):
        return 0
    front = c.one(
        "SELECT COUNT(*) FROM tickets INDEXED BY tickets_front WHERE site = ? AND status = 'waiting' AND front = 1 "
        "AND service = ? AND id != ? AND (? = 0 OR front_ts < ?)",
        (t.site, t.service, t.id, t.front, t.front_ts or 0),
    )[0]
    if t.front:
        return int(front)
    due = c.one(
        "SELECT COUNT(*) FROM tickets INDEXED BY tickets_due WHERE site = ? AND status = 'waiting' "
        "AND due_ts IS NOT NULL AND due_ts <= ? AND front = 0 AND service = ? AND id != ? AND due_ts < ?",
        (t.site, now_ts, t.service, t.id, t.due_ts if t.due_ts is not None and t.due_ts <= now_ts else now_ts + 1),
    )[0]
    if t.due_ts is not None and t.due_ts <= now_ts:
        return int(front) + int(due)
    plain = "front = 0 AND (due_ts IS NULL OR due_ts > ?)"
    remote = remote_ahead(c, t)
    if from_tail is None:
        from_tail = now_ts - t.rank_ts < 600  # a new ticket: nearer the tail
    keys = (t.rank_ts, t.rank_ts, t.arrived_ts, t.arrived_ts, t.number)
    if not from_tail:
        before = c.one(
            "SELECT COUNT(*) FROM tickets INDEXED BY tickets_waiting WHERE site = ? AND service = ? "
            f"AND status = 'waiting' AND rank_ts <= ? AND (rank_ts < ? OR arrived_ts < ? OR "
            f"(arrived_ts = ? AND number < ?)) AND {plain}",
            (t.site, t.service, *keys, now_ts),
        )
        return int(front) + int(due) + int(before[0]) + int(remote)
    total = c.one("SELECT waiting FROM queue_counts WHERE site = ? AND service = ?", (t.site, t.service))
    after = c.one(
        "SELECT COUNT(*) FROM tickets INDEXED BY tickets_waiting WHERE site = ? AND service = ? "
        f"AND status = 'waiting' AND rank_ts >= ? AND (rank_ts > ? OR arrived_ts > ? OR "
        f"(arrived_ts = ? AND number > ?)) AND {plain}",
        (t.site, t.service, *keys, now_ts),
    )
    mine = 1 if t.status == "waiting" else 0  # a remote ticket is not in the waiting total
    return max(0, int(total[0] if total else 0) - mine - int(after[0])) + int(remote)


def rank_after(c: Conn, site: str, service: str, n: int) -> float | None:
    """The effective arrival of the n-th waiting ticket of a service (1-based), or of the last one."""
    rows = c.execute(
        "SELECT rank_ts FROM tickets INDEXED BY tickets_waiting WHERE site = ? AND service = ? "
        "AND status = 'waiting' ORDER BY rank_ts, arrived_ts, number LIMIT ?",
        (site, service, n),
    ).fetchall()
    return float(rows[-1][0]) if rows else None


def waiting_counts(c: Conn, site: str) -> dict[str, int]:
    """Per service: tickets waiting, with the remote ones not checked in yet (they hold their place)."""
    rows = c.execute(
        "SELECT service, SUM(n) FROM (SELECT service, waiting AS n FROM queue_counts WHERE site = ? UNION ALL "
        "SELECT service, COUNT(*) FROM tickets INDEXED BY tickets_remote WHERE site = ? AND status = 'remote' "
        "GROUP BY service) GROUP BY service",
        (site, site),
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def waiting_list(c: Conn, site: str, services: Iterable[str] | None = None, limit: int = 200) -> list[Ticket]:
    """The first ``limit`` waiting tickets, transfers to the front first, then by effective arrival.

    One index range per service (each already in order) and the front transfers, merged:
    with ten thousand waiting, sorting them all for a hundred would cost milliseconds.
    """
    svc = list(services) if services is not None else [
        r[0] for r in c.execute("SELECT service FROM queue_counts WHERE site = ? AND waiting > 0", (site,)).fetchall()
    ]  # fmt: skip
    if not svc:
        return []
    part = (
        f"SELECT * FROM (SELECT {TICKET_COLUMNS} FROM tickets INDEXED BY tickets_waiting WHERE site = ? "
        "AND service = ? AND status = 'waiting' AND front = 0 ORDER BY rank_ts, arrived_ts, number LIMIT ?)"
    )
    front = (
        f"SELECT * FROM (SELECT {TICKET_COLUMNS} FROM tickets INDEXED BY tickets_front WHERE site = ? "
        f"AND status = 'waiting' AND front = 1 AND service IN ({', '.join('?' * len(svc))}) "
        "ORDER BY rank_ts, arrived_ts, number LIMIT ?)"
    )
    sql = " UNION ALL ".join([part] * len(svc) + [front]) + " ORDER BY front DESC, rank_ts, arrived_ts, number LIMIT ?"
    args: list[Any] = [x for s in svc for x in (site, s, limit)] + [site, *svc, limit, limit]
    return [_ticket(r) for r in c.execute(sql, args).fetchall()]


def targeted_at(c: Conn, site: str, counter: str, limit: int = 100) -> list[Ticket]:
    """Waiting tickets transferred to one counter by name."""
    rows = c.execute(
        f"SELECT {TICKET_COLUMNS} FROM tickets INDEXED BY tickets_targeted WHERE site = ? AND target_counter = ? "
        "AND status = 'waiting' ORDER BY front DESC, rank_ts, arrived_ts LIMIT ?",
        (site, counter, limit),
    ).fetchall()
    return [_ticket(r) for r in rows]


def recent_cycles(c: Conn, site: str, service: str, n: int) -> list[float]:
    """Minutes from call to done of the last ``n`` tickets served: the counter's time per ticket."""
    rows = c.execute(
        "SELECT closed_ts - called_ts FROM tickets INDEXED BY tickets_done WHERE site = ? AND service = ? "
        "AND status = 'done' AND called_ts IS NOT NULL ORDER BY closed_ts DESC LIMIT ?",
        (site, service, n),
    ).fetchall()
    return [max(0.0, float(r[0])) / 60 for r in rows]


def tickets_to_expire(c: Conn, site: str, before_day: str | None, statuses: Sequence[str]) -> list[Ticket]:
    """Open tickets of earlier days, plus today's open ones in ``statuses`` (index ranges only)."""
    rows = []
    if before_day is not None:
        rows += c.execute(
            f"SELECT {TICKET_COLUMNS} FROM tickets INDEXED BY tickets_open WHERE site = ? AND day < ? "
            "AND status IN ('waiting', 'called', 'serving')",
            (site, before_day),
        ).fetchall()
    if statuses:
        if not set(statuses) <= {"waiting", "called", "serving"}:
            raise ValueError(f"not open statuses: {statuses}")
        rows += c.execute(
            f"SELECT {TICKET_COLUMNS} FROM tickets INDEXED BY tickets_open WHERE site = ? AND day >= ? "
            "AND status IN ('waiting', 'called', 'serving') AND status IN (?, ?, ?)",
            (site, before_day or "", *(list(statuses) + [""] * 3)[:3]),
        ).fetchall()
    return [_ticket(r) for r in rows]


# -- counters ------------------------------------------------------------------------
def ensure_counters(c: Conn, rows: Iterable[tuple[str, str]]) -> None:
    for counter_id, site in rows:
        c.execute("INSERT OR IGNORE INTO counters (id, site) VALUES (?, ?)", (counter_id, site))


def counter(c: Conn, counter_id: str) -> CounterRow | None:
    row = c.one(
        "SELECT id, site, state, pause_reason, state_ts, clerk, current FROM counters WHERE id = ?", (counter_id,)
    )
    return None if row is None else CounterRow(**dict(row))


def site_counters(c: Conn, site: str) -> list[CounterRow]:
    rows = c.execute(
        "SELECT id, site, state, pause_reason, state_ts, clerk, current FROM counters WHERE site = ?", (site,)
    ).fetchall()
    return [CounterRow(**dict(r)) for r in rows]


def counter_of_clerk(c: Conn, clerk: str) -> CounterRow | None:
    row = c.one(
        "SELECT id, site, state, pause_reason, state_ts, clerk, current FROM counters WHERE clerk = ?", (clerk,)
    )
    return None if row is None else CounterRow(**dict(row))


def update_counter(c: Conn, counter_id: str, **fields: Any) -> None:
    bad = set(fields) - {"state", "pause_reason", "state_ts", "clerk", "current"}
    if bad:
        raise ValueError(f"not updatable: {bad}")
    sets = ", ".join(f"{k} = ?" for k in fields)
    c.execute(f"UPDATE counters SET {sets} WHERE id = ?", (*fields.values(), counter_id))


# -- events --------------------------------------------------------------------------
def last_seq(c: Conn, site: str) -> int:
    return int(c.one("SELECT COALESCE(MAX(seq), 0) FROM events WHERE site = ?", (site,))[0])


def _event(site: str, r: Any) -> Event:

    return Event(
        site,
        r["seq"],
        r["type"],
        dt.datetime.fromtimestamp(r["at_ts"], TZ),
        json.loads(r["data"]),
        r["actor"],
        r["ticket"],
    )


def events_since(c: Conn, site: str, since: int, upto: int, limit: int) -> list[Event]:
    rows = c.execute(
        "SELECT seq, type, at_ts, actor, ticket, data FROM events WHERE site = ? AND seq > ? AND seq <= ? "
        "ORDER BY seq LIMIT ?",
        (site, since, upto, limit),
    ).fetchall()
    return [_event(site, r) for r in rows]


def recent_calls(c: Conn, site: str, n: int) -> list[Event]:
    rows = c.execute(
        "SELECT seq, type, at_ts, actor, ticket, data FROM events WHERE site = ? "
        "AND type IN ('ticket.called', 'ticket.recalled') ORDER BY seq DESC LIMIT ?",
        (site, n),
    ).fetchall()
    return [_event(site, r) for r in rows]
