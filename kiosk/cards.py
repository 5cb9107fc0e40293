"""What a reader hands the agent: a card's identity record, or just its UID."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CardRead:
    """One card read. Kept in memory only, sent to the server, then dropped."""

    source: str  # idmodule, pcsc
    id_number: str | None = None
    name: str | None = None
    sex: str | None = None
    nation: str | None = None
    birth_date: str | None = None  # YYYY-MM-DD
    address: str | None = None
    issuer: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None  # YYYY-MM-DD or 长期
    uid: str | None = None  # hex, PC/SC cards
    extra: dict[str, str] = field(default_factory=dict)

    def message(self) -> dict[str, Any]:
        """The ``card`` message to the server (no empty fields)."""
        out: dict[str, Any] = {"type": "card", "source": self.source}
        for key in ("id_number", "name", "sex", "nation", "birth_date", "address", "issuer", "valid_from", "valid_to",
                    "uid"):  # fmt: skip
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.extra:
            out["extra"] = dict(self.extra)
        return out

    def __repr__(self) -> str:  # never print personal data into a log by accident
        return f"CardRead(source={self.source!r}, uid={self.uid!r}, id_number={'***' if self.id_number else None})"
