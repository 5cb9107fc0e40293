"""SQL of ballots (core/peak/ballot.py): entries, the people in them, the draw, and booking attempts."""

from __future__ import annotations

from typing import Any

from core.store.rows import Conn

ENTRY_COLUMNS = (
    "code, ballot, created_ts, status, position, eligible_from, ceremony, appointment, offered_ts, confirm_by_ts, "
    "confirmed_ts"
)


def entry_of_identity(c: Conn, ballot: str, id_hash: str) -> Any:
    return c.one("SELECT entry FROM ballot_people WHERE ballot = ? AND id_hash = ?", (ballot, id_hash))


def insert_entry(c: Conn, e: dict[str, Any], people: list[dict[str, Any]]) -> None:
    c.execute(
        "INSERT INTO ballot_entries (code, ballot, created_ts, status, eligible_from, ceremony) "
        "VALUES (?, ?, ?, 'entered', ?, ?)",
        (e["code"], e["ballot"], e["created_ts"], e["eligible_from"], e["ceremony"]),
    )
    for i, p in enumerate(people):
        c.execute(
            "INSERT INTO ballot_people (ballot, id_hash, entry, idx, name, id_masked, phone, phone_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (e["ballot"], p["id_hash"], e["code"], i, p["name"], p["id_masked"], p["phone"], p["phone_hash"]),
        )


def entry(c: Conn, code: str) -> Any:
    return c.one(f"SELECT {ENTRY_COLUMNS} FROM ballot_entries WHERE code = ?", (code,))


def people(c: Conn, code: str) -> list[Any]:
    return list(
        c.execute(
            "SELECT idx, name, id_hash, id_masked, phone, phone_hash FROM ballot_people WHERE entry = ? ORDER BY idx",
            (code,),
        )
    )


def entries(c: Conn, ballot: str) -> list[Any]:
    """Every entry of a ballot, in drawn order once drawn (codes before)."""
    return list(
        c.execute(f"SELECT {ENTRY_COLUMNS} FROM ballot_entries WHERE ballot = ? ORDER BY position, code", (ballot,))
    )


def first_names(c: Conn, ballot: str) -> dict[str, list[Any]]:
    """Each entry's people (sealed names, masked numbers), for the result's masked names."""
    out: dict[str, list[Any]] = {}
    for row in c.execute(
        "SELECT entry, name, id_masked FROM ballot_people WHERE ballot = ? ORDER BY entry, idx", (ballot,)
    ):
        out.setdefault(str(row[0]), []).append(row)
    return out


def count_entries(c: Conn, ballot: str) -> int:
    return int(c.one("SELECT COUNT(*) FROM ballot_entries WHERE ballot = ?", (ballot,))[0])


def update_entry(c: Conn, code: str, **fields: Any) -> None:
    bad = set(fields) - {"status", "position", "appointment", "offered_ts", "confirm_by_ts", "confirmed_ts"}
    if bad:
        raise ValueError(f"not updatable: {bad}")
    sets = ", ".join(f"{k} = ?" for k in fields)
    c.execute(f"UPDATE ballot_entries SET {sets} WHERE code = ?", (*fields.values(), code))


def draw(c: Conn, ballot: str) -> Any:
    return c.one("SELECT seed, seed_hash, places, entries, drawn_ts FROM ballot_draws WHERE ballot = ?", (ballot,))


def insert_draw(c: Conn, ballot: str, seed: str, seed_hash: str, places: int, entries: int, now_ts: float) -> None:
    c.execute(
        "INSERT INTO ballot_draws (ballot, seed, seed_hash, places, entries, drawn_ts) VALUES (?, ?, ?, ?, ?, ?)",
        (ballot, seed, seed_hash, places, entries, now_ts),
    )


def expired_offers(c: Conn, ballot: str, now_ts: float) -> list[Any]:
    return list(
        c.execute(
            f"SELECT {ENTRY_COLUMNS} FROM ballot_entries WHERE ballot = ? AND status = 'won' AND confirm_by_ts < ? "
            "ORDER BY position",
            (ballot, now_ts),
        )
    )


def next_waiting(c: Conn, ballot: str) -> Any:
    return c.one(
        f"SELECT {ENTRY_COLUMNS} FROM ballot_entries WHERE ballot = ? AND status = 'waiting' ORDER BY position LIMIT 1",
        (ballot,),
    )


def status_counts(c: Conn, ballot: str) -> dict[str, int]:
    rows = c.execute("SELECT status, COUNT(*) FROM ballot_entries WHERE ballot = ? GROUP BY status", (ballot,))
    return {str(r[0]): int(r[1]) for r in rows}


def count_attempt(c: Conn, site: str, day: str, service: str) -> None:
    c.execute(
        "INSERT INTO peak_attempts (site, day, service, attempts) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (site, day, service) DO UPDATE SET attempts = attempts + 1",
        (site, day, service),
    )


def attempts(c: Conn, site: str, day: str, service: str) -> int:
    row = c.one("SELECT attempts FROM peak_attempts WHERE site = ? AND day = ? AND service = ?", (site, day, service))
    return 0 if row is None else int(row[0])


def day_statuses(c: Conn, site: str, service: str, day: str) -> dict[str, int]:
    """A day's appointments of a service per status (statistics: no-shows)."""
    rows = c.execute(
        "SELECT status, COUNT(*) FROM appointments WHERE site = ? AND service = ? AND day = ? GROUP BY status",
        (site, service, day),
    )
    return {str(r[0]): int(r[1]) for r in rows}


def booking_codes(c: Conn, ballot: str) -> dict[str, str]:
    """The booking code of each entry that was offered a place (the registry's day view)."""
    rows = c.execute(
        "SELECT e.code, a.code FROM ballot_entries e JOIN appointments a ON a.id = e.appointment WHERE e.ballot = ?",
        (ballot,),
    )
    return {str(r[0]): str(r[1]) for r in rows}
