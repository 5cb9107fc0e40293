"""Kiosk guidance (elder mode): what the kiosk says is what its screen shows, from one source.

Each key names one step of the kiosk in one state (the result with the slip printed, with no
slip, the ID screen with and without a card reader...). Its sentence is a catalog entry
(English msgid, Chinese in ``locale/zh_CN``), and the buttons it tells the resident to press
are filled in from those buttons' own catalog entries, so the voice can never say "请按延长时间"
for a button labelled 再等一会. The page receives every sentence in its language
(``sentences``), shows the one it speaks in ``#guide-line``, and the voice endpoint
(``/api/v1/voice/guide/{key}.wav``) speaks ``text(key, lang)``: the same string.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from web.i18n import N_, catalog


class Guide(NamedTuple):
    sentence: str  # msgid, with %(name)s for each button it names
    buttons: dict[str, str]  # name -> the msgid of that button's label on the screen


GUIDE: dict[str, Guide] = {
    "elder": Guide(
        N_("Elder mode is on. Please choose what you need. For help, press “%(help)s” at the bottom of the screen."),
        {"help": N_("Call staff")},
    ),
    "start": Guide(N_("Please choose what you need."), {}),
    "services": Guide(N_("Please choose a service."), {}),
    "details": Guide(
        N_("Place your ID card on the reader or type your ID number, then press “%(take)s”."),
        {"take": N_("Take a number")},
    ),
    "details_typing": Guide(
        N_("The card reader is not available. Please type your ID number, then press “%(take)s”."),
        {"take": N_("Take a number")},
    ),
    "priority": Guide(
        N_("If you need priority service, choose one. Otherwise press “%(none)s”."),
        {"none": N_("Not needed: back")},
    ),
    "checkin": Guide(
        N_("Type your booking code or your ID number, then press “%(submit)s”."),
        {"submit": N_("Check in")},
    ),
    "checkin_next": Guide(N_("The other party, please place your ID card on the reader or type your ID number."), {}),
    "checkin_next_typing": Guide(N_("The other party, please type your ID number."), {}),
    "result_printing": Guide(N_("Your ticket is printing. Please wait."), {}),
    "result_printed": Guide(N_("Please take your ticket and listen for your number."), {}),
    "result_fallback": Guide(
        N_("The printer cannot print: please remember your number, or scan the QR code with your phone."), {}
    ),
    "result_shown": Guide(N_("Please remember your number and listen for it."), {}),
    "timeout": Guide(N_("Do you need more time? Press “%(more)s”."), {"more": N_("More time")}),
    "help": Guide(N_("A member of staff is on the way. Please wait here."), {}),
    "problem": Guide(N_("Please read the message on the screen, or press “%(help)s”."), {"help": N_("Call staff")}),
    # a place kiosk (docs/district.md): no staff near, so no call button; the hotline is in its footer
    "elder_place": Guide(
        N_(
            "Elder mode is on. Please choose what you need. No staff is here: for help, call the number at the "
            "bottom of the screen."
        ),
        {},
    ),
    "problem_place": Guide(
        N_("Please read the message on the screen, or call the number at the bottom of the screen."), {}
    ),
    "closed": Guide(N_("The center is closed now. Please come back during opening hours."), {}),
    "guide_pick": Guide(N_("Please choose a service to see what to bring."), {}),
    "guide": Guide(N_("Here is what to bring for this service."), {}),
    "nearby": Guide(N_("These are the nearest open centers and how many people wait there."), {}),
}
NUMBER = N_("Your number is %(number)s.")  # leads the result sentences
NUMBERED = ("result_printing", "result_printed", "result_fallback", "result_shown")
_TICKET = re.compile(r"^[A-Z]\d{1,5}$")


def joiner(lang: str) -> str:
    """What separates the number sentence from the next one (Chinese runs sentences together)."""
    return " " if lang == "en" else ""


def text(key: str, lang: str = "zh", number: str | None = None) -> str:
    """The sentence of ``key`` in ``lang``; a ticket number (``A001``) may lead a result sentence.

    :raises KeyError: an unknown key.
    :raises ValueError: a number that is not a ticket number, or a number with another key.
    """
    guide = GUIDE[key]
    t = catalog(lang)
    sentence = t.gettext(guide.sentence) % {name: t.gettext(label) for name, label in guide.buttons.items()}
    if number is None:
        return sentence
    if key not in NUMBERED or not _TICKET.match(number):
        raise ValueError("number must be a ticket number such as A001, with a result sentence")
    return t.gettext(NUMBER) % {"number": number} + joiner(lang) + sentence


def sentences(lang: str) -> dict[str, str]:
    """Every sentence in ``lang`` for the page, and the number sentence (``%(number)s`` unfilled)."""
    out = {key: text(key, lang) for key in GUIDE}
    out["_number"] = catalog(lang).gettext(NUMBER)
    out["_join"] = joiner(lang)
    return out
