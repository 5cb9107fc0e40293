"""``make kiosk-demo``: a simulated kiosk PC next to a running ``make run`` server.

Starts a network printer on 127.0.0.1 (slips are shown here, decoded), an ID card module
and a QR scanner on pseudo-terminals, and the real agent (``python -m kiosk``) for one
kiosk; then reads commands: lay a card on the reader, scan a code, pull the printer's plug.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import tty
from pathlib import Path

from kiosk.sim.idcard import PEOPLE, SimIdModule
from kiosk.sim.printer import SimPrinter
from printers.decode import decode

ROOT = Path(__file__).resolve().parent.parent.parent
HELP = """
  e  lay an elderly resident's ID card on the reader (绿色通道)   y  a younger resident's card
  r  take the card away          s CODE  scan a code (a booking code, or anything else)
  p  pull / plug the printer     o  paper out / paper in         q  quit
"""


def show_slips(printer: SimPrinter, stop: threading.Event) -> None:
    seen = 0
    while not stop.is_set():
        while seen < len(printer.jobs):
            data = printer.jobs[seen]
            seen += 1
            slip = decode(data)
            lines = [("  " + line.text.center(48 // line.width) if line.align == "center" else "  " + line.text)
                     for line in slip.lines]  # fmt: skip
            qr = [f"  [QR {q.data}]" for q in slip.qr_codes]
            print("\n[printer] ----------------------------------------------\n" + "\n".join(lines + qr)
                  + f"\n[printer] ---------------------------------------- cut x{slip.cuts}", flush=True)  # fmt: skip
        stop.wait(0.2)


def device_token(config: str, db: str, kiosk: str) -> str:
    out = subprocess.run([sys.executable, "server.py", "--config", config, "--db", db, "device", "token", kiosk],
                         capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"cannot make a token for {kiosk}: {out.stderr.strip()}")
    return out.stdout.split()[-1]


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m kiosk.sim", description=__doc__)
    p.add_argument("--server", default="http://127.0.0.1:8000")
    p.add_argument("--kiosk", default="youyi-k1")
    p.add_argument("--config", default="config.toml", help="the server's config (to make the kiosk's token)")
    p.add_argument("--db", default="data/hall.db", help="the server's database (to make the kiosk's token)")
    args = p.parse_args()
    token = device_token(args.config, args.db, args.kiosk)
    printer = SimPrinter().start()
    module = SimIdModule().start()
    master, slave = os.openpty()
    tty.setraw(slave)
    with tempfile.TemporaryDirectory(prefix="kiosk-demo-") as tmp:
        token_file, config = Path(tmp) / "token", Path(tmp) / "agent.toml"
        token_file.write_text(token)
        config.write_text(f'health_seconds = 2\n[printer]\nkind = "network"\nport = {printer.port}\n'
                          f'[reader]\nkind = "idmodule"\ndevice = "{module.device}"\n'
                          f'[scanner]\nkind = "serial"\ndevice = "{os.ttyname(slave)}"\n')  # fmt: skip
        agent = subprocess.Popen([sys.executable, "-m", "kiosk", "--server", args.server, "--kiosk", args.kiosk,
                                  "--token-file", str(token_file), "--config", str(config)], cwd=ROOT)  # fmt: skip
        stop = threading.Event()
        threading.Thread(target=show_slips, args=(printer, stop), daemon=True).start()
        print(f"\n  Kiosk page for this kiosk: {args.server}/kiosk/{args.kiosk}#token={token}")
        print(f"  Devices (supervisor):      {args.server}/admin/devices")
        print(f"  printer on 127.0.0.1:{printer.port}, ID module on {module.device}, scanner on {os.ttyname(slave)}")
        print(HELP, flush=True)
        plugged = True
        try:
            for line in sys.stdin:
                cmd, _, rest = line.strip().partition(" ")
                if cmd in ("e", "y"):
                    module.place("elder" if cmd == "e" else "young")
                    print(f"  card on the reader: {PEOPLE['elder' if cmd == 'e' else 'young']['name']}")
                elif cmd == "r":
                    module.take()
                elif cmd == "s" and rest:
                    os.write(master, rest.encode() + b"\r")
                elif cmd == "p":
                    if plugged:
                        printer.stop()
                    else:
                        printer.start()
                    plugged = not plugged
                    print("  printer " + ("plugged in" if plugged else "unplugged"))
                elif cmd == "o":
                    printer.paper = "out" if printer.paper != "out" else "ok"
                    print(f"  paper: {printer.paper}")
                elif cmd == "q":
                    break
                else:
                    print(HELP)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            agent.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                agent.wait(10)
            printer.stop()
            module.stop()
            os.close(master)
            os.close(slave)
            time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
