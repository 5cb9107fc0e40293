"""The event types of the site socket, in one list (SPEC 7, plus the few we add).

Python uses ``EventType`` (mypy checks every emit site against it) and ``EVENT_TYPES``;
the browser gets the same list from ``static/js/events.js`` (``python -m protocol.js``).
"""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal[
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
    "ticket.checked_in",  # a remote ticket's holder checked in at the site: now waiting, rank from issue
    "counter.updated",
    "help.requested",  # 帮办 (core/queue/help_requests.py): id, kiosk, status; who claimed: staff sockets only
    "help.claimed",
    "help.closed",
    "evaluation.recorded",  # 好差评 (core/supervision/evaluation.py): number, counter, grade; no reason or words
    "evaluation.bad",
    "matter.updated",  # 办件 (core/matters/): status, item, sites, due; never the code or the identity
    "matter.overdue",  # a matter passed its due day (the processing site's hall page alerts): item, due
    "notices.updated",  # 温馨提示 of the site's displays (core/supervision/notices.py): the lines, nothing personal
]

EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)

# Events whose actor (a staff member's name) staff sockets are told as ``data.by``, never public ones.
STAFF_NAMED: frozenset[EventType] = frozenset({"help.claimed", "help.closed"})
