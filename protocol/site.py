"""``WS /ws/sites/{site}?since=<seq>`` (SPEC 7, docs/display.md): what the server sends.

First a ``snapshot`` (the state a screen starts from, ``seq`` its last event), then events
``{type, seq, site, at, data}`` in ``seq`` order: the missed ones after ``since``, then live
ones. The socket takes nothing from its client. A staff member's socket offers the
subprotocols ``hall.staff`` and its bearer token; its events of ``STAFF_NAMED`` types carry
who acted (``data.by``).

Every event type is a struct of its own (generated from ``EventType``), so a message
decodes to exactly one class and an unknown type fails to decode.
"""

from __future__ import annotations

import typing
from typing import Any, cast

import msgspec

from protocol.events import EVENT_TYPES, EventType
from protocol.wire import encode

__all__ = ["EVENT_CLASSES", "Event", "Message", "Snapshot", "decode", "encode", "event"]

STAFF_PROTOCOL = "hall.staff"

# Close codes of the site socket
TAKES_NO_MESSAGES = 1008  # the client sent a frame
NOT_STAFF = 4401  # asked for hall.staff with a token that is not a staff member's of the site
UNKNOWN_SITE = 4404
TOO_SLOW = 4408  # the subscriber's queue overflowed: reconnect with since


class Snapshot(msgspec.Struct, tag_field="type", tag="snapshot"):
    seq: int  # the site's last event: what the snapshot reflects
    site: str
    data: dict[str, Any]  # site, counters, waiting, services, recent calls, notices (core.queue.views.snapshot)


class Event(msgspec.Struct, tag_field="type"):
    """One committed change; ``type`` is its tag (one subclass per event type). ``data`` is
    public: never personal data."""

    seq: int
    site: str
    at: str  # ISO 8601 with its offset
    data: dict[str, Any]

    @property
    def type(self) -> EventType:
        return cast(EventType, self.__struct_config__.tag)


def _class_name(type_: str) -> str:
    return "".join(part.capitalize() for part in type_.replace(".", "_").split("_"))


EVENT_CLASSES: dict[EventType, type[Event]] = {
    t: cast(type[Event], msgspec.defstruct(_class_name(t), [], bases=(Event,), tag=t, module=__name__))
    for t in EVENT_TYPES
}

Message = Snapshot | Event
_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(
    typing.Union.__getitem__((Snapshot, *EVENT_CLASSES.values()))
)


def event(type_: EventType, seq: int, site: str, at: str, data: dict[str, Any]) -> Event:
    return EVENT_CLASSES[type_](seq=seq, site=site, at=at, data=data)


def decode(raw: str | bytes) -> Message:
    """A message the server sent.

    :raises msgspec.DecodeError: not JSON, or not a message of this socket (a
        ``msgspec.ValidationError``: an unknown type, a missing or wrongly typed field).
    """
    message: Message = _decoder.decode(raw)
    return message
