"""SQL of matters (办件, core/matters/): the matter, its steps, its ratings, the platform export's outbox rows.

Functions take anything with ``execute`` and ``one`` (a write ``Tx`` or a ``Reader``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.store.rows import Conn

COLUMNS = (
    "code, item, service, accepted_site, processing_site, status, ticket, clerk, assignee, id_hash, id_masked, "
    "phone, received, missing, note, reason, accepted_ts, started_day, due_day, ready_ts, closed_ts, "
    "overdue_alerted, collect_ticket"
)
_COLS = [c.strip() for c in COLUMNS.split(",")]
OPEN = ("accepted", "handed_off", "in_progress")  # the time limit runs
LIVE = (*OPEN, "ready", "returned")  # not closed


def insert(c: Conn, row: dict[str, Any]) -> None:
    c.execute(f"INSERT INTO matters ({COLUMNS}) VALUES ({', '.join('?' * len(_COLS))})", [row.get(k) for k in _COLS])


def get(c: Conn, code: str) -> Any:
    return c.one(f"SELECT {COLUMNS} FROM matters WHERE code = ?", (code,))


def update(c: Conn, code: str, **fields: Any) -> None:
    assert fields and set(fields) <= set(_COLS), fields
    sets = ", ".join(f"{k} = ?" for k in fields)
    c.execute(f"UPDATE matters SET {sets} WHERE code = ?", (*fields.values(), code))


def add_step(c: Conn, code: str, status: str, site: str, actor: str, at_ts: float, note: str | None) -> None:
    c.execute(
        "INSERT INTO matter_steps (matter, status, site, actor, at_ts, note) VALUES (?, ?, ?, ?, ?, ?)",
        (code, status, site, actor, at_ts, note),
    )


def steps(c: Conn, code: str) -> list[Any]:
    return list(
        c.execute("SELECT status, site, actor, at_ts, note FROM matter_steps WHERE matter = ? ORDER BY id", (code,))
    )


def of_site(c: Conn, site: str, statuses: Iterable[str], due_before: str | None = None, limit: int = 500) -> list[Any]:
    """Matters a site holds a part in (accepted there or processed there), by due day then code."""
    wanted = list(statuses)
    marks = ", ".join("?" * len(wanted))
    due = "AND due_day IS NOT NULL AND due_day <= ? " if due_before is not None else ""
    params: list[Any] = [site, site, *wanted, *([due_before] if due_before is not None else []), limit]
    return list(
        c.execute(
            f"SELECT {COLUMNS} FROM matters WHERE (processing_site = ? OR accepted_site = ?) AND status IN ({marks}) "
            f"{due}ORDER BY due_day IS NULL, due_day, accepted_ts, code LIMIT ?",
            params,
        )
    )


def _matters(c: Conn, where: str, params: Iterable[Any]) -> list[Any]:
    return list(c.execute(f"SELECT {COLUMNS} FROM matters WHERE {where}", tuple(params)))


def of_ticket(c: Conn, ticket: str) -> list[Any]:
    """Matters accepted in a visit, or delivered at it."""
    return _matters(c, "ticket = ? OR collect_ticket = ? ORDER BY accepted_ts, code", (ticket, ticket))


def ready_for(c: Conn, site: str, id_hash: str) -> list[Any]:
    """Ready matters of an identity to be collected at ``site`` (a 出证领证 ticket taken with the ID)."""
    return _matters(c, "id_hash = ? AND processing_site = ? AND status = 'ready' ORDER BY ready_ts", (id_hash, site))


def ticket_identity(c: Conn, ticket: str) -> tuple[str | None, str | None]:
    row = c.one("SELECT id_hash, id_masked FROM tickets WHERE id = ?", (ticket,))
    return (None, None) if row is None else (row[0], row[1])


def overdue_unalerted(c: Conn, today: str) -> list[Any]:
    marks = ", ".join("?" * len(OPEN))
    return _matters(c, f"status IN ({marks}) AND due_day < ? AND overdue_alerted = 0", (*OPEN, today))


def finished_between(c: Conn, site: str, from_ts: float, to_ts: float) -> list[Any]:
    """Matters of a site (either part) made ready in ``[from_ts, to_ts)``: the on-time figures."""
    where = "(processing_site = ? OR accepted_site = ?) AND ready_ts >= ? AND ready_ts < ? ORDER BY ready_ts"
    return _matters(c, where, (site, site, from_ts, to_ts))


def purge_before(c: Conn, before_ts: float) -> int:
    """SPEC 8: the identity and phone of matters closed (delivered, rejected) before ``before_ts``."""
    return int(
        c.execute(
            "UPDATE matters SET id_hash = NULL, id_masked = NULL, phone = NULL WHERE closed_ts < ? "
            "AND (id_hash IS NOT NULL OR id_masked IS NOT NULL OR phone IS NOT NULL)",
            (before_ts,),
        ).rowcount
    )


# -- ratings -----------------------------------------------------------------------------
RATING_COLUMNS = (
    "r.id, r.matter, r.stage, r.ticket, r.site, r.grade, r.reason, r.channel, r.at_ts, r.followup_due, "
    "r.followup_by, r.followup_ts, r.followup_result, m.item, m.processing_site, m.accepted_site"
)


def rated(c: Conn, code: str, stage: str) -> bool:
    return c.one("SELECT 1 FROM matter_ratings WHERE matter = ? AND stage = ?", (code, stage)) is not None


def insert_rating(c: Conn, row: dict[str, Any]) -> int:
    keys = ["matter", "stage", "ticket", "site", "grade", "reason", "channel", "at_ts", "followup_due"]
    found = c.one(
        f"INSERT INTO matter_ratings ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))}) RETURNING id",
        [row.get(k) for k in keys],
    )
    return int(found[0])


def _ratings(c: Conn, where: str, params: Iterable[Any]) -> list[Any]:
    return list(
        c.execute(f"SELECT {RATING_COLUMNS} FROM matter_ratings r JOIN matters m ON m.code = r.matter WHERE {where}",
                  tuple(params))
    )  # fmt: skip


def ratings_of(c: Conn, code: str) -> list[Any]:
    return _ratings(c, "r.matter = ? ORDER BY r.id", (code,))


def ratings_between(c: Conn, site: str, from_ts: float, to_ts: float) -> list[Any]:
    where = "(m.processing_site = ? OR m.accepted_site = ?) AND r.at_ts >= ? AND r.at_ts < ? ORDER BY r.at_ts"
    return _ratings(c, where, (site, site, from_ts, to_ts))


def followups_open(c: Conn, site: str) -> list[Any]:
    """Bad ratings of a site's matters whose follow-up is not recorded, by deadline."""
    where = ("(m.processing_site = ? OR m.accepted_site = ?) AND r.followup_due IS NOT NULL "
             "AND r.followup_ts IS NULL ORDER BY r.followup_due, r.id")  # fmt: skip
    return _ratings(c, where, (site, site))


def rating(c: Conn, rating_id: int) -> Any:
    return c.one(
        f"SELECT {RATING_COLUMNS} FROM matter_ratings r JOIN matters m ON m.code = r.matter WHERE r.id = ?",
        (rating_id,),
    )


def record_followup(c: Conn, rating_id: int, by: str, at_ts: float, result: str) -> None:
    c.execute(
        "UPDATE matter_ratings SET followup_by = ?, followup_ts = ?, followup_result = ? WHERE id = ?",
        (by, at_ts, result, rating_id),
    )


# -- the platform export's outbox rows (core/matters/export.py) ---------------------------------
PLATFORM = "platform.%"


def platform_due(c: Conn, now_ts: float, limit: int = 100) -> list[Any]:
    return list(
        c.execute(
            "SELECT id, kind, payload, attempts FROM outbox WHERE sent_ts IS NULL AND due_ts <= ? AND kind LIKE ? "
            "ORDER BY due_ts, id LIMIT ?",
            (now_ts, PLATFORM, limit),
        )
    )
