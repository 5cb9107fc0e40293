"""Events: every state change, in order, with a site-wide sequence number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# The public event types of the websocket contract (SPEC 7), plus the few we add.
TYPES = frozenset(
    {
        "ticket.issued",
        "ticket.called",
        "ticket.recalled",
        "ticket.serving",
        "ticket.done",
        "ticket.no_show",
        "ticket.transferred",
        "ticket.cancelled",
        "ticket.expired",
        "ticket.reinstated",
        "counter.updated",
        "help.requested",  # 帮办 (core/queue/help_requests.py): id, kiosk, status; who claimed: staff sockets only
        "help.claimed",
        "help.closed",
        "evaluation.recorded",  # 好差评 (core/supervision/evaluation.py): number, counter, grade; no reason or words
        "evaluation.bad",
        "notices.updated",  # 温馨提示 of the site's displays (core/supervision/notices.py): the lines, nothing personal
    }
)

# Events whose actor (a staff member's name) staff sockets are told, never public ones.
STAFF_NAMED = frozenset({"help.claimed", "help.closed"})


@dataclass(frozen=True)
class Event:
    """One committed change. ``data`` is public: it never holds personal data."""

    site: str
    seq: int
    type: str
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
