"""A kiosk PC in a test: a simulated printer and ID card module, and the real agent
(``python -m kiosk``) in a subprocess, linked to a live server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.sim.idcard import SimIdModule
from kiosk.sim.printer import SimPrinter
from tests.live import ROOT, LiveServer


class KioskRig:
    def __init__(self, tmp: Path, base: str, kiosk: str, token: str, health_seconds: float = 1.0) -> None:
        self.base = base
        self.kiosk = kiosk
        self.token = token
        self.printer = SimPrinter().start()
        self.module = SimIdModule().start()
        self.token_file = tmp / f"{kiosk}.token"
        self.token_file.write_text(token + "\n")
        self.config = tmp / f"{kiosk}.toml"
        self.config.write_text(
            f'health_seconds = {health_seconds}\n[printer]\nkind = "network"\nport = {self.printer.port}\n'
            f'timeout = 1.0\n[reader]\nkind = "idmodule"\ndevice = "{self.module.device}"\n'
        )
        self.log = tmp / f"{kiosk}-agent.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> KioskRig:
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "--server", self.base, "--kiosk", self.kiosk, "--token-file",
                 str(self.token_file), "--config", str(self.config)],
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            )  # fmt: skip
        return self

    def stop_agent(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def stop(self) -> None:
        self.stop_agent()
        self.printer.stop()
        self.module.stop()

    def page(self) -> Any:
        """The kiosk page's channel, as a websocket client (what kiosk.js opens)."""
        from websockets.sync.client import connect

        ws_base = self.base.replace("http://", "ws://")
        return connect(f"{ws_base}/ws/kiosks/{self.kiosk}/page?token={self.token}", open_timeout=10)


def rigged_server(tmp: Path, clock: str, kiosk: str) -> Iterator[tuple[LiveServer, str, KioskRig]]:
    """For a module's fixture: a live server at ``clock``, ``kiosk``'s device token and its rig,
    stopped after."""
    live = LiveServer(tmp, clock)
    token = live.cli("device", "token", kiosk).split()[-1]
    with live:
        rig = KioskRig(tmp, live.base, kiosk, token).start()
        try:
            yield live, token, rig
        finally:
            rig.stop()


def wait_for(ws: Any, test: Any, timeout: float = 10.0) -> dict[str, Any]:
    """The first message on ``ws`` for which ``test(message)`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no such message")
        message = json.loads(ws.recv(timeout=left))
        if test(message):
            return dict(message)
