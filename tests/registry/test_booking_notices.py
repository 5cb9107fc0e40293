"""Every applicant is told of every change to a booking (booking, reschedule, cancel), through
the outbox; a moved booking is reminded at its new time only; phones stay masked in the log."""

from __future__ import annotations

import json
from pathlib import Path

from core import notify
from core.days.clock import ManualClock
from core.registry import appointments as ap
from core.store.db import Store
from tests.conftest import SECRET
from tests.registry.test_appointments import HER, HIM, NEXT_MONDAY, at, book


def outbox(store: Store) -> list[dict[str, object]]:
    rows = store.read_sync(
        lambda r: r.execute("SELECT kind, payload, phone, sent_ts FROM outbox ORDER BY id").fetchall()
    )
    return [{"kind": k, "payload": json.loads(p), "phone": ph, "sent": s is not None} for k, p, ph, s in rows]


def kinds(store: Store, kind: str) -> int:
    return sum(1 for m in outbox(store) if m["kind"] == kind)


def test_reschedule_tells_both_parties_and_moves_the_reminder(store: Store) -> None:
    a = book(store, at(NEXT_MONDAY, "10:00"))
    store.write_sync(ap.reschedule, a["code"], HIM.phone, at(NEXT_MONDAY, "14:00"))
    moved = [m for m in outbox(store) if m["kind"] == "booking.rescheduled"]
    assert len(moved) == 2 and {m["phone"] for m in moved} == {m["phone"] for m in outbox(store)[:2]}
    payload = moved[0]["payload"]
    assert isinstance(payload, dict) and "T14:00" in payload["start"] and "T10:00" in payload["before"]
    reminders = [m for m in outbox(store) if m["kind"] == "booking.reminder"]
    assert len(reminders) == 2 and all("T14:00" in m["payload"]["start"] for m in reminders)  # type: ignore[index]
    text = notify.render("booking.rescheduled", payload)
    assert "10:00" in text and "14:00" in text and a["code"] in text


def test_cancel_tells_both_parties_and_drops_the_reminders(store: Store) -> None:
    a = book(store, at(NEXT_MONDAY, "10:00"))
    store.write_sync(ap.cancel, a["code"], "174X")
    assert kinds(store, "booking.cancelled") == 2
    assert kinds(store, "booking.reminder") == 0


def test_the_other_party_hears_of_a_change_in_the_log_with_a_masked_phone(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    a = book(store, at(NEXT_MONDAY, "10:00"))
    store.write_sync(ap.cancel, a["code"], HIM.phone)  # he cancels; she must hear of it
    sink = notify.LogSink(tmp_path / "notifications.log", clock)
    store.write_sync(notify.mark, notify.deliver(sink, store.read_sync(notify.due), SECRET))
    lines = [json.loads(line) for line in (tmp_path / "notifications.log").read_text().splitlines()]
    cancelled = [line for line in lines if line["kind"] == "booking.cancelled"]
    assert {line["to"] for line in cancelled} == {"138****8000", "139****9000"}
    assert "已取消" in cancelled[0]["text"]
    log = (tmp_path / "notifications.log").read_text()
    assert HIM.phone not in log and HER.phone not in log
