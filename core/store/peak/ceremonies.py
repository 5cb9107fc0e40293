"""SQL of ceremony sessions and the couples in them (core/peak/ceremonies.py)."""

from __future__ import annotations

from typing import Any

from core.store.rows import Conn

SESSION_COLUMNS = "id, starts, hall, hall_en, theme, theme_en, capacity, cancelled"


def edited_sessions(c: Conn, site: str, day: str) -> list[Any]:
    """Sessions a supervisor added or changed for the day (config.toml holds the rest)."""
    return list(c.execute(f"SELECT {SESSION_COLUMNS} FROM ceremony_sessions WHERE site = ? AND day = ?", (site, day)))


def save_session(c: Conn, site: str, day: str, s: dict[str, Any], by: str, at_ts: float) -> None:
    c.execute(
        "INSERT INTO ceremony_sessions (site, day, id, starts, hall, hall_en, theme, theme_en, capacity, cancelled, "
        "by_user, at_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, day, id) DO UPDATE SET "
        "starts = excluded.starts, hall = excluded.hall, hall_en = excluded.hall_en, theme = excluded.theme, "
        "theme_en = excluded.theme_en, capacity = excluded.capacity, cancelled = excluded.cancelled, "
        "by_user = excluded.by_user, at_ts = excluded.at_ts",
        (site, day, s["id"], s["starts"], s["hall"], s["hall_en"], s["theme"], s["theme_en"], s["capacity"],
         int(s["cancelled"]), by, at_ts),
    )  # fmt: skip


def joined(c: Conn, site: str, day: str) -> dict[str, int]:
    """Couples per session whose registration of that day is still booked (or done): a cancelled or
    moved booking frees its place without anyone having to remember it."""
    rows = c.execute(
        "SELECT p.session, COUNT(*) FROM ceremony_places p JOIN appointments a ON a.id = p.appointment "
        "WHERE p.site = ? AND p.day = ? AND a.day = p.day AND a.status IN ('booked', 'checked_in', 'completed') "
        "GROUP BY p.session",
        (site, day),
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def place_of(c: Conn, appointment: str) -> Any:
    return c.one("SELECT site, day, session FROM ceremony_places WHERE appointment = ?", (appointment,))


_MOVED = ", ".join(f"{column} = excluded.{column}" for column in ("site", "day", "session", "joined_ts"))


def join(c: Conn, appointment: str, site: str, day: str, session: str, now_ts: float) -> None:
    """The appointment's place in a session (one per booking: joining another moves it)."""
    insert = "INSERT INTO ceremony_places (appointment, site, day, session, joined_ts) VALUES (?, ?, ?, ?, ?)"
    c.execute(f"{insert} ON CONFLICT (appointment) DO UPDATE SET {_MOVED}", (appointment, site, day, session, now_ts))


def leave(c: Conn, appointment: str) -> None:
    c.execute("DELETE FROM ceremony_places WHERE appointment = ?", (appointment,))


def held(c: Conn, site: str, day: str) -> int:
    """Ceremony places taken on a day by couples who came (statistics: ceremonies held)."""
    row = c.one(
        "SELECT COUNT(*) FROM ceremony_places p JOIN appointments a ON a.id = p.appointment "
        "WHERE p.site = ? AND p.day = ? AND a.day = p.day AND a.status IN ('checked_in', 'completed')",
        (site, day),
    )
    return int(row[0])


def members(c: Conn, site: str, day: str) -> list[Any]:
    """The bookings in each session of a day (staff: booking codes and status, no names)."""
    return list(
        c.execute(
            "SELECT p.session, a.code, a.status FROM ceremony_places p JOIN appointments a ON a.id = p.appointment "
            "WHERE p.site = ? AND p.day = ? AND a.day = p.day AND a.status IN ('booked', 'checked_in', 'completed') "
            "ORDER BY p.session, a.start_ts",
            (site, day),
        )
    )
