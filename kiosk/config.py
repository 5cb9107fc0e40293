"""The agent's configuration (``--config FILE``, TOML): which printer, reader and scanner.

Typed with msgspec like the server's config: a wrong field stops the start with its path.
Without a file the kiosk has no devices and only reports that it is alive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import msgspec

from kiosk.pcsc import PROFILES, ApduStep
from printers.device import PrinterConfig


class Struct(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class ReaderConfig(Struct, frozen=True, kw_only=True):
    kind: Literal["none", "pcsc", "idmodule"] = "none"
    # idmodule: the module's serial port (USB-serial adapters appear as /dev/ttyUSBn)
    device: str = "/dev/ttyUSB0"
    baudrate: int = 115200
    # pcsc: a substring of the reader's name ("" takes the first reader with a card)
    pcsc_reader: str = ""
    # pcsc: a named APDU profile ("uid", "hall-demo"), or your own steps in [[reader.apdu]]
    profile: str = "uid"
    apdu: list[ApduStep] = []

    def steps(self) -> list[ApduStep]:
        return list(self.apdu) if self.apdu else list(PROFILES[self.profile])


class ScannerConfig(Struct, frozen=True, kw_only=True):
    kind: Literal["none", "serial"] = "none"
    device: str = "/dev/ttyACM0"
    baudrate: int = 9600


class AgentConfig(Struct, frozen=True, kw_only=True):
    printer: PrinterConfig = PrinterConfig()
    reader: ReaderConfig = ReaderConfig()
    scanner: ScannerConfig = ScannerConfig()
    health_seconds: float = 5.0


class ConfigError(Exception):
    pass


def parse(text: str | bytes) -> AgentConfig:
    """:raises ConfigError: with the path of the bad field."""
    try:
        cfg = msgspec.toml.decode(text, type=AgentConfig)
    except (msgspec.ValidationError, msgspec.DecodeError) as e:
        raise ConfigError(str(e)) from None
    if cfg.reader.kind == "pcsc" and not cfg.reader.apdu and cfg.reader.profile not in PROFILES:
        raise ConfigError(f"$.reader.profile: unknown profile {cfg.reader.profile!r} (known: {', '.join(PROFILES)})")
    if not 0.5 <= cfg.health_seconds <= 60:
        raise ConfigError("$.health_seconds: between 0.5 and 60")
    return cfg


def load(path: str | Path | None) -> AgentConfig:
    if path is None:
        return AgentConfig()
    try:
        return parse(Path(path).read_bytes())
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
