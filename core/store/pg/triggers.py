"""PostgreSQL twins of the schema's SQLite triggers (by trigger name), and what only the
PostgreSQL store needs: the per-site event sequence rows (core/store/pg/backend.py)."""

from __future__ import annotations

_COUNT = """
CREATE OR REPLACE FUNCTION hall_queue_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'waiting' THEN
        UPDATE queue_counts SET waiting = waiting - 1 WHERE site = OLD.site AND service = OLD.service;
    END IF;
    IF NEW.status = 'waiting' THEN
        INSERT INTO queue_counts (site, service, waiting) VALUES (NEW.site, NEW.service, 1)
            ON CONFLICT (site, service) DO UPDATE SET waiting = queue_counts.waiting + 1;
    END IF;
    RETURN NULL;
END $$
"""
_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION hall_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END $$
"""

POSTGRES: dict[str, tuple[str, ...]] = {
    "tickets_count_insert": (
        _COUNT,
        "CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets FOR EACH ROW "
        "WHEN (NEW.status = 'waiting') EXECUTE FUNCTION hall_queue_count()",
    ),
    "tickets_count_update": (
        _COUNT,
        "CREATE TRIGGER tickets_count_update AFTER UPDATE OF status, service ON tickets FOR EACH ROW "
        "WHEN (OLD.status = 'waiting' OR NEW.status = 'waiting') EXECUTE FUNCTION hall_queue_count()",
    ),
    "events_append_only_update": (
        _APPEND_ONLY,
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
        "FOR EACH ROW EXECUTE FUNCTION hall_append_only()",
    ),
    "events_append_only_delete": (
        _APPEND_ONLY,
        "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events "
        "FOR EACH ROW EXECUTE FUNCTION hall_append_only()",
    ),
}

# The per-site event sequence: a row per site, locked by the transaction that numbers the site's
# next events and kept at the last seq by a trigger on events (idempotent: run on every start).
SUPPORT = (
    "CREATE TABLE IF NOT EXISTS hall_event_seq (site TEXT PRIMARY KEY, last BIGINT NOT NULL)",
    """
    CREATE OR REPLACE FUNCTION hall_event_seq_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO hall_event_seq (site, last) VALUES (NEW.site, NEW.seq)
            ON CONFLICT (site) DO UPDATE SET last = GREATEST(hall_event_seq.last, excluded.last);
        RETURN NULL;
    END $$
    """,
    "CREATE OR REPLACE TRIGGER events_seq_keep AFTER INSERT ON events "
    "FOR EACH ROW EXECUTE FUNCTION hall_event_seq_keep()",
    "INSERT INTO hall_event_seq (site, last) SELECT site, MAX(seq) FROM events GROUP BY site ON CONFLICT DO NOTHING",
)
