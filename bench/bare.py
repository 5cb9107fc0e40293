"""The bare baselines: Starlette + uvicorn (the same stack and websocket settings as the hall
server), no hub, no auth, no rules.

- ``POST /call`` serialises one event like the hall's ``ticket.called`` once and sends it to
  every socket, then answers (bench.sockets.fanout's bare broadcast).
- ``POST /book`` is the booking rush without the hall: the same request bodies, each answered
  by one ``BEGIN IMMEDIATE`` transaction of bare SQLite on the event loop (WAL,
  ``synchronous=FULL``): a conditional ``UPDATE`` of the slot's places and an insert, 201 or 409
  ``slot_full`` (bench.booking's baseline).

    python -m bench.bare --port 8765 [--db FILE --places 200]   # started by bench.sockets.fanout, bench.booking
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

clients: set[WebSocket] = set()
seq = 0


async def socket(ws: WebSocket) -> None:
    await ws.accept()
    clients.add(ws)
    try:
        while True:
            await ws.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        clients.discard(ws)


async def call(request: Request) -> Response:
    global seq
    seq += 1
    number = (await request.json())["number"]
    event = {
        "seq": seq,
        "type": "ticket.called",
        "site": "youyi",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
        "data": {
            "ticket": {"number": number, "service": "general", "status": "called", "recalls": 0,
                       "counter": {"id": "youyi-1", "number": 1}},
            "waiting": {"general": 1000, "social": 1000, "elderly": 1000, "certificate": 1000, "consult": 1000},
            "by_counter": {"id": "youyi-1", "number": 1},
        },
    }  # fmt: skip
    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    for ws in tuple(clients):
        try:
            await ws.send_text(text)
        except Exception:
            clients.discard(ws)
    return JSONResponse({"sent": len(clients)})


db: sqlite3.Connection | None = None


def open_db(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE slots (start TEXT PRIMARY KEY, capacity INTEGER, booked INTEGER DEFAULT 0)")
    conn.execute("CREATE TABLE bookings (id INTEGER PRIMARY KEY, start TEXT, id_number TEXT, name TEXT, phone TEXT)")
    return conn


async def book(request: Request) -> Response:
    assert db is not None
    body = await request.json()
    person = body["applicants"][0]
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("INSERT OR IGNORE INTO slots (start, capacity) VALUES (?, ?)", (body["start"], PLACES[0]))
        got = db.execute("UPDATE slots SET booked = booked + 1 WHERE start = ? AND booked < capacity RETURNING booked",
                         (body["start"],)).fetchone()  # fmt: skip
        if got is not None:
            db.execute("INSERT INTO bookings (start, id_number, name, phone) VALUES (?, ?, ?, ?)",
                       (body["start"], person["id_number"], person["name"], person["phone"]))  # fmt: skip
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    if got is None:
        return JSONResponse({"error": {"code": "slot_full", "message": "slot full"}}, status_code=409)
    return JSONResponse({"code": f"B{got[0]:05d}"}, status_code=201)


PLACES = [200]


async def count(request: Request) -> Response:
    return JSONResponse({"clients": len(clients)})


app = Starlette(
    routes=[
        Route("/call", call, methods=["POST"]),
        Route("/book", book, methods=["POST"]),
        Route("/count", count),
        WebSocketRoute("/ws", socket),
    ]
)


@contextlib.contextmanager
def running(port: int, *args: str) -> Iterator[None]:
    """This server in a process of its own on ``port`` (with ``args``), once it answers."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.bare", "--port", str(port), *args],
                            cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/count")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    import uvicorn

    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--db", help="a new SQLite file for POST /book")
    p.add_argument("--places", type=int, default=200)
    args = p.parse_args()
    if args.db:
        global db
        db = open_db(args.db)
        PLACES[0] = args.places
    uvicorn.run(app, host="127.0.0.1", port=args.port, ws_per_message_deflate=False, log_level="warning")


if __name__ == "__main__":
    main()
