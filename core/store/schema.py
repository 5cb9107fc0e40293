"""Named migrations, applied in order on start (sqlite-utils ``Migrations``).

Never edit an applied migration: add a new one.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

migrations = sqlite_utils.Migrations("hall")


@migrations(name="0001_tickets_events_counters")
def m0001(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE tickets (
            id TEXT PRIMARY KEY,            -- unguessable token, used in track links
            site TEXT NOT NULL,
            service TEXT NOT NULL,
            day TEXT NOT NULL,              -- local date of issue, YYYY-MM-DD
            seq INTEGER NOT NULL,           -- per site, service and day
            number TEXT NOT NULL,           -- prefix + seq, e.g. A001
            status TEXT NOT NULL,
            source TEXT NOT NULL,           -- kiosk, counter, appointment, remote
            priority TEXT NOT NULL,         -- normal, elderly, disabled, pregnant, military, appointment
            issued_ts REAL NOT NULL,
            arrived_ts REAL NOT NULL,       -- original arrival: kept through transfers
            rank_ts REAL NOT NULL,          -- effective arrival: arrival minus the priority bonus
            front INTEGER NOT NULL DEFAULT 0,
            front_ts REAL,
            due_ts REAL,                    -- appointment slot start
            target_counter TEXT,            -- transferred to one counter
            counter TEXT,                   -- the counter that called it last
            called_ts REAL,
            serving_ts REAL,
            closed_ts REAL,
            recalls INTEGER NOT NULL DEFAULT 0,
            requeued INTEGER NOT NULL DEFAULT 0,
            transfers INTEGER NOT NULL DEFAULT 0,
            id_hash TEXT,                   -- HMAC of the ID number, never the number
            id_masked TEXT,
            device TEXT,
            UNIQUE (site, day, number)      -- numbers never repeat in a day, even after transfers
        );
        CREATE INDEX tickets_waiting ON tickets (site, service, rank_ts, arrived_ts, number)
            WHERE status = 'waiting';
        CREATE INDEX tickets_front ON tickets (site, front_ts) WHERE status = 'waiting' AND front = 1;
        CREATE INDEX tickets_due ON tickets (site, due_ts) WHERE status = 'waiting' AND due_ts IS NOT NULL;
        CREATE INDEX tickets_targeted ON tickets (site, target_counter) WHERE status = 'waiting';
        CREATE INDEX tickets_done ON tickets (site, service, closed_ts) WHERE status = 'done';
        CREATE INDEX tickets_open ON tickets (site, day) WHERE status IN ('waiting', 'called', 'serving');
        -- one live ticket per identity, service and site (实名取号)
        CREATE UNIQUE INDEX tickets_live_identity ON tickets (site, service, id_hash)
            WHERE id_hash IS NOT NULL AND status IN ('waiting', 'called', 'serving');

        CREATE TABLE number_seq (
            site TEXT NOT NULL, service TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL,
            PRIMARY KEY (site, service, day)
        ) WITHOUT ROWID;

        -- waiting count per site and service, kept exact by triggers
        CREATE TABLE queue_counts (
            site TEXT NOT NULL, service TEXT NOT NULL, waiting INTEGER NOT NULL,
            PRIMARY KEY (site, service)
        ) WITHOUT ROWID;
        CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets WHEN NEW.status = 'waiting' BEGIN
            INSERT INTO queue_counts (site, service, waiting) VALUES (NEW.site, NEW.service, 1)
                ON CONFLICT (site, service) DO UPDATE SET waiting = waiting + 1;
        END;
        CREATE TRIGGER tickets_count_update AFTER UPDATE OF status, service ON tickets
        WHEN OLD.status = 'waiting' OR NEW.status = 'waiting' BEGIN
            UPDATE queue_counts SET waiting = waiting - 1
                WHERE OLD.status = 'waiting' AND site = OLD.site AND service = OLD.service;
            INSERT INTO queue_counts (site, service, waiting)
                SELECT NEW.site, NEW.service, 1 WHERE NEW.status = 'waiting'
                ON CONFLICT (site, service) DO UPDATE SET waiting = waiting + 1;
        END;

        CREATE TABLE events (
            site TEXT NOT NULL,
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            at_ts REAL NOT NULL,
            actor TEXT NOT NULL,
            ticket TEXT,
            data TEXT NOT NULL,             -- public JSON: no personal data
            PRIMARY KEY (site, seq)
        ) WITHOUT ROWID;
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events BEGIN
            SELECT RAISE(ABORT, 'events are append-only');
        END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events BEGIN
            SELECT RAISE(ABORT, 'events are append-only');
        END;

        CREATE TABLE counters (
            id TEXT PRIMARY KEY,
            site TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'closed',   -- open, paused, closed
            pause_reason TEXT,
            state_ts REAL,
            clerk TEXT,
            current TEXT REFERENCES tickets (id)
        );

        CREATE TABLE users (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,                     -- clerk, supervisor, admin
            site TEXT,
            created_ts REAL NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE tokens (
            token_hash TEXT PRIMARY KEY,            -- sha256 of the bearer token
            username TEXT NOT NULL REFERENCES users (username),
            created_ts REAL NOT NULL,
            expires_ts REAL NOT NULL
        );
        CREATE TABLE devices (
            token_hash TEXT PRIMARY KEY,
            device TEXT NOT NULL,
            created_ts REAL NOT NULL
        );
        """
    )


def migrate(path: str | Path) -> None:
    """Apply pending migrations; WAL mode is set once for the file."""
    db = sqlite_utils.Database(path)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        migrations.apply(db)
    finally:
        db.close()
