"""A resident ID card module on a pseudo-terminal: the agent opens ``sim.device`` like a
real serial port and speaks the module protocol to it.

``place(card)`` lays a card on it, ``take()`` removes it, ``corrupt = True`` breaks the
checksum of the next reply. The identities are synthetic (valid check digits, made up).
"""

from __future__ import annotations

import contextlib
import os
import threading
import tty

from kiosk.idmodule import FIND, FOUND, NO_CARD, OK, PREAMBLE, READ, SELECT, SELECT_FAILED, encode_text, frame, xor

# Synthetic residents: valid check digits, invented names and addresses.
PEOPLE: dict[str, dict[str, str]] = {
    "elder": {
        "name": "王秀英",
        "sex": "2",
        "nation": "01",
        "birth_date": "1948-03-07",
        "address": "上海市宝山区友谊路街道示例路100弄1号",
        "id_number": "310113194803071223",
        "issuer": "上海市公安局宝山分局",
        "valid_from": "2016-05-01",
        "valid_to": "长期",
    },
    "young": {
        "name": "李明",
        "sex": "1",
        "nation": "01",
        "birth_date": "1990-03-07",
        "address": "北京市朝阳区示例街道1号",
        "id_number": "110105199003071239",
        "issuer": "北京市公安局朝阳分局",
        "valid_from": "2020-01-01",
        "valid_to": "2040-01-01",
    },
}


class SimIdModule:
    def __init__(self) -> None:
        self.card: dict[str, str] | None = None
        self.corrupt = False
        self.read_once = False  # like some modules: after a read, "find" fails until the card is re-placed
        self._done = False
        self._read = False
        self.reads = 0  # READ commands answered (each one fetches the 1 KiB photo)
        master, slave = os.openpty()
        tty.setraw(slave)
        self._master, self._slave = master, slave
        self.device = os.ttyname(slave)
        self._thread = threading.Thread(target=self._run, name="sim-idmodule", daemon=True)

    def start(self) -> SimIdModule:
        self._thread.start()
        return self

    def place(self, card: dict[str, str] | str) -> None:
        self.card = PEOPLE[card] if isinstance(card, str) else card
        self._read = False

    def take(self) -> None:
        self.card = None

    def stop(self) -> None:
        self._done = True
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read_exact(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = os.read(self._master, n - len(out))
            if not chunk:
                raise OSError("closed")
            out += chunk
        return out

    def _answer(self, sw3: int, data: bytes = b"") -> None:
        reply = frame(bytes([0x00, 0x00, sw3]) + data)
        if self.corrupt:
            self.corrupt = False
            reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
        os.write(self._master, reply)

    def _run(self) -> None:
        while not self._done:
            try:
                while self._read_exact(1) != PREAMBLE[:1]:
                    pass
                head = PREAMBLE[:1] + self._read_exact(6)
                if head[:5] != PREAMBLE:
                    continue
                size = int.from_bytes(head[5:7], "big")
                body = self._read_exact(size)
            except OSError:
                return
            if xor(head[5:7] + body[:-1]) != body[-1]:
                self._answer(0x10)  # checksum error in the command
                continue
            self._command(body[:2])

    def _command(self, cmd: bytes) -> None:
        card = self.card
        if cmd == FIND:
            found = card is not None and not (self.read_once and self._read)
            self._answer(FOUND if found else NO_CARD, b"\x00" * 4)
        elif cmd == SELECT:
            self._answer(OK if card is not None else SELECT_FAILED, b"\x00" * 8)
        elif cmd == READ and card is not None:
            self._read = True
            self.reads += 1
            text = encode_text(card)
            self._answer(OK, len(text).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + b"\x00" * 1024)
        else:
            self._answer(0x41)  # read failed
