"""The resident ID card module (居民身份证验证安全控制模块, GA 467) over a serial port.

The module authenticates the card with its Public Security SAM; we only speak its frame
protocol. A command frame is ``AA AA AA 96 69 | len (2, big-endian) | CMD PARA | data |
XOR``; a reply is ``AA AA AA 96 69 | len | SW1 SW2 SW3 | data | XOR``, where ``len``
counts everything after itself and the XOR covers the length bytes up to the data.
Reading a card takes three commands: find (20 01, SW3 9F), select (20 02, SW3 90) and read
(30 01, SW3 90), whose data is text length (2) | photo length (2) | 256 bytes of UCS-2LE
text | 1024 bytes of photo (WLT, vendor decoder only: we drop it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.cards import CardRead
from kiosk.thread import SerialDevice

log = logging.getLogger("kiosk.idmodule")
PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
FIND, SELECT, READ = b"\x20\x01", b"\x20\x02", b"\x30\x01"
OK, FOUND = 0x90, 0x9F
NO_CARD, SELECT_FAILED = 0x80, 0x81
# Text fields of the 256-byte record, in order: name, bytes (UCS-2LE, space-padded).
TEXT_FIELDS = (
    ("name", 30),
    ("sex", 2),
    ("nation", 4),
    ("birth_date", 16),
    ("address", 70),
    ("id_number", 36),
    ("issuer", 30),
    ("valid_from", 16),
    ("valid_to", 16),
    ("reserved", 36),
)
SEX = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}


class ProtocolError(Exception):
    """A frame we cannot trust: bad preamble, length or checksum, or a timeout."""


def xor(data: bytes) -> int:
    out = 0
    for b in data:
        out ^= b
    return out


def frame(body: bytes) -> bytes:
    """A frame around ``body`` (command+param+data, or SW1..SW3+data)."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([xor(length + body)])


def read_frame(read: Callable[[int], bytes]) -> bytes:
    """Read one frame with ``read(n)`` (a serial port's read); return its body.

    :raises ProtocolError: timeout, bad preamble or checksum.
    """
    head = read(7)
    if len(head) < 7:
        raise ProtocolError("no answer from the ID card module")
    if head[:5] != PREAMBLE:
        raise ProtocolError(f"bad preamble {head[:5].hex()}")
    size = int.from_bytes(head[5:7], "big")
    rest = read(size)
    if len(rest) < size or size < 1:
        raise ProtocolError("truncated frame")
    body, check = rest[:-1], rest[-1]
    if xor(head[5:7] + body) != check:
        raise ProtocolError("bad checksum")
    return body


def _date(raw: str) -> str:
    raw = raw.strip()
    if len(raw) == 8 and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return raw  # 长期 (no end date)


def parse_text(text: bytes) -> CardRead:
    """Decode the 256-byte text record of a resident ID card."""
    fields: dict[str, str] = {}
    at = 0
    for name, size in TEXT_FIELDS:
        fields[name] = text[at : at + size].decode("utf-16-le", errors="replace").strip(" \x00")
        at += size
    return CardRead(
        source="idmodule",
        id_number=fields["id_number"].upper() or None,
        name=fields["name"] or None,
        sex=SEX.get(fields["sex"], fields["sex"]) or None,
        nation=fields["nation"] or None,
        birth_date=_date(fields["birth_date"]) or None,
        address=fields["address"] or None,
        issuer=fields["issuer"] or None,
        valid_from=_date(fields["valid_from"]) or None,
        valid_to=_date(fields["valid_to"]) or None,
    )


def encode_text(card: dict[str, str]) -> bytes:
    """The 256-byte record for ``card`` (the simulator's side of ``parse_text``)."""
    out = b""
    for name, size in TEXT_FIELDS:
        value = card.get(name, "").replace("-", "") if name in ("birth_date", "valid_from") else card.get(name, "")
        raw = value.encode("utf-16-le")[:size]
        out += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    return out


@dataclass
class IdModule:
    """The protocol over an open port (anything with ``write`` and ``read(n)``)."""

    port: Any

    def command(self, cmd: bytes, data: bytes = b"") -> tuple[int, bytes]:
        self.port.reset_input_buffer()
        self.port.write(frame(cmd + data))
        body = read_frame(self.port.read)
        if len(body) < 3:
            raise ProtocolError("reply without status")
        return body[2], body[3:]

    def card_present(self) -> bool:
        """Is a card (already read) still on the reader? Find, or select for modules whose find
        fails on a card they have read: no read, so the photo is not fetched again."""
        sw, _ = self.command(FIND)
        if sw == FOUND:
            return True
        sw, _ = self.command(SELECT)
        return sw == OK

    def read_card(self) -> CardRead | None:
        """Find, select and read a card: None when no (new) card lies on the reader.

        :raises ProtocolError: a broken frame or an unexpected status.
        """
        sw, _ = self.command(FIND)
        if sw != FOUND:
            return None
        sw, _ = self.command(SELECT)
        if sw != OK:
            return None
        sw, data = self.command(READ)
        if sw != OK:
            raise ProtocolError(f"read failed with status {sw:#04x}")
        if len(data) < 4:
            raise ProtocolError("read reply too short")
        text_len = int.from_bytes(data[0:2], "big")
        text = data[4 : 4 + text_len]
        if text_len < 256 or len(text) < text_len:
            raise ProtocolError("text record too short")
        return parse_text(text)


class IdModuleReader(SerialDevice):
    """Polls the module for cards; emits ``card`` when one is read and ``card_removed`` when
    the reader has been empty for a moment. Nothing is written to disk."""

    kind = "idmodule"
    label = "ID card module"

    def __init__(self, device: str, baudrate: int = 115200, poll: float = 0.5, timeout: float = 1.0) -> None:
        super().__init__(device, baudrate, timeout)
        self.poll = poll

    def _serve(self, port: Any, emit: Callable[[dict[str, Any]], None]) -> None:
        self._poll(IdModule(port), emit)

    def _poll(self, module: IdModule, emit: Callable[[dict[str, Any]], None]) -> None:
        holding = False  # a card was read and has not been taken away yet: it is not read again
        empty = 0
        while not self._stop.is_set():
            try:
                if holding:
                    present = module.card_present()
                else:
                    card = module.read_card()
                    present = card is not None and bool(card.id_number)
                    if present and card is not None:
                        emit(card.message())
            except ProtocolError as e:
                log.warning("ID card module: %s", e)
                present = False
                if "no answer" in str(e):
                    raise OSError(str(e)) from None
            if present:
                holding, empty = True, 0
            elif holding:
                empty += 1
                if empty >= 2:  # two empty polls: the card was taken away
                    holding = False
                    emit({"type": "card_removed"})
            self._stop.wait(self.poll)
