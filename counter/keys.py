"""Keystrokes and script lines -> actions, and the answers to follow-up questions (pure).

A key on a terminal or a USB call keypad (``n``), or one line of a script, optionally with
its answers inline (``next``, ``t social f``, ``p 1``, ``i A003``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from counter.site import SiteInfo


class Action(enum.Enum):
    NEXT = "call-next"
    RECALL = "recall"
    START = "start"
    DONE = "done"
    NO_SHOW = "no-show"
    TRANSFER = "transfer"
    PAUSE = "pause"
    RESUME = "resume"
    REINSTATE = "reinstate"
    LIST = "list"
    HELP = "help"
    QUIT = "quit"


KEYS: dict[str, Action] = {
    "n": Action.NEXT,
    " ": Action.NEXT,
    "r": Action.RECALL,
    "s": Action.START,
    "d": Action.DONE,
    "x": Action.NO_SHOW,
    "t": Action.TRANSFER,
    "p": Action.PAUSE,
    "u": Action.RESUME,
    "i": Action.REINSTATE,
    "l": Action.LIST,
    "h": Action.HELP,
    "?": Action.HELP,
    "q": Action.QUIT,
}

# The operator keys of a plain USB numeric keypad, for call keypads that cannot be programmed.
KEYPAD: dict[str, Action] = {
    "+": Action.NEXT,
    "*": Action.RECALL,
    "/": Action.START,
    ".": Action.DONE,
    "-": Action.NO_SHOW,
}

WORDS: dict[str, Action] = {
    "next": Action.NEXT,
    "call": Action.NEXT,
    "call-next": Action.NEXT,
    "recall": Action.RECALL,
    "start": Action.START,
    "done": Action.DONE,
    "no-show": Action.NO_SHOW,
    "noshow": Action.NO_SHOW,
    "transfer": Action.TRANSFER,
    "pause": Action.PAUSE,
    "resume": Action.RESUME,
    "reinstate": Action.REINSTATE,
    "list": Action.LIST,
    "help": Action.HELP,
    "quit": Action.QUIT,
    "exit": Action.QUIT,
}

PAUSE_REASONS: dict[str, str] = {"1": "break", "2": "meeting", "3": "fault", "4": "helping"}
POSITIONS: dict[str, str] = {"f": "front", "front": "front", "a": "arrival", "arrival": "arrival"}


@dataclass(frozen=True)
class Command:
    action: Action
    args: tuple[str, ...] = ()


def is_blank(text: str) -> bool:
    """Enter on its own, or an empty script line: nothing to do (a lone space still calls next)."""
    return text != " " and not text.strip()


def parse(text: str) -> Command | None:
    """The command for a key or a script line; None when it means nothing to us."""
    if text == " ":
        return Command(Action.NEXT)
    words = text.strip().split()
    if not words:
        return None
    head = words[0] if words[0] in KEYPAD else words[0].lower()
    action = KEYS.get(head) or KEYPAD.get(head) or WORDS.get(head)
    return None if action is None else Command(action, tuple(words[1:]))


def pause_reason(answer: str) -> str | None:
    """``1``..``4`` or the reason's name -> the API's reason, else None."""
    answer = answer.strip().lower()
    if answer in PAUSE_REASONS:
        return PAUSE_REASONS[answer]
    return answer if answer in PAUSE_REASONS.values() else None


def position(answer: str) -> str | None:
    """``f`` / ``front`` or ``a`` / ``arrival``, else None."""
    return POSITIONS.get(answer.strip().lower())


def transfer_target(answer: str, site: SiteInfo) -> tuple[str, str] | None:
    """Where to send the ticket: ``("service", id)`` or ``("counter", id)``, else None.

    Accepts a service id (``social``) or its ticket letter (``B``), a counter id (``youyi-3``)
    or its number (``3``): keypads can type digits and letters.
    """
    text = answer.strip()
    if text in site.services:
        return ("service", text)
    if text in site.counters:
        return ("counter", text)
    if text.isdigit():
        found = [cid for cid, number in site.counters.items() if number == int(text)]
        return ("counter", found[0]) if found else None
    by_prefix = [s.id for s in site.services.values() if s.prefix and s.prefix == text.upper()]
    return ("service", by_prefix[0]) if len(text) == 1 and by_prefix else None


def ticket_number(answer: str) -> str | None:
    """A ticket number as printed (``A003``), upper-cased; None when it cannot be one."""
    text = answer.strip().upper()
    ok = 2 <= len(text) <= 6 and text[0].isalpha() and text[0].isascii() and text[1:].isdigit()
    return text if ok else None
