"""SQL of remote tickets (core/queue/remote.py): status ``remote`` until the holder checks in.

Functions take anything with ``execute`` and ``one`` (a write ``Tx`` or a ``Reader``).
"""

from __future__ import annotations

from core.model import Ticket
from core.store.rows import TICKET_COLUMNS, Conn, _ticket


def held_today(c: Conn, id_hash: str, day: str) -> Ticket | None:
    """The live remote ticket of an identity on ``day``, at any site (one per identity per day)."""
    row = c.one(
        f"SELECT {TICKET_COLUMNS} FROM tickets INDEXED BY tickets_remote_identity WHERE id_hash = ? AND day = ? "
        "AND source = 'remote' AND status IN ('remote', 'waiting', 'called', 'serving')",
        (id_hash, day),
    )
    return None if row is None else _ticket(row)


def not_arrived_here(c: Conn, site: str, day: str, id_hash: str) -> Ticket | None:
    """An identity's remote ticket at ``site`` on ``day`` that still waits for its check-in."""
    row = c.one(
        f"SELECT {TICKET_COLUMNS} FROM tickets WHERE site = ? AND day = ? AND id_hash = ? AND status = 'remote'",
        (site, day, id_hash),
    )
    return None if row is None else _ticket(row)


def arrive(c: Conn, ticket_id: str, now_ts: float) -> None:
    """Checked in: waiting from now (``arrived_ts``), ranked as before (``rank_ts`` from issue)."""
    c.execute(
        "UPDATE tickets SET status = 'waiting', arrived_ts = ? WHERE id = ? AND status = 'remote'", (now_ts, ticket_id)
    )


def not_arrived(c: Conn, site: str, limit: int = 500) -> list[Ticket]:
    """A site's remote tickets not checked in, in the order of the queue."""
    rows = c.execute(
        f"SELECT {TICKET_COLUMNS} FROM tickets INDEXED BY tickets_remote WHERE site = ? AND status = 'remote' "
        "ORDER BY rank_ts, arrived_ts, number LIMIT ?",
        (site, limit),
    ).fetchall()
    return [_ticket(r) for r in rows]


def issued_before(c: Conn, before_ts: float) -> list[Ticket]:
    """Remote tickets of every site not checked in and issued before ``before_ts`` (the expiry sweep)."""
    rows = c.execute(
        f"SELECT {TICKET_COLUMNS} FROM tickets WHERE status = 'remote' AND issued_ts < ?", (before_ts,)
    ).fetchall()
    return [_ticket(r) for r in rows]


def remote_ahead(c: Conn, t: Ticket) -> int:
    """Remote tickets of ``t``'s service not checked in that come before ``t`` in the queue's order."""
    row = c.one(
        "SELECT COUNT(*) FROM tickets INDEXED BY tickets_remote WHERE site = ? AND service = ? AND status = 'remote' "
        "AND id != ? AND (rank_ts < ? OR (rank_ts = ? AND (arrived_ts < ? OR (arrived_ts = ? AND number < ?))))",
        (t.site, t.service, t.id, t.rank_ts, t.rank_ts, t.arrived_ts, t.arrived_ts, t.number),
    )
    return int(row[0])
