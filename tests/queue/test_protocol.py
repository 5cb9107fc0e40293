"""The socket protocols (protocol/): one list of event types for Python and the browser,
messages that decode to exactly one struct, and a package the kiosk and counter machines
can carry without the server's."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from core import events
from protocol import js, kiosk, site
from protocol.events import EVENT_TYPES, STAFF_NAMED

ROOT = Path(__file__).resolve().parents[2]


def test_static_events_js_is_current() -> None:
    assert js.TARGET == ROOT / "static" / "js" / "events.js"
    assert js.TARGET.read_text(encoding="utf-8") == js.render(), "run: python -m protocol.js"
    done = subprocess.run([sys.executable, "-m", "protocol.js", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_events_js_names_every_type_once() -> None:
    text = js.render()
    for t in EVENT_TYPES:
        assert text.count(f'{js.constant(t)}: "{t}",') == 1
    assert 'STAFF_NAMED = Object.freeze(["help.claimed", "help.closed"])' in text


def test_one_list_of_event_types() -> None:
    assert len(set(EVENT_TYPES)) == len(EVENT_TYPES) == 20
    assert frozenset(EVENT_TYPES) == events.TYPES and events.STAFF_NAMED == STAFF_NAMED
    spec = {"ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done", "ticket.no_show",
            "ticket.transferred", "ticket.cancelled", "ticket.expired", "counter.updated"}  # fmt: skip
    assert spec <= set(EVENT_TYPES)  # SPEC 7's types, the rest are ours
    assert set(site.EVENT_CLASSES) == set(EVENT_TYPES)


@pytest.mark.parametrize("type_", EVENT_TYPES)
def test_every_event_type_decodes_to_its_own_struct(type_: str) -> None:
    text = json.dumps({"seq": 4, "type": type_, "site": "youyi", "at": "2026-05-13T09:30:00+08:00", "data": {"x": 1}})
    message = site.decode(text)
    assert isinstance(message, site.Event) and message.type == type_ and message.seq == 4
    assert json.loads(site.encode(message)) == json.loads(text)


def test_the_site_socket_refuses_what_is_not_its_message() -> None:
    snap = site.decode('{"type": "snapshot", "seq": 3, "site": "youyi", "data": {"waiting": {}}}')
    assert isinstance(snap, site.Snapshot) and snap.seq == 3
    for bad in ('{"type": "ticket.teleported", "seq": 1, "site": "y", "at": "", "data": {}}',
                '{"type": "ticket.called", "seq": "1", "site": "y", "at": "", "data": {}}',
                '{"type": "ticket.called", "seq": 1, "site": "y", "data": {}}', "[]", "not json"):  # fmt: skip
        with pytest.raises(msgspec.DecodeError):
            site.decode(bad)


def test_the_kiosk_link_checks_field_types() -> None:
    ack = kiosk.decode_agent('{"type": "ack", "job": 3, "status": "printed"}')
    assert ack == kiosk.Ack(job=3, status="printed", reason=None)
    for bad in ('{"type": "ack", "job": true, "status": "printed"}', '{"type": "ack", "job": 3, "status": "lost"}',
                '{"type": "scan", "data": 5}', '{"type": "card", "id_number": 123}', '{"type": "print", "job": 1}',
                '{"type": "health", "printer": "on"}', '{"no": "type"}'):  # fmt: skip
        with pytest.raises(msgspec.DecodeError):
            kiosk.decode_agent(bad)
    assert kiosk.type_of('{"type": "print", "job": "x"}') == "print" and kiosk.type_of("[1]") is None
    job = kiosk.decode_server('{"type": "print", "job": 7, "kind": "ticket", "slip": {}}')
    assert job == kiosk.PrintJob(job=7, kind="ticket", slip={}) and kiosk.tag(job) == "print"


def test_a_card_read_keeps_its_identity_out_of_logs_and_empty_fields_off_the_wire() -> None:
    card = kiosk.Card(source="idmodule", id_number="310113194803071223", name="王秀英")
    assert "310113194803071223" not in repr(card) and "王" not in repr(card)
    assert json.loads(kiosk.encode(card)) == {"type": "card", "source": "idmodule",
                                              "id_number": "310113194803071223", "name": "王秀英"}  # fmt: skip


def test_page_messages_carry_every_field_even_when_null() -> None:
    printed = kiosk.Printed(job=4, status="printed", reason=None)
    assert json.loads(kiosk.encode(printed)) == {"type": "print", "job": 4, "status": "printed", "reason": None}
    assert kiosk.decode_page(kiosk.encode(printed)) == printed


def test_protocol_imports_nothing_of_ours() -> None:
    """kiosk/ and counter/ run on other machines and carry protocol/ with them."""
    ours = {"core", "web", "cli", "tests", "kiosk", "counter", "printers", "voice", "bench", "server"}
    for path in (ROOT / "protocol").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not {n.split(".")[0] for n in names} & ours, f"{path.name} imports {names}"
