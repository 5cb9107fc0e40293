"""The shared part of every input device (card readers, scanners): one daemon thread."""

from __future__ import annotations

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
