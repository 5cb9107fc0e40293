"""SQL of kiosk and display health and of print jobs (tables of migration 0003_devices)."""

from __future__ import annotations

from typing import Any

from core.store.rows import Conn


def upsert_status(c: Conn, device: str, site: str, kind: str, now_ts: float, fields: dict[str, Any]) -> None:
    """Record a heartbeat; ``fields`` may set printer_online, paper, reader_present,
    scanner_present, version and detail (missing ones keep their value)."""
    allowed = ("printer_online", "paper", "reader_present", "scanner_present", "version", "detail")
    bad = set(fields) - set(allowed)
    if bad:
        raise ValueError(f"not device status columns: {bad}")
    cols = ["device", "site", "kind", "last_seen_ts", *fields]
    values = [device, site, kind, now_ts, *fields.values()]
    updates = ", ".join(f"{k} = excluded.{k}" for k in ["site", "kind", "last_seen_ts", *fields])
    c.execute(
        f"INSERT INTO device_status ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        f"ON CONFLICT (device) DO UPDATE SET {updates}",
        values,
    )


def set_printer(c: Conn, device: str, online: int | None, paper: str | None) -> None:
    """What a failed print job told us, until the next heartbeat says otherwise."""
    if paper is None:
        c.execute("UPDATE device_status SET printer_online = ? WHERE device = ?", (online, device))
    else:
        c.execute("UPDATE device_status SET printer_online = ?, paper = ? WHERE device = ?", (online, paper, device))


def statuses(c: Conn) -> dict[str, Any]:
    return {row["device"]: row for row in c.execute("SELECT * FROM device_status").fetchall()}


def insert_job(c: Conn, device: str, kind: str, ticket: str | None, now_ts: float) -> int:
    row = c.one(
        "INSERT INTO print_jobs (device, kind, ticket, created_ts, status) VALUES (?, ?, ?, ?, 'sent') RETURNING id",
        (device, kind, ticket, now_ts),
    )
    return int(row[0])


def finish_job(c: Conn, device: str, job: int, status: str, reason: str | None, now_ts: float) -> bool:
    """Close a job still ``sent`` by this device; False if it was not (unknown, another's, done)."""
    row = c.one(
        "UPDATE print_jobs SET status = ?, reason = ?, done_ts = ? "
        "WHERE id = ? AND device = ? AND status = 'sent' RETURNING id",
        (status, reason, now_ts, job, device),
    )
    return row is not None


def jobs_per_device(c: Conn, since_ts: float) -> dict[str, dict[str, int]]:
    """Print jobs created since ``since_ts``, per device and status."""
    out: dict[str, dict[str, int]] = {}
    for row in c.execute(
        "SELECT device, status, COUNT(*) AS n FROM print_jobs WHERE created_ts >= ? GROUP BY device, status",
        (since_ts,),
    ).fetchall():
        out.setdefault(row["device"], {})[row["status"]] = row["n"]
    return out
