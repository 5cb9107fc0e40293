"""Printer connections (network, USB, serial) and their status, through python-escpos.

Status comes from ``DLE EOT`` before printing and again after the cut: ``DLE EOT 1`` (bit 3:
offline), ``DLE EOT 2`` (why offline: bit 2 cover open, bit 5 paper end, bit 6 error),
``DLE EOT 3`` (bit 3: autocutter error) and ``DLE EOT 4`` (bits 5-6: paper out, bits 2-3:
near end). An Epson-compatible printer goes offline at paper end, so "offline" alone never
names the cause: the other queries do. python-escpos reads "no reply" as "paper ok"; here
no reply is ``unknown``. A printer that answered before the slip and is silent, gone or
faulty after it did not print it (``interrupted``, ``paper_out``, ``cover_open``...).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

log = logging.getLogger("printers")
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_OFFLINE_CAUSE = b"\x10\x04\x02"
DLE_EOT_ERROR_CAUSE = b"\x10\x04\x03"
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
    # after the cut, keep asking DLE EOT this long (it is answered in real time, maybe before the
    # last lines left the head): a fault within it fails the job
    confirm_seconds: float = 1.0


@dataclass(frozen=True)
class Status:
    online: bool | None  # None: the printer did not say
    paper: Paper
    error: str | None = None  # unreachable, not_configured, or the fault: paper_out, cover_open...

    @property
    def answered(self) -> bool:
        return self.online is not None or self.paper != "unknown"

    def as_dict(self) -> dict[str, Any]:
        return {"online": self.online, "paper": self.paper, "error": self.error}


NOT_CONFIGURED = Status(None, "unknown", "not_configured")
UNREACHABLE = Status(False, "unknown", "unreachable")


class PrintFailed(Exception):
    """The slip was not (wholly) printed; ``reason`` is a short slug: offline, paper_out,
    cover_open, cutter_error, interrupted, unreachable, error; ``status`` what the printer said."""

    def __init__(self, reason: str, detail: str = "", status: Status | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.status = status or Status(False, "unknown", reason)


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


def _paper(byte: int | None) -> Paper:
    if byte is None:
        return "unknown"
    if byte & 0x60 == 0x60:
        return "out"
    if byte & 0x0C == 0x0C:
        return "near_end"
    return "ok"


def _fault(offline_cause: int | None, error_cause: int | None, paper: Paper) -> str:
    """Why an offline printer is offline (DLE EOT 2 and 3, then the paper sensor)."""
    if paper == "out" or (offline_cause is not None and offline_cause & 0x20):
        return "paper_out"
    if offline_cause is not None and offline_cause & 0x04:
        return "cover_open"
    if error_cause is not None and error_cause & 0x08:
        return "cutter_error"
    return "offline"


def read_status(printer: Any) -> Status:
    """The printer's state; ``error`` names the fault when it is offline or out of paper."""
    online_byte = _ask(printer, DLE_EOT_PRINTER)
    paper = _paper(_ask(printer, DLE_EOT_PAPER))
    online = None if online_byte is None else not online_byte & 0x08
    if online is False or paper == "out":
        cause = _fault(_ask(printer, DLE_EOT_OFFLINE_CAUSE), _ask(printer, DLE_EOT_ERROR_CAUSE), paper)
        return Status(online, paper, cause)
    return Status(online, paper)


DETAIL = {
    "paper_out": "the printer is out of paper",
    "cover_open": "the printer's cover is open",
    "cutter_error": "the printer's cutter is jammed",
    "offline": "the printer reports offline",
    "interrupted": "the printer stopped answering during the slip (reset or power loss)",
}


def _check(st: Status) -> None:
    """:raises PrintFailed: when ``st`` is a fault (offline for a named cause, out of paper)."""
    if st.error is not None:
        raise PrintFailed(st.error, DETAIL.get(st.error, ""), st)


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


def confirm(printer: Any, before: Status, seconds: float, clock: Callable[[], float] = time.monotonic) -> Status:
    """Ask after the cut until ``seconds`` have passed (at least once); the last status.

    :raises PrintFailed: a fault, or silence from a printer that answered before the slip.
    """
    deadline = clock() + seconds
    while True:
        st = read_status(printer)
        if before.answered and not st.answered:
            raise PrintFailed("interrupted", DETAIL["interrupted"], Status(False, "unknown", "interrupted"))
        _check(st)
        if clock() >= deadline:
            return st
        time.sleep(0.2)


def send(cfg: PrinterConfig, data: bytes) -> Status:
    """Print ``data`` unless the printer is at fault, then confirm it with the printer.

    :returns: the printer's status after the slip (all ``unknown`` for a printer that never answers).
    :raises PrintFailed: not configured, unreachable, a fault before or after the slip, or the write failed.
    """
    printer = connect(cfg)
    try:
        before = read_status(printer)
        _check(before)
        try:
            printer._raw(data)
        except Exception as e:
            if before.answered:
                raise PrintFailed("interrupted", str(e), Status(False, "unknown", "interrupted")) from None
            raise PrintFailed("error", str(e)) from None
        return confirm(printer, before, cfg.confirm_seconds)
    finally:
        _close(printer)
