"""Print operations to ESC/POS bytes, through python-escpos.

Chinese: no python-escpos profile has a GB code page, and its automatic encoding turns
punctuation such as ``：`` into ``?``. So the printer is put in Chinese mode (``FS &``)
once after ``ESC @`` and every line is sent as raw GB18030. Sizes use ``GS !`` (``ESC !``
doubles single-byte characters only). QR codes are drawn by the printer (``GS ( k``).
"""

from __future__ import annotations

from collections.abc import Iterable

from escpos.printer import Dummy

from printers.ops import Cut, Feed, Op, Qr, Text

FS_CHINESE_ON = b"\x1c\x26"
QR_EC_M = 1  # python-escpos QR_ECLEVEL_M: survives a smudge on thermal paper


def to_escpos(ops: Iterable[Op], profile: str | None = None) -> bytes:
    """The bytes that print ``ops``; ``profile`` is a python-escpos printer profile (cut support)."""
    p = Dummy(profile=profile)
    p.hw("INIT")
    p._raw(FS_CHINESE_ON)
    for op in ops:
        if isinstance(op, Text):
            p.set(align=op.align, bold=op.bold, custom_size=True, width=op.width, height=op.height)
            p._raw(op.text.encode("gb18030") + b"\n")
        elif isinstance(op, Qr):
            p.set(align=op.align)
            p.qr(op.data, ec=QR_EC_M, size=op.size, native=True)
            p._raw(b"\n")
        elif isinstance(op, Feed):
            p.print_and_feed(op.lines)
        elif isinstance(op, Cut):
            p.set(align="left", bold=False, custom_size=True, width=1, height=1)
            p.cut()
        else:  # pragma: no cover - Op is a closed union
            raise TypeError(f"unknown print operation {op!r}")
    return bytes(p.output)
