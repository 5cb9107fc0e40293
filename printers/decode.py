"""A small ESC/POS decoder for the commands our slips use; anything else is an error.

Turns printer bytes back into the print operations of printers/ops.py (lines of text with
their size, alignment and bold, QR codes, feeds) and cuts, so tests assert what a resident
would hold in their hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from printers.ops import Align, Feed, Qr, Text

ESC, FS, GS, DLE, LF = 0x1B, 0x1C, 0x1D, 0x10, 0x0A
ALIGN: dict[int, Align] = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


class UnknownCommand(ValueError):
    pass


@dataclass(frozen=True)
class Cut:
    """``ops.Cut``, and whether the printer was told to leave a tab of paper (a partial cut)."""

    partial: bool


@dataclass
class Slip:
    items: list[Text | Qr | Feed | Cut] = field(default_factory=list)
    status_queries: int = 0

    @property
    def lines(self) -> list[Text]:
        return [i for i in self.items if isinstance(i, Text)]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def qr_codes(self) -> list[Qr]:
        return [i for i in self.items if isinstance(i, Qr)]

    @property
    def cuts(self) -> int:
        return sum(isinstance(i, Cut) for i in self.items)

    def line(self, contains: str) -> Text:
        found = [line for line in self.lines if contains in line.text]
        assert found, f"no line with {contains!r} in:\n{self.text}"
        return found[0]


def decode(data: bytes) -> Slip:
    """Decode ``data``; raises UnknownCommand on any byte or command we do not emit."""
    out = Slip()
    st: dict[str, Any] = {"width": 1, "height": 1, "align": "left", "bold": False, "chinese": False}

    def line(s: str) -> Text:
        return Text(s, int(st["width"]), int(st["height"]), st["align"], bool(st["bold"]))

    qr: dict[str, Any] = {"data": b"", "size": 3}
    text = bytearray()
    i = 0

    def flush() -> None:
        if text:
            try:
                s = bytes(text).decode("gb18030")
            except UnicodeDecodeError as e:
                raise UnknownCommand(f"not GB18030 text: {bytes(text)!r}") from e
            out.items.append(line(s))
            text.clear()

    def need(n: int) -> bytes:
        if i + n > len(data):
            raise UnknownCommand(f"truncated command at byte {i}")
        return data[i : i + n]

    while i < len(data):
        b = data[i]
        if b == LF:
            if not text:
                out.items.append(line(""))
            flush()
            i += 1
        elif b == ESC:
            cmd = need(2)[1]
            if cmd == ord("@"):
                st.update(width=1, height=1, align="left", bold=False, chinese=False)
                i += 2
            elif cmd == ord("!"):
                n = need(3)[2]
                st.update(width=2 if n & 0x20 else 1, height=2 if n & 0x10 else 1, bold=bool(n & 0x08))
                i += 3
            elif cmd == ord("E"):
                st["bold"] = bool(need(3)[2] & 1)
                i += 3
            elif cmd == ord("a"):
                n = need(3)[2]
                if n not in ALIGN:
                    raise UnknownCommand(f"ESC a {n}")
                st["align"] = ALIGN[n]
                i += 3
            elif cmd == ord("d"):
                flush()
                out.items.append(Feed(need(3)[2]))
                i += 3
            elif cmd == ord("t"):
                i += 3
            else:
                raise UnknownCommand(f"ESC {cmd:#04x} at byte {i}")
        elif b == FS:
            cmd = need(2)[1]
            if cmd not in (ord("&"), ord(".")):
                raise UnknownCommand(f"FS {cmd:#04x} at byte {i}")
            st["chinese"] = cmd == ord("&")
            i += 2
        elif b == GS:
            cmd = need(2)[1]
            if cmd == ord("!"):
                n = need(3)[2]
                st.update(width=(n >> 4) + 1, height=(n & 0x0F) + 1)
                i += 3
            elif cmd == ord("V"):
                flush()
                m = need(3)[2]
                out.items.append(Cut(partial=m in (1, 49, 66)))
                i += 4 if m in (65, 66) else 3
            elif cmd == ord("("):
                head = need(5)
                if head[2] != ord("k"):
                    raise UnknownCommand(f"GS ( {head[2]:#04x}")
                size = head[3] + head[4] * 256
                body = need(5 + size)[5:]
                cn, fn = body[0], body[1]
                if cn != ord("1"):
                    raise UnknownCommand(f"GS ( k with symbol {cn:#04x} (only QR)")
                if fn == ord("C"):
                    qr["size"] = body[2]
                elif fn == ord("P"):
                    qr["data"] = body[3:]
                elif fn == ord("Q"):
                    flush()
                    out.items.append(Qr(bytes(qr["data"]).decode("utf-8"), int(qr["size"]), st["align"]))
                elif fn not in (ord("A"), ord("E")):
                    raise UnknownCommand(f"GS ( k fn {fn:#04x}")
                i += 5 + size
            elif cmd == ord("v"):
                head = need(8)
                width, height = head[4] + head[5] * 256, head[6] + head[7] * 256
                need(8 + width * height)
                i += 8 + width * height
            else:
                raise UnknownCommand(f"GS {cmd:#04x} at byte {i}")
        elif b == DLE:
            if need(3)[1] != 0x04:
                raise UnknownCommand(f"DLE {data[i + 1]:#04x}")
            out.status_queries += 1
            i += 3
        elif 0x20 <= b < 0x7F or (b >= 0x80 and st["chinese"]):
            text.append(b)
            i += 1
        else:
            raise UnknownCommand(f"byte {b:#04x} at {i} ({'outside Chinese mode' if b >= 0x80 else 'control'})")
    flush()
    return out
