"""The kiosk link (SPEC 6, docs/kiosk.md): ``WS /ws/kiosks/{kiosk}`` between the server and
the kiosk's agent, both ways, and ``WS /ws/kiosks/{kiosk}/page`` from the server to the
kiosk page (the page sends nothing the server uses).

Decoding checks field types: a frame that is not one of these messages (not JSON, not an
object, an unknown type, a field of the wrong type: a JSON ``true`` is not a job number)
raises, and the receiver ignores it. Values are checked by whoever uses them (the paper
states in ``core.devices.parse_health``, a slip in ``printers.slips.parse``).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from protocol.wire import encode

__all__ = [
    "AgentMessage",
    "PageMessage",
    "ServerMessage",
    "decode_agent",
    "decode_page",
    "decode_server",
    "encode",
    "tag",
    "type_of",
]

MAX_MESSAGE = 16 * 1024  # characters of an agent's frame; a longer one is ignored unread

# Close codes of both sockets
NO_TOKEN = 4401  # no or unknown device token
WRONG_DEVICE = 4403  # a token of another device
REPLACED = 4409  # a newer connection of the same kiosk's agent took over

PrintKind = Literal["ticket", "guide", "appointment", "matter"]


# -- server -> agent --------------------------------------------------------------------------
class Welcome(msgspec.Struct, tag_field="type", tag="welcome"):
    kiosk: str
    server_time: str = ""


class PrintJob(msgspec.Struct, tag_field="type", tag="print"):
    job: int
    kind: str = ""  # a PrintKind; the agent refuses any other with a bad_job ack
    slip: Any = None  # checked by printers.slips.parse: a bad one is acknowledged as bad_job


ServerMessage = Welcome | PrintJob


# -- agent -> server --------------------------------------------------------------------------
class Hello(msgspec.Struct, tag_field="type", tag="hello"):
    version: str = ""
    printer: bool | None = None  # one is configured


class PrinterHealth(msgspec.Struct):
    online: bool | None = None  # None: the printer did not say
    paper: str = "unknown"  # ok, near_end, out, unknown
    error: str | None = None
    configured: bool | None = None


class Part(msgspec.Struct):
    kind: str | None = None
    present: bool | None = None


class Health(msgspec.Struct, tag_field="type", tag="health"):
    version: str = ""
    printer: PrinterHealth | None = None
    reader: Part | None = None
    scanner: Part | None = None


class Card(msgspec.Struct, tag_field="type", tag="card", omit_defaults=True):
    """A card read (its identity never leaves the server's memory), or ``error: unreadable``."""

    source: str | None = None  # idmodule, pcsc
    id_number: str | None = None
    name: str | None = None
    sex: str | None = None
    nation: str | None = None
    birth_date: str | None = None
    address: str | None = None
    issuer: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    uid: str | None = None
    extra: dict[str, str] | None = None
    error: str | None = None

    def __repr__(self) -> str:  # never print personal data into a log by accident
        return f"Card(source={self.source!r}, uid={self.uid!r}, id_number={'***' if self.id_number else None})"


class CardRemoved(msgspec.Struct, tag_field="type", tag="card_removed"):
    pass


class Scan(msgspec.Struct, tag_field="type", tag="scan"):
    data: str


class Ack(msgspec.Struct, tag_field="type", tag="ack"):
    job: int | None  # None: the agent could not read the job's number (the server ignores it)
    status: Literal["printed", "failed"]
    reason: str | None = None  # paper_out, cover_open, cutter_error, offline, interrupted, unreachable, error, bad_job


AgentMessage = Hello | Health | Card | CardRemoved | Scan | Ack


# -- server -> page ---------------------------------------------------------------------------
class AgentState(msgspec.Struct, tag_field="type", tag="agent"):
    online: bool
    printer: bool | None
    printer_configured: bool | None
    paper: str | None
    reader: bool | None
    scanner: bool | None


class Identity(msgspec.Struct, tag_field="type", tag="identity"):
    card: str  # a one-time token: the full ID number never reaches the browser
    masked: str
    name_masked: str
    green: bool
    expires_in: int


class IdentityRemoved(msgspec.Struct, tag_field="type", tag="identity_removed"):
    pass


class IdentityError(msgspec.Struct, tag_field="type", tag="identity_error"):
    reason: Literal["unreadable", "no_identity", "invalid"]


class Scanned(msgspec.Struct, tag_field="type", tag="scan"):
    kind: Literal["booking", "ticket", "unknown"]
    data: str | None  # the booking code, or a remote ticket's id (its QR's phone link)


class Printed(msgspec.Struct, tag_field="type", tag="print"):
    job: int
    status: str  # printed, failed
    reason: str | None


PageMessage = AgentState | Identity | IdentityRemoved | IdentityError | Scanned | Printed


_agent = msgspec.json.Decoder(AgentMessage)
_server = msgspec.json.Decoder(ServerMessage)
_page = msgspec.json.Decoder(PageMessage)


class _Typed(msgspec.Struct):
    type: str | None = None


def decode_agent(raw: str | bytes) -> AgentMessage:
    """An agent's message. :raises msgspec.DecodeError: not one (see the module's docstring)."""
    return _agent.decode(raw)


def decode_server(raw: str | bytes) -> ServerMessage:
    """The server's message to an agent. :raises msgspec.DecodeError: not one."""
    return _server.decode(raw)


def decode_page(raw: str | bytes) -> PageMessage:
    """The server's message to a kiosk page. :raises msgspec.DecodeError: not one."""
    return _page.decode(raw)


def type_of(raw: str | bytes) -> str | None:
    """The ``type`` of a frame that did not decode (for a log line, or a bad job's ack): None
    when it is no JSON object with a string ``type``. Reads nothing else of it."""
    try:
        return msgspec.json.decode(raw, type=_Typed).type
    except msgspec.DecodeError:
        return None


def tag(message: msgspec.Struct) -> str:
    """The ``type`` of a decoded message."""
    return str(message.__struct_config__.tag)
