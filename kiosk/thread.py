"""The shared part of every input device (card readers, scanners): one daemon thread, and for
those on a serial port the loop that opens the port again whenever it goes away."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

Emit = Callable[[dict[str, Any]], None]


class DeviceThread:
    """The shared part of every input device: one daemon thread running ``_run(emit)`` until
    ``stop()``; subclasses set ``_present`` for health."""

    kind = "device"
    join_timeout = 5.0

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._present = False

    def present(self) -> bool:
        return self._present

    def start(self, emit: Emit) -> None:
        self._thread = threading.Thread(target=self._run, args=(emit,), name=self.kind, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.join_timeout)

    def _run(self, emit: Emit) -> None:
        raise NotImplementedError


class SerialDevice(DeviceThread):
    """A device on a serial port (ID card module, scanner): the port is opened and handed to
    ``_serve(port, emit)`` while it stands; unplugged or not there yet, it is tried again every
    ``retry`` seconds until ``stop()``. ``label`` names the device in the log."""

    label = "serial device"
    retry = 2.0

    def __init__(self, device: str, baudrate: int, timeout: float) -> None:
        super().__init__()
        self.device = device
        self.baudrate = baudrate
        self.timeout = timeout

    def _run(self, emit: Emit) -> None:
        import serial

        log = logging.getLogger(type(self).__module__)
        while not self._stop.is_set():
            try:
                with serial.Serial(self.device, self.baudrate, timeout=self.timeout) as port:
                    self._present = True
                    self._serve(port, emit)
            except (OSError, serial.SerialException) as e:
                log.info("%s at %s unavailable: %s", self.label, self.device, e)
            self._present = False
            self._stop.wait(self.retry)

    def _serve(self, port: Any, emit: Emit) -> None:
        raise NotImplementedError
