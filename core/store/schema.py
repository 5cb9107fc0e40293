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


@migrations(name="0002_appointments")
def m0002(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        ALTER TABLE tickets ADD COLUMN appointment TEXT;
        CREATE INDEX tickets_waiting_booked ON tickets (site, service)
            WHERE status = 'waiting' AND appointment IS NOT NULL;

        -- places taken per slot; the capacity comes from config or an override at booking time
        CREATE TABLE slot_usage (
            site TEXT NOT NULL, service TEXT NOT NULL, start_ts REAL NOT NULL, booked INTEGER NOT NULL,
            PRIMARY KEY (site, service, start_ts)
        ) WITHOUT ROWID;
        -- a supervisor's per-date change of places per slot and/or hours
        CREATE TABLE slot_overrides (
            site TEXT NOT NULL, service TEXT NOT NULL, day TEXT NOT NULL,
            capacity INTEGER, open TEXT, close TEXT, note TEXT, by TEXT, at_ts REAL,
            PRIMARY KEY (site, service, day)
        ) WITHOUT ROWID;
        -- admin-edited holidays and adjusted working days, over the calendar package
        CREATE TABLE calendar_overrides (
            day TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')), note TEXT
        );

        CREATE TABLE appointments (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,          -- booking code shown and printed
            site TEXT NOT NULL,
            service TEXT NOT NULL,
            day TEXT NOT NULL,
            start_ts REAL NOT NULL,
            end_ts REAL NOT NULL,
            status TEXT NOT NULL,               -- booked, checked_in, completed, cancelled, no_show
            created_ts REAL NOT NULL,
            updated_ts REAL NOT NULL,
            ticket TEXT,
            divorce_case TEXT
        );
        CREATE INDEX appointments_day ON appointments (site, day, service);
        CREATE INDEX appointments_open ON appointments (start_ts) WHERE status = 'booked';

        CREATE TABLE applicants (
            appointment TEXT NOT NULL REFERENCES appointments (id),
            idx INTEGER NOT NULL,
            name TEXT,                          -- purged after retention
            id_hash TEXT NOT NULL,              -- HMAC of the ID number
            id_masked TEXT NOT NULL,
            phone TEXT,                         -- purged after retention
            phone_hash TEXT NOT NULL,
            checked_in_ts REAL,
            PRIMARY KEY (appointment, idx)
        ) WITHOUT ROWID;
        CREATE INDEX applicants_id ON applicants (id_hash);
        CREATE INDEX applicants_phone ON applicants (phone_hash);

        CREATE TABLE divorce_cases (
            id TEXT PRIMARY KEY,
            site TEXT NOT NULL,
            received_day TEXT NOT NULL,
            cooling_end TEXT NOT NULL,
            window_start TEXT NOT NULL,
            window_end TEXT NOT NULL,
            status TEXT NOT NULL,               -- cooling, open, completed, withdrawn
            party_a TEXT NOT NULL,              -- id hashes, sorted
            party_b TEXT NOT NULL,
            created_ts REAL NOT NULL,
            closed_ts REAL,
            closed_reason TEXT
        );
        CREATE INDEX divorce_cases_parties ON divorce_cases (party_a, party_b);

        -- notifications to send (SPEC 5): retried, never lost on restart
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            appointment TEXT,
            ticket TEXT,
            phone TEXT,                         -- purged once sent and past retention
            payload TEXT NOT NULL,
            due_ts REAL NOT NULL,
            created_ts REAL NOT NULL,
            sent_ts REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        );
        CREATE INDEX outbox_due ON outbox (due_ts) WHERE sent_ts IS NULL;
        """
    )


@migrations(name="0003_devices")
def m0003(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- the last health report of each kiosk agent and display (SPEC 6)
        CREATE TABLE device_status (
            device TEXT PRIMARY KEY,
            site TEXT NOT NULL,
            kind TEXT NOT NULL,                 -- kiosk, display
            last_seen_ts REAL,
            printer_online INTEGER,             -- 1, 0, NULL unknown
            paper TEXT,                         -- ok, near_end, out, unknown
            reader_present INTEGER,
            scanner_present INTEGER,
            version TEXT,
            detail TEXT                         -- JSON: anything else the agent reported
        );
        -- print jobs sent to kiosk agents and their acknowledgements
        CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            device TEXT NOT NULL,
            kind TEXT NOT NULL,                 -- ticket, guide, appointment
            ticket TEXT,
            created_ts REAL NOT NULL,
            status TEXT NOT NULL,               -- sent, printed, failed
            reason TEXT,
            done_ts REAL
        );
        CREATE INDEX print_jobs_device ON print_jobs (device, created_ts);
        """
    )


@migrations(name="0004_evaluations")
def m0004(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- 好差评: one rating per served ticket (SPEC 6)
        CREATE TABLE evaluations (
            ticket TEXT PRIMARY KEY REFERENCES tickets (id),
            site TEXT NOT NULL,
            service TEXT NOT NULL,
            counter TEXT,
            clerk TEXT,
            grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 5),
            reason TEXT,                        -- required for grades 1 and 2
            comment TEXT,
            channel TEXT NOT NULL,              -- pad, phone
            at_ts REAL NOT NULL
        );
        CREATE INDEX evaluations_site ON evaluations (site, at_ts);
        -- what was done about a bad rating
        CREATE TABLE evaluation_followups (
            id INTEGER PRIMARY KEY,
            ticket TEXT NOT NULL REFERENCES evaluations (ticket),
            by TEXT NOT NULL,
            at_ts REAL NOT NULL,
            contacted INTEGER NOT NULL,
            result TEXT NOT NULL,
            resident_view TEXT
        );
        """
    )


@migrations(name="0006_holiday_schedule")
def m0006(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- years whose State Council schedule (bridged days, 调休) an admin entered and confirmed
        -- (the days themselves are in calendar_overrides); see docs/holidays.md
        CREATE TABLE holiday_years (
            year INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
            by TEXT NOT NULL,
            at_ts REAL NOT NULL
        );
        -- the first day on which a booking's age rules hold (core/registry/eligibility.py): a reschedule
        -- checks the new day against it without keeping birth dates
        ALTER TABLE appointments ADD COLUMN eligible_from TEXT;
        """
    )


@migrations(name="0005_display_notices")
def m0005(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- 温馨提示 on a site's hall displays, set by a supervisor (core/supervision/notices.py); display health
        -- needs no table of its own (device_status of 0003_devices, kind 'display')
        CREATE TABLE display_notices (
            site TEXT PRIMARY KEY,
            lines TEXT NOT NULL,                -- JSON list of the lines, in order
            by TEXT NOT NULL,
            at_ts REAL NOT NULL
        );
        """
    )


@migrations(name="0007_help_requests")
def m0007(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- 帮办: a kiosk's call for staff, open -> claimed (by one named staff member) -> closed
        -- (core/queue/help_requests.py); the names are staff accounts, never a resident's
        CREATE TABLE help_requests (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL,
            kiosk TEXT,                         -- the device, or NULL when staff raised it
            kiosk_name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'closed')),
            opened_ts REAL NOT NULL,
            claimed_by TEXT,
            claimed_ts REAL,
            closed_by TEXT,
            closed_ts REAL
        );
        CREATE INDEX help_requests_site ON help_requests (site, status, opened_ts);
        -- the ticket that last left a counter (done, no-show, transfer): the clerk's "last ticket"
        -- is the server's truth, not the page's memory
        ALTER TABLE counters ADD COLUMN last_ticket TEXT;
        """
    )


@migrations(name="0008_remote_tickets")
def m0008_remote(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- remote tickets (core/queue/remote.py): status 'remote' until checked in at the site; they hold
        -- their place (people ahead, waiting counts) and are never called before check-in
        CREATE INDEX tickets_remote ON tickets (site, service, rank_ts, arrived_ts, number) WHERE status = 'remote';
        DROP INDEX tickets_live_identity;
        CREATE UNIQUE INDEX tickets_live_identity ON tickets (site, service, id_hash)
            WHERE id_hash IS NOT NULL AND status IN ('remote', 'waiting', 'called', 'serving');
        -- one live remote ticket per identity per day, at any site
        CREATE UNIQUE INDEX tickets_remote_identity ON tickets (id_hash, day)
            WHERE source = 'remote' AND id_hash IS NOT NULL AND status IN ('remote', 'waiting', 'called', 'serving');
        """
    )


@migrations(name="0009_ticket_phone")
def m0009(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- a walk-in's phone for "your turn is near" (core/notify.py), sealed like an applicant's;
        -- purged with the ticket's other personal data
        ALTER TABLE tickets ADD COLUMN phone TEXT;
        -- the tickets "your turn is near" may still be sent for (core/registry/visits.py)
        CREATE INDEX tickets_to_tell ON tickets (site, service)
            WHERE status = 'waiting' AND (appointment IS NOT NULL OR phone IS NOT NULL);
        CREATE INDEX outbox_ticket ON outbox (ticket, kind) WHERE ticket IS NOT NULL;
        """
    )


@migrations(name="0010_matters")
def m0010_matters(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- 办件 (core/matters/, SPEC 6c): a matter accepted at a counter, its owner and processing sites,
        -- its due day in working days; the identity only keyed-hashed and masked, the phone sealed
        CREATE TABLE matters (
            code TEXT PRIMARY KEY,              -- 办件编号, also its id in the API
            item TEXT NOT NULL,                 -- catalogue item (config [[matters]])
            service TEXT NOT NULL,
            accepted_site TEXT NOT NULL,
            processing_site TEXT NOT NULL,
            status TEXT NOT NULL,               -- accepted handed_off in_progress ready delivered returned rejected
            ticket TEXT,                        -- the visit it was accepted in
            clerk TEXT NOT NULL,                -- who accepted it
            assignee TEXT,                      -- who started processing it
            id_hash TEXT,
            id_masked TEXT,
            phone TEXT,                         -- sealed; told when ready
            received TEXT NOT NULL,             -- JSON list of document indexes received (or replaced)
            missing TEXT NOT NULL,              -- JSON list of document indexes missing (补正)
            note TEXT,
            reason TEXT,                        -- why rejected
            accepted_ts REAL NOT NULL,
            started_day TEXT,                   -- the day the time limit runs from (acceptance, or documents completed)
            due_day TEXT,                       -- YYYY-MM-DD at the processing site; NULL while returned
            ready_ts REAL,
            closed_ts REAL,                     -- delivered or rejected: retention counts from here
            overdue_alerted INTEGER NOT NULL DEFAULT 0,
            collect_ticket TEXT                 -- the 出证领证 ticket it was delivered at
        );
        CREATE INDEX matters_processing ON matters (processing_site, status, due_day);
        CREATE INDEX matters_accepted ON matters (accepted_site, status);
        CREATE INDEX matters_ticket ON matters (ticket);
        CREATE INDEX matters_identity ON matters (id_hash, status);
        -- every step, with actor and time: both centers and the resident see the same history
        CREATE TABLE matter_steps (
            id INTEGER PRIMARY KEY,
            matter TEXT NOT NULL REFERENCES matters (code),
            status TEXT NOT NULL,
            site TEXT NOT NULL,                 -- where the step was taken
            actor TEXT NOT NULL,
            at_ts REAL NOT NULL,
            note TEXT
        );
        CREATE INDEX matter_steps_matter ON matter_steps (matter, id);
        -- 一事一评: a rating of a matter (after the visit, or again once delivered), its follow-up when bad
        CREATE TABLE matter_ratings (
            id INTEGER PRIMARY KEY,
            matter TEXT NOT NULL REFERENCES matters (code),
            stage TEXT NOT NULL,                -- visit, delivered
            ticket TEXT,
            site TEXT NOT NULL,                 -- the site rated: the visit's, or the processing site
            grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 5),
            reason TEXT,
            channel TEXT NOT NULL,              -- pad, phone
            at_ts REAL NOT NULL,
            followup_due TEXT,                  -- bad ratings: the follow-up's deadline (working days)
            followup_by TEXT,
            followup_ts REAL,
            followup_result TEXT,
            UNIQUE (matter, stage)
        );
        CREATE INDEX matter_ratings_site ON matter_ratings (site, at_ts);
        """
    )


@migrations(name="0011_peak")
def m0011_peak(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- peak days (SPEC 5b, core/peak/): ceremony sessions a supervisor added or changed (config.toml
        -- [peak] gives the others), the couples in them, the ballots' entries, people and draws
        CREATE TABLE ceremony_sessions (
            site TEXT NOT NULL,
            day TEXT NOT NULL,
            id TEXT NOT NULL,
            starts TEXT NOT NULL,               -- HH:MM local
            hall TEXT NOT NULL,
            hall_en TEXT NOT NULL,
            theme TEXT NOT NULL,
            theme_en TEXT NOT NULL,
            capacity INTEGER NOT NULL,          -- couples
            cancelled INTEGER NOT NULL DEFAULT 0,
            by_user TEXT NOT NULL,
            at_ts REAL NOT NULL,
            PRIMARY KEY (site, day, id)
        );
        CREATE TABLE ceremony_places (
            appointment TEXT PRIMARY KEY,       -- a 结婚登记 booking of that day
            site TEXT NOT NULL,
            day TEXT NOT NULL,
            session TEXT NOT NULL,
            joined_ts REAL NOT NULL
        );
        CREATE INDEX ceremony_places_session ON ceremony_places (site, day, session);
        CREATE TABLE ballot_entries (
            code TEXT PRIMARY KEY,              -- the entry code, public in the result
            ballot TEXT NOT NULL,
            created_ts REAL NOT NULL,
            status TEXT NOT NULL,               -- entered won confirmed passed waiting lost void
            position INTEGER,                   -- place in the drawn order, from 1
            eligible_from TEXT,                 -- the first day the age rules hold (as appointments)
            ceremony TEXT,                      -- the session asked for, if any
            appointment TEXT,                   -- the booking of a winner
            offered_ts REAL,
            confirm_by_ts REAL,
            confirmed_ts REAL
        );
        CREATE INDEX ballot_entries_ballot ON ballot_entries (ballot, status, position);
        CREATE TABLE ballot_people (
            ballot TEXT NOT NULL,
            id_hash TEXT NOT NULL,              -- one identity in one entry of a ballot
            entry TEXT NOT NULL,
            idx INTEGER NOT NULL,
            name TEXT,                          -- sealed, as applicants
            id_masked TEXT NOT NULL,
            phone TEXT,                         -- sealed
            phone_hash TEXT NOT NULL,
            PRIMARY KEY (ballot, id_hash)
        );
        CREATE INDEX ballot_people_entry ON ballot_people (entry);
        CREATE TABLE ballot_draws (
            ballot TEXT PRIMARY KEY,
            seed TEXT NOT NULL,                 -- revealed at the draw (its hash was public before)
            seed_hash TEXT NOT NULL,
            places INTEGER NOT NULL,
            entries INTEGER NOT NULL,
            drawn_ts REAL NOT NULL
        );
        -- booking attempts on a peak day (statistics: demand against places), refused ones included
        CREATE TABLE peak_attempts (
            site TEXT NOT NULL,
            day TEXT NOT NULL,
            service TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            PRIMARY KEY (site, day, service)
        );
        """
    )


@migrations(name="0012_shared_state")
def m0012_shared_state(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- what every server process on one PostgreSQL database must see alike (core/shared_limits.py);
        -- on SQLite one process owns the database and keeps this state in memory: the tables stay empty
        CREATE TABLE pow_used (                 -- proof-of-work solutions spent, until they expire
            signature TEXT PRIMARY KEY,
            expires_ts REAL NOT NULL
        );
        CREATE INDEX pow_used_expires ON pow_used (expires_ts);
        CREATE TABLE code_guesses (             -- wrong verifications of a booking, entry or matter code
            code TEXT PRIMARY KEY,
            misses INTEGER NOT NULL,
            first_ts REAL NOT NULL,             -- the hour counted from the first miss
            locked_until REAL
        );
        CREATE INDEX code_guesses_first ON code_guesses (first_ts);
        CREATE TABLE login_known (              -- addresses an account signed in from (not held by
            username TEXT NOT NULL,             -- the lockout of unknown addresses)
            address TEXT NOT NULL,
            at_ts REAL NOT NULL,
            PRIMARY KEY (username, address)
        );
        CREATE TABLE job_leaders (              -- one process runs a housekeeping job at a time
            job TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            until_ts REAL NOT NULL
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
