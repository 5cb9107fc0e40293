"""Named migrations apply to an empty database and to an existing one, once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from core.store import schema


def test_migrations_on_empty_and_existing(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    schema.migrate(db)
    names = [m.name for m in schema.migrations.applied(sqlite_utils.Database(db))]
    assert names == [m.name for m in schema.migrations._migrations]
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO counters (id, site) VALUES ('x', 'y')")
    schema.migrate(db)  # again: nothing re-applied, data kept
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM counters").fetchone()[0] == 1
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_database_is_brought_forward(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    first = schema.migrations._migrations[0].name
    schema.migrations.apply(sqlite_utils.Database(db), stop_before=schema.migrations._migrations[1].name)
    assert [m.name for m in schema.migrations.applied(sqlite_utils.Database(db))] == [first]
    schema.migrate(db)
    with sqlite3.connect(db) as c:
        cols = {r[1] for r in c.execute("PRAGMA table_info(tickets)")}
        assert "appointment" in cols
        assert c.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0] == 0
