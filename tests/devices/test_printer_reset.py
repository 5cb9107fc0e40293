"""A printer that resets in the middle of a slip: the bytes were written into the socket, the slip
never came out. The agent must report a failed job (the kiosk then shows the mobile ticket and says
so), not "printed" (the kiosk would say 请取走号票 in front of an empty slot)."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator

import pytest

from kiosk.sim.printer import SimPrinter
from printers import device
from printers.device import PrinterConfig, PrintFailed


class ResettingPrinter:
    """Answers DLE EOT like a healthy printer, then resets (TCP RST) after ``after`` bytes of a slip."""

    def __init__(self, after: int = 64) -> None:
        self.after = after
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            got = 0
            with conn:
                while chunk := conn.recv(4096):
                    if chunk.startswith(b"\x10\x04") and len(chunk) == 3:
                        conn.sendall(bytes([0x16 if chunk[2] == 1 else 0x12]))
                        continue
                    got += len(chunk)
                    if got >= self.after:  # power blip: the connection dies without a goodbye
                        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        break

    def stop(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


@pytest.fixture
def resetting() -> Iterator[ResettingPrinter]:
    p = ResettingPrinter()
    yield p
    p.stop()


@pytest.mark.parametrize("size", [200, 20_000])
def test_a_reset_mid_slip_is_a_failed_print(resetting: ResettingPrinter, size: int) -> None:
    cfg = PrinterConfig(kind="network", port=resetting.port, timeout=1.0)
    with pytest.raises(PrintFailed) as failed:
        device.send(cfg, b"\x1b@" + b"x" * size)
    assert failed.value.reason in ("error", "interrupted")  # any failure: the kiosk offers the mobile ticket


def test_a_healthy_printer_still_prints_and_a_silent_one_is_not_called_failed() -> None:
    sim = SimPrinter().start()
    try:
        cfg = PrinterConfig(kind="network", port=sim.port, timeout=1.0)
        assert device.send(cfg, b"\x1b@hello\n").online is True
        assert sim.wait_for_job(1).endswith(b"hello\n")
        sim.answer = False  # a printer that never answers status queries: nothing to go on
        assert device.send(cfg, b"\x1b@again\n").online is None
    finally:
        sim.stop()
