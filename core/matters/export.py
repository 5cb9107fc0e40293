"""The 好差评 export for the upper platform (SPEC 6c, docs/matters.md): one JSON record per matter rating.

A rating puts its record in the outbox (kind ``platform.evaluation``) in the same transaction; the
housekeeping loop hands due records to an ``Adapter`` and marks them sent, retrying failures with
backoff (``notify.mark``): at least once, never lost. The default adapter appends JSON lines to a
file; another platform is a class with ``send(record)``, named by ``HALL_PLATFORM_ADAPTER=module:Class``
(constructed with the default file's path). Records carry what the platform needs and no more: the
办件编号, item, site, grade, reason code, stage, channel and time; never an identity, name, phone or typed text.
"""

from __future__ import annotations

import importlib
import json
import threading
from pathlib import Path
from typing import Any, Protocol

from core import notify
from core.store import booking as outbox
from core.store import matters as sql
from core.store.db import Reader, Tx

KIND = "platform.evaluation"


class Adapter(Protocol):
    def send(self, record: dict[str, Any]) -> None:
        """Deliver one record; raise to have it retried later."""
        ...


class JsonLinesFile:
    """The default: one JSON line per record, appended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")


def adapter(spec: str | None, path: Path) -> Adapter:
    """The configured adapter: ``module:Class`` (called with ``path``), else the JSON-lines file."""
    if not spec:
        return JsonLinesFile(path)
    module, _, name = spec.partition(":")
    found: Adapter = getattr(importlib.import_module(module), name)(path)
    return found


def enqueue(tx: Tx, record: dict[str, Any]) -> None:
    now = tx.now.timestamp()
    outbox.enqueue(tx, KIND, record, now, now)


def due(r: Reader) -> list[dict[str, Any]]:
    return [dict(row) for row in sql.platform_due(r, r.now.timestamp())]


def deliver(target: Adapter, rows: list[dict[str, Any]]) -> list[tuple[int, str | None, int]]:
    out: list[tuple[int, str | None, int]] = []
    for row in rows:
        try:
            target.send(json.loads(row["payload"]))
            out.append((row["id"], None, row["attempts"]))
        except Exception as e:  # any adapter failure: retry later
            out.append((row["id"], f"{type(e).__name__}: {e}", row["attempts"]))
    return out


mark = notify.mark
