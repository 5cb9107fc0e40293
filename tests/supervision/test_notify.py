"""Notifications: queued in the same transaction, delivered through a sink, retried, masked."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from core import notify
from core.days.clock import ManualClock
from core.registry import appointments as ap
from core.store.db import Store
from tests.conftest import SECRET
from tests.registry.test_appointments import HER, HIM, at


class Flaky:
    def __init__(self) -> None:
        self.fail = True
        self.sent: list[tuple[str, str | None, str]] = []

    def send(self, kind: str, phone: str | None, text: str) -> None:
        if self.fail:
            raise ConnectionError("gateway down")
        self.sent.append((kind, phone, text))


def test_confirmation_retried_until_delivered(store: Store, clock: ManualClock) -> None:
    a = store.write_sync(ap.book, "registry", "marriage", at(dt.date(2026, 5, 18), "10:00"), [HIM, HER])
    sink = Flaky()
    due = store.read_sync(notify.due)
    assert [m["kind"] for m in due] == ["booking.confirmed", "booking.confirmed"]  # reminders wait for the day before
    store.write_sync(notify.mark, notify.deliver(sink, due, SECRET))
    assert store.read_sync(notify.due) == []  # backing off
    clock.advance(minutes=2)
    sink.fail = False
    store.write_sync(notify.mark, notify.deliver(sink, store.read_sync(notify.due), SECRET))
    assert {s[1] for s in sink.sent} == {HIM.phone, HER.phone}
    assert len(sink.sent) == 2 and a["code"] in sink.sent[0][2] and "宝山区婚姻登记管理所" in sink.sent[0][2]
    clock.set(at(dt.date(2026, 5, 17), "10:00"))
    assert {m["kind"] for m in store.read_sync(notify.due)} == {"booking.reminder"}


def test_log_sink_masks_the_phone(tmp_path: Path, clock: ManualClock) -> None:
    sink = notify.LogSink(tmp_path / "n.log", clock)
    sink.send("booking.confirmed", "13800138000", "text")
    line = json.loads((tmp_path / "n.log").read_text())
    assert line["to"] == "138****8000" and "13800138000" not in (tmp_path / "n.log").read_text()
