"""Identity inputs behind one small interface, made from the agent's config.

A device runs its own thread and calls ``emit(message)`` with ``card``, ``card_removed``
or ``scan`` messages (the link protocol of docs/kiosk.md); ``present()`` is for health.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kiosk.config import AgentConfig

Emit = Callable[[dict[str, Any]], None]


class InputDevice(Protocol):
    kind: str

    def present(self) -> bool: ...
    def start(self, emit: Emit) -> None: ...
    def stop(self) -> None: ...


def reader(cfg: AgentConfig) -> InputDevice | None:
    r = cfg.reader
    if r.kind == "pcsc":
        from kiosk.pcsc import PcscReader

        return PcscReader(r.pcsc_reader, r.steps())
    if r.kind == "idmodule":
        from kiosk.idmodule import IdModuleReader

        return IdModuleReader(r.device, r.baudrate)
    return None


def scanner(cfg: AgentConfig) -> InputDevice | None:
    if cfg.scanner.kind == "serial":
        from kiosk.scanner import SerialScanner

        return SerialScanner(cfg.scanner.device, cfg.scanner.baudrate)
    return None
