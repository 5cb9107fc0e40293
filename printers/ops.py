"""Print operations: what a slip is made of, before any printer language.

Layouts (printers/layouts.py) turn data into a list of these; printers/render.py turns the
list into ESC/POS bytes. Tests decode the bytes back into the same shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Text:
    """One line of text; ``width``/``height`` are character multipliers (1-8)."""

    text: str
    width: int = 1
    height: int = 1
    align: Align = "left"
    bold: bool = False


@dataclass(frozen=True)
class Qr:
    """A QR code printed by the printer itself (``GS ( k``); ``size`` is the module size in dots."""

    data: str
    size: int = 6
    align: Align = "center"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed past the cutter and cut the paper."""


Op = Text | Qr | Feed | Cut
