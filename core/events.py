"""Events: every state change, in order, with a site-wide sequence number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from protocol.events import EVENT_TYPES, STAFF_NAMED, EventType

# The event types (SPEC 7, plus the few we add) and those whose actor staff sockets are told
# (a staff member's name, never in public events): one list, in protocol/events.py.
TYPES: frozenset[EventType] = frozenset(EVENT_TYPES)


@dataclass(frozen=True)
class Event:
    """One committed change. ``data`` is public: it never holds personal data."""

    site: str
    seq: int
    type: EventType
    at: dt.datetime
    data: dict[str, Any]
    actor: str = "system"
    ticket: str | None = field(default=None, repr=False)

    def public(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "site": self.site, "at": self.at.isoformat(), "data": self.data}

    def staff(self) -> dict[str, Any] | None:
        """The event for staff sockets when it differs from the public one: a help request's
        staff member by name (``by``). None when staff see the public event."""
        if self.type not in STAFF_NAMED:
            return None
        out = self.public()
        out["data"] = {**self.data, "by": self.actor}
        return out
