"""The event types for the browser: ``python -m protocol.js`` writes ``static/js/events.js``,
an ES module rendered from protocol/events.py (a test fails when the file is out of date).

    import { EVENTS } from "./events.js";
    if (ev.type === EVENTS.TICKET_CALLED) ...
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from protocol.events import EVENT_TYPES, STAFF_NAMED
from protocol.site import Snapshot

TARGET = Path(__file__).resolve().parent.parent / "static" / "js" / "events.js"


def constant(type_: str) -> str:
    """``ticket.no_show`` -> ``TICKET_NO_SHOW``."""
    return type_.replace(".", "_").upper()


def render() -> str:
    """The text of static/js/events.js."""
    entries = "".join(f"  {constant(t)}: {json.dumps(t)},\n" for t in EVENT_TYPES)
    named = ", ".join(json.dumps(t) for t in EVENT_TYPES if t in STAFF_NAMED)
    return (
        "// The event types of the site socket (WS /ws/sites/{site}), one list with the server's.\n"
        "// Generated from protocol/events.py by `python -m protocol.js`: do not edit by hand.\n"
        "\n"
        f"export const EVENTS = Object.freeze({{\n{entries}}});\n"
        "\n"
        "// Every event type, in the list's order.\n"
        "export const EVENT_TYPES = Object.freeze(Object.values(EVENTS));\n"
        "\n"
        "// Events that staff sockets (subprotocol hall.staff) receive with who acted, as `data.by`.\n"
        f"export const STAFF_NAMED = Object.freeze([{named}]);\n"
        "\n"
        "// The first message on the socket: the state the events follow from.\n"
        f"export const SNAPSHOT = {json.dumps(Snapshot.__struct_config__.tag)};\n"
    )


def main(argv: list[str]) -> int:
    """Write the file (``--check``: only say whether it is current; 1 if not)."""
    text = render()
    current = TARGET.exists() and TARGET.read_text(encoding="utf-8") == text
    if "--check" in argv:
        print(f"{TARGET} is {'current' if current else 'out of date: run python -m protocol.js'}")
        return 0 if current else 1
    if not current:
        TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}" if not current else f"{TARGET} is current")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
