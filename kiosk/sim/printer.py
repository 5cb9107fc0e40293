"""A network receipt printer on 127.0.0.1: records what it is sent, answers ``DLE EOT``.

Each connection's bytes (status queries removed) are one entry of ``jobs``: what reached the
paper. Set ``online``/``paper``/``cover_open``/``cutter_error`` to change the answers (like an
Epson-compatible printer, any fault also sets the offline bit), ``answer = False`` to stay
silent, and ``stop()`` to pull the plug (the port then refuses connections). Faults during a
slip: ``fault_after = (n, fault)`` lets ``n`` bytes reach the paper, then the fault ("paper_out",
"cover_open", "cutter_error") stops printing, or "reset" drops the connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

STATUS_ONLINE = {True: 0x16, False: 0x1E}
STATUS_PAPER = {"ok": 0x12, "near_end": 0x1E, "out": 0x72}


class SimPrinter:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.online = True
        self.paper = "ok"
        self.answer = True
        self.cover_open = False
        self.cutter_error = False
        self.fault_after: tuple[int, str] | None = None
        self.jobs: list[bytes] = []
        self.queries = 0
        self._changed = threading.Condition()
        self._sock: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._thread: threading.Thread | None = None

    def start(self) -> SimPrinter:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(8)
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._thread = threading.Thread(target=self._accept, args=(sock,), name="sim-printer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Pull the plug: stop listening and drop open connections."""
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for conn in list(self._conns):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait_for_job(self, count: int = 1, timeout: float = 10.0) -> bytes:
        """Block until ``count`` jobs arrived; return the last one."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.jobs) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the printer received {len(self.jobs)} of {count} jobs")
                self._changed.wait(left)
            return self.jobs[count - 1]

    # -- connections ------------------------------------------------------------------
    def _accept(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _reply(self, kind: int) -> bytes:
        self.queries += 1
        if not self.answer:
            return b""
        paper_end = self.paper == "out"
        if kind == 1:
            return bytes([STATUS_ONLINE[self.online and not (paper_end or self.cover_open or self.cutter_error)]])
        if kind == 2:
            return bytes([0x12 | 0x04 * self.cover_open | 0x20 * paper_end | 0x40 * self.cutter_error])
        if kind == 3:
            return bytes([0x12 | 0x08 * self.cutter_error])
        if kind == 4:
            return bytes([STATUS_PAPER[self.paper]])
        return bytes([0x12])

    def _printable(self) -> bool:
        return self.paper != "out" and not self.cover_open and not self.cutter_error

    def _fault_now(self, printed: int) -> str | None:
        """The planned fault once ``printed`` bytes reached the paper (it happens once)."""
        if self.fault_after is None or printed < self.fault_after[0]:
            return None
        fault = self.fault_after[1]
        self.fault_after = None
        if fault == "paper_out":
            self.paper = "out"
        elif fault == "cover_open":
            self.cover_open = True
        elif fault == "cutter_error":
            self.cutter_error = True
        return fault

    def _serve(self, conn: socket.socket) -> None:
        data = bytearray()
        pending = b""
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                buf = pending + chunk
                pending = b""
                i = 0
                while i < len(buf):
                    if buf[i] == 0x10 and i + 1 < len(buf) and buf[i + 1] == 0x04:
                        if i + 2 >= len(buf):
                            pending = buf[i:]
                            break
                        conn.sendall(self._reply(buf[i + 2]))
                        i += 3
                    elif buf[i] == 0x10 and i + 1 == len(buf):
                        pending = buf[i:]
                        break
                    else:
                        if self._fault_now(len(data)) == "reset":
                            return  # the printer restarts: what it had in its buffer is lost
                        if self._printable():
                            data.append(buf[i])
                        i += 1
        except OSError:
            pass
        finally:
            self._conns.discard(conn)
            conn.close()
            if data:
                with self._changed:
                    self.jobs.append(bytes(data))
                    self._changed.notify_all()


def main() -> None:  # pragma: no cover - interactive demo helper
    import argparse

    p = argparse.ArgumentParser(description="a simulated ESC/POS network printer")
    p.add_argument("--port", type=int, default=9100)
    args = p.parse_args()
    printer = SimPrinter(port=args.port).start()
    print(f"simulated printer on 127.0.0.1:{printer.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)


if __name__ == "__main__":  # pragma: no cover
    main()
