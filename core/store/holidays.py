"""SQL of the yearly holiday schedule: entered days (``calendar_overrides``) and the years an
admin confirmed (``holiday_years``, migration 0006).

The store owns the schedule as a value (core/store/db.py): it loads it on open and hands it
to every job as ``schedule``. A write here replaces the job's ``schedule`` at once, so the
rest of the job sees the change and the writer, which knows, makes it the store's after the
commit.
"""

from __future__ import annotations

from typing import Any, Protocol

from core.days.calendar import Schedule
from core.store.rows import Conn


class Job(Conn, Protocol):
    """A write job's view (a ``Tx``): a connection and the schedule it works with."""

    schedule: Schedule


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


def set_calendar_override(c: Job, day: str, kind: str | None, note: str) -> None:
    """Enter ``day`` as a ``holiday`` or a ``workday``, or clear it (``kind`` None)."""
    if kind is None:
        c.execute("DELETE FROM calendar_overrides WHERE day = ?", (day,))
    else:
        c.execute(
            "INSERT INTO calendar_overrides (day, kind, note) VALUES (?, ?, ?) "
            "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note",
            (day, kind, note),
        )
    c.schedule = schedule(c)


def confirm_year(c: Job, year: int, by: str, at_ts: float) -> None:
    c.execute(
        "INSERT INTO holiday_years (year, by, at_ts) VALUES (?, ?, ?) "
        "ON CONFLICT (year) DO UPDATE SET by = excluded.by, at_ts = excluded.at_ts",
        (year, by, at_ts),
    )
    c.schedule = schedule(c)


def unconfirm_year(c: Job, year: int) -> None:
    c.execute("DELETE FROM holiday_years WHERE year = ?", (year,))
    c.schedule = schedule(c)
