"""Printer connections (network, USB, serial) and their status, through python-escpos.

Status comes from ``DLE EOT`` before printing: ``DLE EOT 1`` (bit 3: offline) and
``DLE EOT 4`` (bits 5-6: paper out, bits 2-3: near end). python-escpos reads "no reply"
as "paper ok"; here no reply is ``unknown`` and only a clear answer stops a print.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

log = logging.getLogger("printers")
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_PAPER = b"\x10\x04\x04"
Paper = Literal["ok", "near_end", "out", "unknown"]


class PrinterConfig(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """How the kiosk reaches its printer (``[printer]`` in the agent's config)."""

    kind: Literal["network", "usb", "serial", "none"] = "none"
    host: str = "127.0.0.1"  # network: the printer's address and raw port
    port: int = 9100
    vendor_id: int = 0  # usb: ids from ``lsusb`` (e.g. 0x04b8 / 0x0e15 for an Epson TM-T20II)
    product_id: int = 0
    device: str = "/dev/ttyUSB0"  # serial
    baudrate: int = 9600
    timeout: float = 3.0
    profile: str | None = "TM-T20II"  # python-escpos profile: paper width, cutter
    columns: int = 48  # characters per line: 48 on 80 mm paper, 32 on 58 mm


@dataclass(frozen=True)
class Status:
    online: bool | None  # None: the printer did not say
    paper: Paper
    error: str | None = None  # unreachable, not_configured...

    def as_dict(self) -> dict[str, Any]:
        return {"online": self.online, "paper": self.paper, "error": self.error}


NOT_CONFIGURED = Status(None, "unknown", "not_configured")
UNREACHABLE = Status(False, "unknown", "unreachable")


class PrintFailed(Exception):
    """The slip was not printed; ``reason`` is a short slug: offline, paper_out, unreachable, error."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def connect(cfg: PrinterConfig) -> Any:
    """An open python-escpos printer for ``cfg``.

    :raises PrintFailed: ``unreachable`` when the device cannot be opened.
    """
    from escpos.exceptions import DeviceNotFoundError

    try:
        if cfg.kind == "network":
            from escpos.printer import Network

            p = Network(cfg.host, cfg.port, timeout=cfg.timeout, profile=cfg.profile)
            # Our own connect: python-escpos's open() leaks the socket when the connection fails.
            p.device = socket.create_connection((cfg.host, cfg.port), timeout=cfg.timeout)
            return p
        if cfg.kind == "usb":
            from escpos.printer import Usb

            p = Usb(cfg.vendor_id, cfg.product_id, timeout=int(cfg.timeout * 1000), profile=cfg.profile)
        elif cfg.kind == "serial":
            from escpos.printer import Serial

            p = Serial(cfg.device, baudrate=cfg.baudrate, timeout=cfg.timeout, profile=cfg.profile)
        else:
            raise PrintFailed("not_configured", "no printer in the kiosk configuration")
        p.open()
    except DeviceNotFoundError as e:
        raise PrintFailed("unreachable", str(e).splitlines()[0]) from None
    except (OSError, ValueError) as e:
        raise PrintFailed("unreachable", str(e)) from None
    return p


def _ask(printer: Any, query: bytes) -> int | None:
    """Send a status query; the reply byte, or None when the printer stays silent."""
    try:
        printer._raw(query)
        reply: bytes = printer._read()
    except (TimeoutError, OSError, NotImplementedError):
        return None
    except Exception as e:  # pyusb's USBTimeoutError and kin
        log.debug("status query failed: %s", e)
        return None
    return reply[0] if reply else None


def read_status(printer: Any) -> Status:
    online_byte = _ask(printer, DLE_EOT_PRINTER)
    paper_byte = _ask(printer, DLE_EOT_PAPER)
    online = None if online_byte is None else not online_byte & 0x08
    paper: Paper
    if paper_byte is None:
        paper = "unknown"
    elif paper_byte & 0x60 == 0x60:
        paper = "out"
    elif paper_byte & 0x0C == 0x0C:
        paper = "near_end"
    else:
        paper = "ok"
    return Status(online, paper)


def _close(printer: Any) -> None:
    with contextlib.suppress(Exception):
        printer.close()


def status(cfg: PrinterConfig) -> Status:
    """Ask the printer how it is (opens and closes the connection)."""
    if cfg.kind == "none":
        return NOT_CONFIGURED
    try:
        printer = connect(cfg)
    except PrintFailed:
        return UNREACHABLE
    try:
        return read_status(printer)
    finally:
        _close(printer)


def send(cfg: PrinterConfig, data: bytes) -> Status:
    """Print ``data`` unless the printer says it is offline or out of paper.

    :raises PrintFailed: not configured, unreachable, offline, paper out, or the write failed.
    """
    printer = connect(cfg)
    try:
        st = read_status(printer)
        if st.online is False:
            raise PrintFailed("offline", "the printer reports offline (cover open or error)")
        if st.paper == "out":
            raise PrintFailed("paper_out", "the printer is out of paper")
        try:
            printer._raw(data)
        except Exception as e:
            raise PrintFailed("error", str(e)) from None
        # A printer that reset or lost power mid-slip took the bytes into the socket buffer and
        # then vanished: writing succeeded, so ask again. One that answered before and is silent
        # (or offline) now did not print the whole slip; one that never answers cannot tell us.
        after = _ask(printer, DLE_EOT_PRINTER)
        if st.online is not None and (after is None or after & 0x08):
            raise PrintFailed("error", "the printer stopped answering during the slip (reset or unplugged)")
        return st
    finally:
        _close(printer)
