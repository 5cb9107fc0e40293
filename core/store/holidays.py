"""SQL of the yearly holiday schedule: entered days (``calendar_overrides``) and the years an
admin confirmed (``holiday_years``, migration 0006)."""

from __future__ import annotations

from typing import Any

from core.days.calendar import Schedule
from core.store.queries import Conn


def schedule(c: Conn) -> Schedule:
    """The schedule as stored now: a value to pass to opening hours and booking."""
    days = {r[0]: r[1] for r in c.execute("SELECT day, kind FROM calendar_overrides").fetchall()}
    years = frozenset(int(r[0]) for r in c.execute("SELECT year FROM holiday_years").fetchall())
    return Schedule(days, years)


def year_days(c: Conn, year: int) -> list[Any]:
    return list(
        c.execute(
            "SELECT day, kind, note FROM calendar_overrides WHERE day >= ? AND day <= ? ORDER BY day",
            (f"{year:04d}-01-01", f"{year:04d}-12-31"),
        ).fetchall()
    )


def year_confirmation(c: Conn, year: int) -> Any:
    return c.one("SELECT year, by, at_ts FROM holiday_years WHERE year = ?", (year,))


def confirm_year(c: Conn, year: int, by: str, at_ts: float) -> None:
    c.execute(
        "INSERT INTO holiday_years (year, by, at_ts) VALUES (?, ?, ?) "
        "ON CONFLICT (year) DO UPDATE SET by = excluded.by, at_ts = excluded.at_ts",
        (year, by, at_ts),
    )


def unconfirm_year(c: Conn, year: int) -> None:
    c.execute("DELETE FROM holiday_years WHERE year = ?", (year,))
