"""PC/SC card readers through pyscard (pcscd underneath).

Card events come from ``CardRequest.waitforcardevent`` in our own thread, the loop of
pyscard's ``CardMonitor`` but restartable: CardMonitor is a process-wide singleton whose
thread stops for good when pcscd goes away. On insertion the agent reads the card's UID
(``FF CA 00 00 00``) and, if a profile is configured, an identity record APDU by APDU.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

import msgspec

from kiosk.cards import CardRead
from kiosk.thread import DeviceThread

log = logging.getLogger("kiosk.pcsc")
GET_UID = [0xFF, 0xCA, 0x00, 0x00, 0x00]
Encoding = Literal["ascii", "utf-8", "gb18030", "utf-16-le", "hex"]


class ApduStep(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """One command of an identity profile; ``field`` names what the response holds (or
    nothing: the step must just succeed, e.g. SELECT)."""

    apdu: str  # hex, e.g. "00A4040007F048414C4C4944"
    field: Literal["", "id_number", "name", "birth_date"] = ""
    encoding: Encoding = "ascii"


# Profiles known by name; a kiosk's config may also list its own steps.
PROFILES: dict[str, list[ApduStep]] = {
    "uid": [],
    # The identity application of our simulated card (kiosk/sim/vcard.py).
    "hall-demo": [
        ApduStep(apdu="00A4040007F048414C4C4944"),
        ApduStep(apdu="00B2010400", field="id_number", encoding="ascii"),
        ApduStep(apdu="00B2020400", field="name", encoding="utf-8"),
    ],
}


def _decode(data: bytes, encoding: Encoding) -> str:
    if encoding == "hex":
        return data.hex().upper()
    return data.decode(encoding).strip(" \x00")


def read_card(connection: Any, steps: list[ApduStep]) -> CardRead:
    """UID and profile fields of the card on an open pyscard connection.

    :raises ValueError: a profile step answered with an error status.
    """
    data, sw1, sw2 = connection.transmit(GET_UID)
    uid = bytes(data).hex().upper() if (sw1, sw2) == (0x90, 0x00) else None
    fields: dict[str, str] = {}
    for step in steps:
        data, sw1, sw2 = connection.transmit(list(bytes.fromhex(step.apdu)))
        if (sw1, sw2) != (0x90, 0x00):
            raise ValueError(f"APDU {step.apdu} answered {sw1:02X}{sw2:02X}")
        if step.field:
            fields[step.field] = _decode(bytes(data), step.encoding)
    return CardRead(
        source="pcsc",
        uid=uid,
        id_number=fields.get("id_number", "").upper() or None,
        name=fields.get("name") or None,
        birth_date=fields.get("birth_date") or None,
    )


class PcscReader(DeviceThread):
    """Emits ``card`` on insertion (UID and profile fields) and ``card_removed``."""

    kind = "pcsc"

    def __init__(self, reader: str = "", steps: list[ApduStep] | None = None, wait: float = 1.0) -> None:
        super().__init__()
        self.reader = reader  # a substring of the reader's name; "" takes any reader
        self.steps = steps or []
        self.wait = wait
        self.join_timeout = wait + 5

    def _mine(self, name: str) -> bool:
        return self.reader in name

    def present_readers(self) -> list[str]:
        """Names of the connected readers ([] without pcscd)."""
        from smartcard.System import readers

        try:
            return [str(r) for r in readers()]
        except Exception:  # no pcscd: EstablishContextException
            return []

    def present(self) -> bool:
        return any(self._mine(name) for name in self.present_readers())

    def _run(self, emit: Callable[[dict[str, Any]], None]) -> None:
        while not self._stop.is_set():
            try:
                self._watch(emit)
            except Exception as e:  # pcscd stopped or restarted: wait, then start over
                log.info("PC/SC unavailable: %s", e)
                self._stop.wait(2.0)

    def _watch(self, emit: Callable[[dict[str, Any]], None]) -> None:
        from smartcard.CardRequest import CardRequest

        with CardRequest(timeout=self.wait) as request:
            self._events(request, emit)

    def _events(self, request: Any, emit: Callable[[dict[str, Any]], None]) -> None:
        from smartcard.Exceptions import CardRequestTimeoutException

        cards: list[Any] = []
        while not self._stop.is_set():
            try:
                current = [c for c in request.waitforcardevent() if self._mine(str(c.reader))]
            except CardRequestTimeoutException:
                continue
            for card in current:
                if card not in cards:
                    self._read(card, emit)
            if any(card not in current for card in cards):
                emit({"type": "card_removed"})
            cards = current

    def _read(self, card: Any, emit: Callable[[dict[str, Any]], None]) -> None:
        connection = card.createConnection()
        try:
            connection.connect()
            emit(read_card(connection, self.steps).message())
        except Exception as e:
            log.warning("could not read the card in %s: %s", card.reader, e)
            emit({"type": "card", "source": "pcsc", "error": "unreadable"})
        finally:
            try:  # release now: pyscard's finaliser would do it later, maybe after pcscd is gone
                connection.release()
            except Exception:
                log.debug("release failed", exc_info=True)
