"""The bare broadcast baseline: Starlette + uvicorn (the same stack and websocket settings
as the hall server), no database, no hub, no auth. ``POST /call`` serialises one event
like the hall's ``ticket.called`` once and sends it to every socket, then answers.

    python -m bench.bare --port 8765      # started by bench.fanout
"""

from __future__ import annotations

import argparse
import json
import time

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


async def count(request: Request) -> Response:
    return JSONResponse({"clients": len(clients)})


app = Starlette(routes=[Route("/call", call, methods=["POST"]), Route("/count", count), WebSocketRoute("/ws", socket)])


def main() -> None:
    import uvicorn

    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, ws_per_message_deflate=False, log_level="warning")


if __name__ == "__main__":
    main()
