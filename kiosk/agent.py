"""The agent's link to the server: ``WS /ws/kiosks/{kiosk}`` with the kiosk's token.

It reconnects with exponential backoff, sends ``health`` every few seconds, forwards card
reads and scans while connected (and drops them while not: a card read cannot wait for a
resident who has left), and prints the jobs the server sends, acknowledging each one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from kiosk import __version__, devices
from kiosk.config import AgentConfig
from printers import device, layouts, render, slips
from protocol import kiosk as wire

log = logging.getLogger("kiosk.agent")
MAX_BACKOFF = 30.0
REFUSED = {
    wire.NO_TOKEN: "the server refused the kiosk token",
    wire.WRONG_DEVICE: "this token belongs to another device",
}


def link_url(server: str, kiosk: str) -> str:
    base = server.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://") :]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://") :]
    return f"{base}/ws/kiosks/{kiosk}"


def backoff(attempt: int, rng: Callable[[], float] = random.random) -> float:
    """1, 2, 4 ... 30 s, each +-20 % so a hall's kiosks do not reconnect in lockstep."""
    return min(MAX_BACKOFF, 2.0 ** max(0, attempt)) * (0.8 + 0.4 * rng())


class Agent:
    def __init__(self, server: str, kiosk: str, token_file: str | Path, config: AgentConfig) -> None:
        self.url = link_url(server, kiosk)
        self.kiosk = kiosk
        self.token_file = Path(token_file)
        self.config = config
        self.reader = devices.reader(config)
        self.scanner = devices.scanner(config)
        self.connected = asyncio.Event()
        self._events: asyncio.Queue[wire.AgentMessage] = asyncio.Queue(64)
        self._printing = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.printer_status = device.NOT_CONFIGURED if config.printer.kind == "none" else device.Status(None, "unknown")

    # -- inputs (called from device threads) -----------------------------------------
    def emit(self, message: dict[str, Any]) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._offer, message)

    def _offer(self, message: dict[str, Any]) -> None:
        if not self.connected.is_set():
            log.info("not connected: %s dropped", message.get("type"))
            return
        try:
            typed: wire.AgentMessage = msgspec.convert(message, wire.AgentMessage)
        except msgspec.ValidationError:  # a device's bug: said by type only (a card's fields stay out of logs)
            log.warning("a %.40r message from a device is not one of the protocol: dropped", message.get("type"))
            return
        with contextlib.suppress(asyncio.QueueFull):
            self._events.put_nowait(typed)

    # -- health ------------------------------------------------------------------------
    async def refresh_printer(self) -> device.Status:
        if self.config.printer.kind == "none":
            return self.printer_status
        async with self._printing:
            self.printer_status = await asyncio.to_thread(device.status, self.config.printer)
        return self.printer_status

    def health(self) -> wire.Health:
        st = self.printer_status
        return wire.Health(
            version=__version__,
            printer=wire.PrinterHealth(st.online, st.paper, st.error, self.config.printer.kind != "none"),
            reader=wire.Part(self.config.reader.kind, bool(self.reader and self.reader.present())),
            scanner=wire.Part(self.config.scanner.kind, bool(self.scanner and self.scanner.present())),
        )

    # -- printing ----------------------------------------------------------------------
    def _print_now(self, kind: str, data: Any) -> device.Status:
        slip = slips.parse(kind, data)
        payload = render.to_escpos(layouts.layout(slip, self.config.printer.columns), self.config.printer.profile)
        return device.send(self.config.printer, payload)

    async def print_job(self, message: wire.PrintJob) -> wire.Ack:
        """Print one job; the ``ack`` to send back. The printer's status after the job (or
        its fault) becomes the agent's printer status at once: the next health says it."""
        job = message.job
        async with self._printing:
            try:
                self.printer_status = await asyncio.to_thread(self._print_now, message.kind, message.slip)
            except device.PrintFailed as e:
                log.warning("print job %s failed: %s", job, e)
                self.printer_status = e.status
                return wire.Ack(job, "failed", e.reason)
            except (ValueError, TypeError, KeyError) as e:
                log.warning("print job %s refused: %s", job, type(e).__name__)
                return wire.Ack(job, "failed", "bad_job")
        return wire.Ack(job, "printed", None)

    # -- the link ----------------------------------------------------------------------
    async def run(self) -> None:
        """Connect, serve, reconnect: forever (until cancelled)."""
        self._loop = asyncio.get_running_loop()
        for dev in (self.reader, self.scanner):
            if dev is not None:
                dev.start(self.emit)
        try:
            attempt = 0
            while True:
                try:
                    served = await self.session()
                except OSError as e:
                    log.info("cannot reach %s: %s", self.url, e)
                    served = False
                except Exception as e:  # handshake refused, protocol errors: retry like a network error
                    log.warning("link to %s failed: %s", self.url, e)
                    served = False
                attempt = 0 if served else attempt + 1
                await asyncio.sleep(backoff(attempt))
        finally:
            for dev in (self.reader, self.scanner):
                if dev is not None:
                    await asyncio.to_thread(dev.stop)

    async def session(self) -> bool:
        """One connection; True if it got as far as the server's welcome."""
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        token = self.token_file.read_text().strip()
        async with connect(self.url, additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10,
                           ping_interval=20, ping_timeout=20, max_size=2**20) as ws:  # fmt: skip
            await ws.send(wire.encode(wire.Hello(__version__, self.config.printer.kind != "none")))
            try:
                welcome = wire.decode_server(await asyncio.wait_for(ws.recv(), 10))
            except ConnectionClosed as e:
                code = e.rcvd.code if e.rcvd else 0
                log.error("link closed: %s", REFUSED.get(code, f"code {code}"))
                return False
            except msgspec.DecodeError:
                return False
            if not isinstance(welcome, wire.Welcome):
                return False
            log.info("connected to %s as %s", self.url, self.kiosk)
            self.connected.set()
            tasks = [asyncio.create_task(c) for c in (self._send_health(ws), self._send_events(ws))]
            try:
                await self._receive(ws)
            except ConnectionClosed:
                log.info("link closed by the server")
            finally:
                self.connected.clear()
                while not self._events.empty():
                    self._events.get_nowait()
                for t in tasks:
                    t.cancel()
                for t in tasks:
                    with contextlib.suppress(asyncio.CancelledError, ConnectionClosed, OSError):
                        await t
            return True

    async def _receive(self, ws: Any) -> None:
        async for raw in ws:  # any frame: binary, not JSON, not an object, unknown: ignored
            try:
                message = wire.decode_server(raw) if isinstance(raw, str) else None
            except msgspec.DecodeError:
                message = None
            if isinstance(message, wire.PrintJob):
                ack = await self.print_job(message)
            elif message is None and isinstance(raw, str) and wire.type_of(raw) == "print":
                ack = wire.Ack(None, "failed", "bad_job")  # a job we cannot read, not even its number
            else:
                if message is None:
                    log.info("ignored a frame from the server that is not one of the protocol's messages")
                continue
            await ws.send(wire.encode(ack))
            await ws.send(wire.encode(self.health()))

    async def _send_health(self, ws: Any) -> None:
        while True:
            await self.refresh_printer()
            await ws.send(wire.encode(self.health()))
            await asyncio.sleep(self.config.health_seconds)

    async def _send_events(self, ws: Any) -> None:
        while True:
            message = await self._events.get()
            await ws.send(wire.encode(message))
