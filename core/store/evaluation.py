"""SQL of 好差评 evaluations and the follow-ups of bad ratings."""

from __future__ import annotations

from typing import Any

from core.store.rows import Conn

EVALUATION_COLUMNS = "ticket, site, service, counter, clerk, grade, reason, comment, channel, at_ts"


def exists(c: Conn, ticket: str) -> bool:
    return c.one("SELECT 1 FROM evaluations WHERE ticket = ?", (ticket,)) is not None


def grade_of(c: Conn, ticket: str) -> int | None:
    row = c.one("SELECT grade FROM evaluations WHERE ticket = ?", (ticket,))
    return None if row is None else int(row[0])


def insert(c: Conn, row: dict[str, Any]) -> None:
    c.execute(
        f"INSERT INTO evaluations ({EVALUATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        tuple(row[k.strip()] for k in EVALUATION_COLUMNS.split(",")),
    )


def evaluation(c: Conn, ticket: str) -> Any:
    return c.one(f"SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE ticket = ?", (ticket,))


def done_by(c: Conn, site: str, ticket: str) -> str | None:
    """The actor of the ticket's last ``ticket.done`` event (the clerk who finished it).

    Walks the site's log backwards from the newest event: a ticket is rated soon after it
    is finished, so the walk is short.
    """
    row = c.one(
        "SELECT actor FROM events WHERE site = ? AND ticket = ? AND type = 'ticket.done' ORDER BY seq DESC LIMIT 1",
        (site, ticket),
    )
    return None if row is None else str(row[0])


def last_done_at_counter(c: Conn, site: str, counter: str, since_ts: float) -> Any:
    """The ticket most recently finished at ``counter`` since ``since_ts``, with its rating if any."""
    return c.one(
        "SELECT t.id, t.number, t.service, t.closed_ts, e.grade FROM tickets t "
        "LEFT JOIN evaluations e ON e.ticket = t.id "
        "WHERE t.site = ? AND t.status = 'done' AND t.counter = ? AND t.closed_ts >= ? "
        "ORDER BY t.closed_ts DESC LIMIT 1",
        (site, counter, since_ts),
    )


def in_range(c: Conn, site: str, from_ts: float, to_ts: float, *, bad_only: bool = False) -> list[Any]:
    """Evaluations of a site given in ``[from_ts, to_ts)``, with the rated ticket's number and day."""
    rows = c.execute(
        "SELECT e.ticket, e.site, e.service, e.counter, e.clerk, e.grade, e.reason, e.comment, e.channel, e.at_ts, "
        "t.number, t.day, (SELECT COUNT(*) FROM evaluation_followups f WHERE f.ticket = e.ticket) AS followups "
        "FROM evaluations e JOIN tickets t ON t.id = e.ticket "
        "WHERE e.site = ? AND e.at_ts >= ? AND e.at_ts < ? "
        + ("AND e.grade <= 2 " if bad_only else "")
        + "ORDER BY e.at_ts",
        (site, from_ts, to_ts),
    ).fetchall()
    return list(rows)


def insert_followup(
    c: Conn, ticket: str, by: str, at_ts: float, contacted: bool, result: str, resident_view: str | None
) -> int:
    row = c.one(
        "INSERT INTO evaluation_followups (ticket, by, at_ts, contacted, result, resident_view) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (ticket, by, at_ts, int(contacted), result, resident_view),
    )
    return int(row[0])


def followups(c: Conn, tickets: list[str]) -> dict[str, list[Any]]:
    """Follow-ups of the given rated tickets, oldest first, keyed by ticket."""
    out: dict[str, list[Any]] = {t: [] for t in tickets}
    for i in range(0, len(tickets), 500):
        chunk = tickets[i : i + 500]
        rows = c.execute(
            "SELECT id, ticket, by, at_ts, contacted, result, resident_view FROM evaluation_followups "
            f"WHERE ticket IN ({', '.join('?' * len(chunk))}) ORDER BY at_ts, id",
            chunk,
        ).fetchall()
        for r in rows:
            out[r["ticket"]].append(r)
    return out


def purge_comments(c: Conn, before_ts: float) -> int:
    """Erase the words residents typed in ratings given before ``before_ts`` (grades stay)."""
    return int(
        c.execute(
            "UPDATE evaluations SET comment = NULL WHERE comment IS NOT NULL AND at_ts < ?", (before_ts,)
        ).rowcount
    )
