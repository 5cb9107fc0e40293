"""QR and barcode scanners in serial mode: each code arrives as one line ending in CR.

USB scanners in keyboard mode type into the kiosk page instead (it handles Enter after a
booking code); serial mode keeps codes away from whatever has the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.thread import SerialDevice

MAX_CODE = 1024


class SerialScanner(SerialDevice):
    kind = "serial"
    label = "scanner"

    def __init__(self, device: str, baudrate: int = 9600, terminator: bytes = b"\r") -> None:
        super().__init__(device, baudrate, timeout=0.5)
        self.terminator = terminator

    def _serve(self, port: Any, emit: Callable[[dict[str, Any]], None]) -> None:
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
