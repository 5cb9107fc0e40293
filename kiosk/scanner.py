"""QR and barcode scanners in serial mode: each code arrives as one line ending in CR.

USB scanners in keyboard mode type into the kiosk page instead (it handles Enter after a
booking code); serial mode keeps codes away from whatever has the focus.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.thread import DeviceThread

log = logging.getLogger("kiosk.scanner")
MAX_CODE = 1024


class SerialScanner(DeviceThread):
    kind = "serial"

    def __init__(self, device: str, baudrate: int = 9600, terminator: bytes = b"\r") -> None:
        super().__init__()
        self.device = device
        self.baudrate = baudrate
        self.terminator = terminator

    def _run(self, emit: Callable[[dict[str, Any]], None]) -> None:
        import serial

        while not self._stop.is_set():
            try:
                with serial.Serial(self.device, self.baudrate, timeout=0.5) as port:
                    self._present = True
                    self._read(port, emit)
            except (OSError, serial.SerialException) as e:
                log.info("scanner at %s unavailable: %s", self.device, e)
            self._present = False
            self._stop.wait(2.0)

    def _read(self, port: Any, emit: Callable[[dict[str, Any]], None]) -> None:
        partial = b""
        while not self._stop.is_set():
            chunk = port.read_until(self.terminator, MAX_CODE)
            if not chunk:
                continue
            partial += chunk
            if not partial.endswith(self.terminator) and len(partial) < MAX_CODE:
                continue  # timed out mid-code: keep reading
            code = partial.rstrip(b"\r\n").decode("utf-8", errors="replace").strip()
            partial = b""
            if code:
                emit({"type": "scan", "data": code})
