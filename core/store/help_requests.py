"""SQL of help requests (帮办), table of migration 0007_help_requests."""

from __future__ import annotations

from dataclasses import dataclass

from core.store.rows import Conn

COLUMNS = "id, site, kiosk, kiosk_name, status, opened_ts, claimed_by, claimed_ts, closed_by, closed_ts"


@dataclass(frozen=True)
class HelpRow:
    id: int
    site: str
    kiosk: str | None
    kiosk_name: str
    status: str
    opened_ts: float
    claimed_by: str | None
    claimed_ts: float | None
    closed_by: str | None
    closed_ts: float | None


def _row(r: object) -> HelpRow:
    return HelpRow(*r)  # type: ignore[misc]


def get(c: Conn, site: str, help_id: int) -> HelpRow | None:
    r = c.one(f"SELECT {COLUMNS} FROM help_requests WHERE site = ? AND id = ?", (site, help_id))
    return None if r is None else _row(tuple(r))


def live_of_kiosk(c: Conn, site: str, kiosk: str) -> HelpRow | None:
    """The kiosk's request still open or claimed, if any."""
    r = c.one(
        f"SELECT {COLUMNS} FROM help_requests WHERE site = ? AND kiosk = ? AND status != 'closed' "
        "ORDER BY id DESC LIMIT 1",
        (site, kiosk),
    )
    return None if r is None else _row(tuple(r))


def count_live(c: Conn, site: str) -> int:
    r = c.one("SELECT COUNT(*) FROM help_requests WHERE site = ? AND status != 'closed'", (site,))
    return int(r[0])


def insert(c: Conn, site: str, kiosk: str | None, kiosk_name: str, now_ts: float) -> int:
    r = c.one(
        "INSERT INTO help_requests (site, kiosk, kiosk_name, status, opened_ts) VALUES (?, ?, ?, 'open', ?) "
        "RETURNING id",
        (site, kiosk, kiosk_name, now_ts),
    )
    return int(r[0])


def claim(c: Conn, site: str, help_id: int, by: str, now_ts: float) -> bool:
    """Claim an open request; False when it is not open (claimed, closed or unknown)."""
    return _move(c, site, help_id, "claimed", by, now_ts, "status = 'open'")


def close(c: Conn, site: str, help_id: int, by: str, now_ts: float) -> bool:
    """Close a request not closed yet; False otherwise."""
    return _move(c, site, help_id, "closed", by, now_ts, "status != 'closed'")


def _move(c: Conn, site: str, help_id: int, to: str, by: str, now_ts: float, when: str) -> bool:
    r = c.one(
        f"UPDATE help_requests SET status = ?, {to}_by = ?, {to}_ts = ? "
        f"WHERE site = ? AND id = ? AND {when} RETURNING id",
        (to, by, now_ts, site, help_id),
    )
    return r is not None


def of_day(c: Conn, site: str, since_ts: float, limit: int = 50) -> list[HelpRow]:
    """Requests still open or claimed, and those closed since ``since_ts``, newest first."""
    sql = f"SELECT {COLUMNS} FROM help_requests WHERE site = ? AND (status != 'closed' OR opened_ts >= ?) "
    return [_row(tuple(r)) for r in c.execute(sql + "ORDER BY id DESC LIMIT ?", (site, since_ts, limit)).fetchall()]
