"""温馨提示: the notices line of a site's hall displays, set by a supervisor (docs/display.md).

A notice is plain text: a few short lines, shown one after another on the scrolling line at
the foot of the board. Bounded so that a line fits the board's pace and the board its
purpose; HTML is not interpreted anywhere (the page sets it as text), and control
characters are refused so that nothing invisible reaches the screen.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from core.errors import InvalidInput, UnknownSite
from core.store import notices as sql
from core.store.db import Reader, Tx

MAX_LINES = 5
MAX_LINE_CHARS = 60  # two rows of the board in landscape, three in portrait (docs/display.md)
MAX_FORM_CHARS = 1000  # what the form may post at all, before it is split into lines


def parse(text: str) -> list[str]:
    """The lines of a posted notice: trimmed, blank ones dropped, each checked.

    :raises InvalidInput: too many or too long lines, or control characters.
    """
    if len(text) > MAX_FORM_CHARS:
        raise InvalidInput(f"提示太长 / the notices may have at most {MAX_FORM_CHARS} characters", field="notices")
    lines = [unicodedata.normalize("NFC", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"最多 {MAX_LINES} 条提示 / at most {MAX_LINES} lines", field="notices")
    for line in lines:
        if len(line) > MAX_LINE_CHARS:
            raise InvalidInput(
                f"每条提示最多 {MAX_LINE_CHARS} 字 / a line may have at most {MAX_LINE_CHARS} characters",
                field="notices",
            )
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in line):
            raise InvalidInput("提示中有不可见字符 / the notices hold invisible characters", field="notices")
    return lines


def current(r: Reader | Tx, site_id: str) -> list[str]:
    return sql.read(r, site_id)


def last_set(r: Reader | Tx, site_id: str) -> dict[str, Any] | None:
    """Who set the site's notices and when (``by``, ``at_ts``); None when nobody ever did."""
    return sql.meta(r, site_id)


def save(tx: Tx, site_id: str, lines: list[str], by: str) -> list[str]:
    """Replace the site's notices; the site's displays get them at once (``notices.updated``)."""
    if tx.config.site(site_id) is None:
        raise UnknownSite.of(site_id)
    sql.write(tx, site_id, lines, by, tx.now.timestamp())
    tx.emit(site_id, "notices.updated", {"notices": lines}, actor=by)
    return lines
