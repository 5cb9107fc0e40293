"""PC/SC for real: pcscd with vsmartcard's vpcd reader driver, and a virtual card of ours
(kiosk/sim/vcard.py) speaking vpcd's protocol. Needs root and the Debian packages ``pcscd``
and ``vsmartcard-vpcd`` (.ci/run installs them); the fixture starts its own pcscd with a
reader configuration whose ports lie outside the ephemeral range."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import queue
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.pcsc import PROFILES, PcscReader
from kiosk.sim.vcard import VirtualCard
from tests import system

VPCD = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
SOCKET = Path("/run/pcscd/pcscd.comm")
READER = "Virtual PCD 00 00"


def _free_pair() -> int:
    """Two consecutive free ports below the ephemeral range (vpcd takes port and port + 1)."""
    for port in range(23600, 32000, 2):
        with contextlib.ExitStack() as stack:
            try:
                for p in (port, port + 1):
                    s = stack.enter_context(socket.socket())
                    s.bind(("0.0.0.0", p))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port pair")


def _live(sock: Path) -> bool:
    if not sock.exists():
        return False
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.connect(str(sock))
            return True
        except OSError:
            return False


@pytest.fixture(scope="module")
def vpcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The TCP port where a virtual card is inserted into ``Virtual PCD 00 00``."""
    system.require(
        importlib.util.find_spec("smartcard") is not None,
        "pyscard needs libpcsclite-dev to build (make installs it then)",
    )
    system.require(
        bool(shutil.which("pcscd") and VPCD.exists()),
        "needs pcscd and vsmartcard-vpcd (apt-get install pcscd vsmartcard-vpcd)",
    )
    if _live(SOCKET):  # a pcscd already runs (systemd): use its vpcd reader if it has one
        if READER not in PcscReader(READER).present_readers():
            pytest.skip("a pcscd without the vpcd reader is already running")
        yield 0x8C7B
        return
    system.require(os.geteuid() == 0, "starting pcscd needs root")
    port = _free_pair()
    conf = tmp_path_factory.mktemp("pcsc-conf")  # pcscd reads every file here: nothing else in it
    logfile = tmp_path_factory.mktemp("pcsc-log") / "pcscd.log"
    (conf / "vpcd").write_text(
        f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:{port:#x}\nLIBPATH {VPCD}\nCHANNELID {port:#x}\n'
    )
    log = logfile.open("wb")
    proc = subprocess.Popen(["pcscd", "--foreground", "--debug", "--config", str(conf)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while READER not in PcscReader().present_readers():
            assert proc.poll() is None, logfile.read_text()[-2000:]
            assert time.monotonic() < deadline, "pcscd did not list the vpcd reader"
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def events_of(reader: PcscReader) -> queue.Queue[dict[str, Any]]:
    q: queue.Queue[dict[str, Any]] = queue.Queue()
    reader.start(q.put)
    time.sleep(0.3)  # the first waitforcardevent: the reader is empty
    return q


def test_reader_present_and_absent(vpcd: int) -> None:
    assert PcscReader(READER).present()
    assert PcscReader().present()  # any reader
    assert not PcscReader("ACS ACR1252").present()  # the configured reader is not plugged in


def test_no_pcscd_means_no_reader(tmp_path: Path) -> None:
    code = "from kiosk.pcsc import PcscReader; print(PcscReader().present())"
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "none.comm"), "PYTHONPATH": str(Path.cwd())}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "False", out.stderr


def test_insert_read_identity_and_remove(vpcd: int) -> None:
    reader = PcscReader(READER, PROFILES["hall-demo"])
    q = events_of(reader)
    card = VirtualCard.with_identity("110105199003071239", "李明", uid=bytes.fromhex("04112233445566"))
    try:
        card.insert(vpcd)
        read = q.get(timeout=10)
        assert read == {
            "type": "card",
            "source": "pcsc",
            "uid": "04112233445566",
            "id_number": "110105199003071239",
            "name": "李明",
        }
        assert card.apdus[0] == bytes.fromhex("FFCA000000")
        card.remove()
        assert q.get(timeout=10) == {"type": "card_removed"}
    finally:
        card.remove()
        reader.stop()


def test_uid_only_and_unreadable_cards(vpcd: int) -> None:
    uid_reader = PcscReader(READER, PROFILES["uid"])
    q = events_of(uid_reader)
    plain = VirtualCard(uid=bytes.fromhex("DEADBEEF"))  # a transport card: no identity application
    try:
        plain.insert(vpcd)
        assert q.get(timeout=10) == {"type": "card", "source": "pcsc", "uid": "DEADBEEF"}
        plain.remove()
        assert q.get(timeout=10)["type"] == "card_removed"
    finally:
        plain.remove()
        uid_reader.stop()
    profile_reader = PcscReader(READER, PROFILES["hall-demo"])
    q = events_of(profile_reader)
    plain = VirtualCard(uid=bytes.fromhex("DEADBEEF"))
    try:
        plain.insert(vpcd)
        assert q.get(timeout=10) == {"type": "card", "source": "pcsc", "error": "unreadable"}
    finally:
        plain.remove()
        profile_reader.stop()
