"""Structured logs: JSON lines with a request id, never bodies, query strings or personal data."""

from __future__ import annotations

import atexit
import contextvars
import json
import logging
import queue
import random
import re
import threading
import time
from logging.handlers import QueueHandler
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access = logging.getLogger("hall.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        out.update(getattr(record, "fields", {}))
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


class NoQueryStrings(logging.Filter):
    """uvicorn logs websocket handshakes with their query string; the kiosk page's channel
    carries its device token there (``?token=``): keep every query string out of the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and "WebSocket" in str(record.msg):
            record.args = tuple(a.split("?", 1)[0] if isinstance(a, str) else a for a in record.args)
        return True


class Drain(threading.Thread):
    """Writes the queued records every ``every`` seconds, as one write per batch.

    Nobody waits on the queue, so a request's record costs the event loop an append, not a
    wake-up of a log thread (a context switch per request on a busy core: a third of the
    loop's time in a booking rush was spent handing records to a waiting ``QueueListener``)."""

    def __init__(self, records: queue.SimpleQueue[logging.LogRecord], handler: logging.StreamHandler[Any],
                 every: float = 0.05) -> None:  # fmt: skip
        super().__init__(name="hall-log", daemon=True)
        self.records = records
        self.handler = handler
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.flush()
        self.flush()

    def flush(self) -> None:
        lines = []
        while True:
            try:
                record = self.records.get_nowait()
            except queue.Empty:
                break
            try:
                if record.levelno >= self.handler.level and self.handler.filter(record):
                    lines.append(self.handler.format(record))
            except Exception:
                self.handler.handleError(record)
        if lines:
            try:
                self.handler.stream.write("\n".join(lines) + "\n")
                self.handler.flush()
            except Exception:
                self.handler.handleError(record)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


class Enqueue(QueueHandler):
    """Hands records to the log thread as they are: formatting them as JSON and writing them
    happen there, off the event loop (a request's line cost it about 5 % of a ticket)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record.request_id = request_id.get()  # the request's context is this thread's, not the log thread's
        return record


def configure() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(NoQueryStrings())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    drain = Drain(records, handler)
    drain.start()
    atexit.register(drain.stop)  # what is queued is written before the process ends
    logging.basicConfig(level=logging.INFO, handlers=[Enqueue(records)], force=True)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


def route_of(scope: Scope) -> str:
    """The path with its parameters named (``/api/v1/tickets/{id}``): ids and codes stay out."""
    path: str = scope.get("path", "")
    for name, value in (scope.get("path_params") or {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return path


class AccessLog:
    """One line per request: method, route, status, milliseconds, request id (also sent back
    as ``X-Request-Id``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = next((v for k, v in scope.get("headers") or () if k == b"x-request-id"), b"").decode("latin-1")
        # a correlation id, not a secret: the Mersenne twister spares a getrandom() call per request
        rid = incoming if _SAFE_ID.match(incoming) else f"{random.getrandbits(48):012x}"
        token = request_id.set(rid)
        status = 0
        started = time.perf_counter()

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            fields = {
                "request_id": rid,
                "method": scope.get("method", "WS"),
                "route": route_of(scope),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
            # the record made directly: Logger.info would walk the stack to find its caller
            if access.isEnabledFor(logging.INFO):
                record = logging.LogRecord(access.name, logging.INFO, __file__, 0, "request", None, None)
                record.fields = fields
                access.handle(record)
            request_id.reset(token)
