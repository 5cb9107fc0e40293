"""A contactless card on vpcd's virtual reader (``Virtual PCD``, vsmartcard-vpcd for pcscd).

vpcd listens on a TCP port per slot; a card "is inserted" by connecting to it and removed
by closing. Frames are a 2-byte big-endian length and a payload: one-byte payloads are
control (0 power off, 1 power on, 2 reset, 4 send the ATR), longer ones are APDUs to answer
with data + SW1 SW2. vpcd passes every APDU to the card, so the card answers the PC/SC
pseudo-APDU ``FF CA 00 00 00`` (get UID) itself.

This card holds a small identity application (AID ``F0 48 41 4C 4C 49 44``, "HALLID"):
record 1 is the ID number (ASCII), record 2 the name (UTF-8), read with ``00 B2 nn 04 00``
after selecting the AID: the ``hall-demo`` APDU profile of the agent's config.
"""

from __future__ import annotations

import contextlib
import socket
import threading

ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")  # a contactless storage card's ATR
AID = bytes.fromhex("F048414C4C4944")
SW_OK = b"\x90\x00"


class VirtualCard:
    def __init__(self, uid: bytes = bytes.fromhex("04A1B2C3D4E5F6"), records: dict[int, bytes] | None = None) -> None:
        self.uid = uid
        self.records = records if records is not None else {}
        self.selected = False
        self.apdus: list[bytes] = []
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def with_identity(cls, id_number: str, name: str, uid: bytes | None = None) -> VirtualCard:
        records = {1: id_number.encode("ascii"), 2: name.encode("utf-8")}
        return cls(uid or bytes.fromhex("04A1B2C3D4E5F6"), records)

    def answer(self, apdu: bytes) -> bytes:
        self.apdus.append(apdu)
        if apdu[:4] == b"\xff\xca\x00\x00":
            return self.uid + SW_OK
        if apdu[:4] == b"\x00\xa4\x04\x00":
            self.selected = apdu[5 : 5 + apdu[4]] == AID and bool(self.records)
            return SW_OK if self.selected else b"\x6a\x82"  # file not found
        if apdu[:2] == b"\x00\xb2" and len(apdu) >= 4:
            if not self.selected:
                return b"\x69\x86"  # no current EF
            record = self.records.get(apdu[2])
            return record + SW_OK if record is not None else b"\x6a\x83"  # record not found
        return b"\x6d\x00"  # instruction not supported

    # -- the vpcd link ----------------------------------------------------------------
    def insert(self, port: int, host: str = "127.0.0.1") -> VirtualCard:
        self._sock = socket.create_connection((host, port), timeout=5)
        self._sock.settimeout(None)
        self._thread = threading.Thread(target=self._run, args=(self._sock,), name="vcard", daemon=True)
        self._thread.start()
        return self

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _recv(self, sock: socket.socket, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = sock.recv(n - len(out))
            if not chunk:
                raise OSError("vpcd closed the connection")
            out += chunk
        return out

    def _run(self, sock: socket.socket) -> None:
        try:
            while True:
                size = int.from_bytes(self._recv(sock, 2), "big")
                payload = self._recv(sock, size)
                if size == 1:
                    if payload[0] == 0x04:
                        reply = ATR
                    else:  # power off/on, reset: nothing to answer
                        self.selected = False
                        continue
                else:
                    reply = self.answer(payload)
                sock.sendall(len(reply).to_bytes(2, "big") + reply)
        except OSError:
            return
