"""SQL of a counter's last ticket (``counters.last_ticket``, migration 0007_help_requests) and of
the no-shows a clerk can reinstate."""

from __future__ import annotations

from collections.abc import Sequence

from core.model import Ticket
from core.store.rows import TICKET_COLUMNS, Conn, _ticket


def set_last(c: Conn, counter_id: str, ticket_id: str) -> None:
    c.execute("UPDATE counters SET last_ticket = ? WHERE id = ?", (ticket_id, counter_id))


def last(c: Conn, counter_id: str) -> Ticket | None:
    row = c.one(
        f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = (SELECT last_ticket FROM counters WHERE id = ?)",
        (counter_id,),
    )
    return None if row is None else _ticket(row)


def voided_no_shows(c: Conn, site: str, day: str, services: Sequence[str], limit: int = 50) -> list[Ticket]:
    """Today's voided no-shows of ``services``, the latest first."""
    rows = c.execute(
        f"SELECT {TICKET_COLUMNS} FROM tickets WHERE site = ? AND day = ? AND status = 'no_show' "
        f"AND service IN ({', '.join('?' * len(services))}) ORDER BY closed_ts DESC LIMIT ?",
        (site, day, *services, limit),
    ).fetchall()
    return [_ticket(r) for r in rows]
