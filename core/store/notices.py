"""SQL of the display notices (温馨提示), one row per site (table of migration 0005_display_notices)."""

from __future__ import annotations

import json
from typing import Any

from core.store.rows import Conn


def read(c: Conn, site: str) -> list[str]:
    """The site's notice lines, in order; none when nothing was ever set."""
    row = c.one("SELECT lines FROM display_notices WHERE site = ?", (site,))
    if row is None:
        return []
    lines = json.loads(row[0])
    return [str(x) for x in lines] if isinstance(lines, list) else []


def meta(c: Conn, site: str) -> dict[str, Any] | None:
    """Who set the site's notices and when (for the supervisor's form)."""
    row = c.one("SELECT by, at_ts FROM display_notices WHERE site = ?", (site,))
    return None if row is None else {"by": row[0], "at_ts": row[1]}


def write(c: Conn, site: str, lines: list[str], by: str, now_ts: float) -> None:
    c.execute(
        "INSERT INTO display_notices (site, lines, by, at_ts) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (site) DO UPDATE SET lines = excluded.lines, by = excluded.by, at_ts = excluded.at_ts",
        (site, json.dumps(lines, ensure_ascii=False), by, now_ts),
    )
