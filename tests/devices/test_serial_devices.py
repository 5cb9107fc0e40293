"""The ID card module and a serial QR scanner, each on a pseudo-terminal speaking its protocol."""

from __future__ import annotations

import os
import queue
import time
import tty
from collections.abc import Iterator
from typing import Any

import pytest
import serial

from kiosk.idmodule import IdModule, IdModuleReader, ProtocolError, encode_text, frame, parse_text, read_frame
from kiosk.scanner import SerialScanner
from kiosk.sim.idcard import PEOPLE, SimIdModule


@pytest.fixture
def module() -> Iterator[SimIdModule]:
    sim = SimIdModule().start()
    yield sim
    sim.stop()


def test_frames_match_the_published_examples() -> None:
    # find card, select card, read card as documented for GA 467 modules
    assert frame(b"\x20\x01") == bytes.fromhex("AAAAAA96690003200122")
    assert frame(b"\x20\x02") == bytes.fromhex("AAAAAA96690003200221")
    assert frame(b"\x30\x01") == bytes.fromhex("AAAAAA96690003300132")
    reply = bytes.fromhex("AAAAAA96690008 00009F 00000000 97".replace(" ", ""))
    body = read_frame(_reader(reply))
    assert body == bytes.fromhex("00009F00000000")


def _reader(data: bytes) -> Any:
    buf = bytearray(data)

    def read(n: int) -> bytes:
        out = bytes(buf[:n])
        del buf[:n]
        return out

    return read


def test_text_record_layout() -> None:
    text = encode_text(PEOPLE["elder"])
    assert len(text) == 256
    assert text[:6] == "王秀英".encode("utf-16-le") and text[6:30] == " ".encode("utf-16-le") * 12
    assert text[30:32] == b"2\x00"  # sex code
    assert text[36:52] == "19480307".encode("utf-16-le")
    assert text[122:158] == "310113194803071223".encode("utf-16-le")  # after 30+2+4+16+70 bytes
    card = parse_text(text)
    assert (card.name, card.sex, card.birth_date, card.id_number) == (
        "王秀英",
        "女",
        "1948-03-07",
        "310113194803071223",
    )
    assert card.valid_to == "长期" and card.issuer == "上海市公安局宝山分局"
    assert "310113" not in repr(card)


def test_good_read_no_card_and_bad_checksum(module: SimIdModule) -> None:
    with serial.Serial(module.device, 115200, timeout=1) as port:
        m = IdModule(port)
        assert m.read_card() is None  # nothing on the reader
        module.place("young")
        card = m.read_card()
        assert card is not None and card.id_number == "110105199003071239" and card.name == "李明"
        assert card.birth_date == "1990-03-07" and card.address == "北京市朝阳区示例街道1号"
        module.corrupt = True
        with pytest.raises(ProtocolError, match="checksum"):
            m.read_card()
        assert m.read_card() is not None  # the next exchange is clean again


def test_reader_emits_card_once_then_removed(module: SimIdModule) -> None:
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    reader = IdModuleReader(module.device, poll=0.05)
    reader.start(events.put)
    try:
        deadline = time.monotonic() + 5
        while not reader.present() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert reader.present()
        module.place("elder")
        card = events.get(timeout=5)
        assert card["type"] == "card" and card["id_number"] == "310113194803071223" and card["source"] == "idmodule"
        time.sleep(0.3)
        assert events.empty()  # still lying there: not sent again...
        assert module.reads == 1  # ...and not read again (each read fetches the photo)
        module.take()
        assert events.get(timeout=5) == {"type": "card_removed"}
        module.read_once = True  # a module that will not find an already-read card...
        module.place("young")
        assert events.get(timeout=5)["id_number"] == "110105199003071239"
        time.sleep(0.3)
        assert events.empty() and module.reads == 2  # ...still sees it lying there (select), unread
        module.take()
        assert events.get(timeout=5) == {"type": "card_removed"}
    finally:
        reader.stop()


def test_missing_module_is_not_present(tmp_path: Any) -> None:
    reader = IdModuleReader(str(tmp_path / "ttyUSB9"), poll=0.05)
    reader.start(lambda m: None)
    time.sleep(0.2)
    assert not reader.present()
    reader.stop()


def test_serial_scanner_emits_codes() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    scanner = SerialScanner(os.ttyname(slave))
    scanner.start(events.put)
    try:
        deadline = time.monotonic() + 5
        while not scanner.present() and time.monotonic() < deadline:
            time.sleep(0.02)
        os.write(master, b"K7PQ2MXA\r")
        assert events.get(timeout=5) == {"type": "scan", "data": "K7PQ2MXA"}
        os.write(master, b"suishenma:ab")  # arrives in two parts
        time.sleep(0.6)
        os.write(master, b"cdef\r")
        assert events.get(timeout=5) == {"type": "scan", "data": "suishenma:abcdef"}
    finally:
        scanner.stop()
        os.close(master)
        os.close(slave)
