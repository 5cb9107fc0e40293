"""A lean keep-alive HTTP/1.1 client on asyncio streams, for load that must stay cheap.

httpx2 spends about as much CPU per request as the server does; on a 2-core machine the
load generator then takes half the machine and the figure measures the client. This one
sends prepared bytes and reads ``Content-Length`` bodies: enough for our JSON API.
"""

from __future__ import annotations

import asyncio
import contextlib


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader = reader
        self.writer = writer
        self.host = host

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, f"{host}:{port}")

    def request_bytes(
        self, method: str, path: str, body: bytes = b"", token: str | None = None, headers: dict[str, str] | None = None
    ) -> bytes:
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", "Content-Type: application/json"]
        if token:
            head.append(f"Authorization: Bearer {token}")
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        head.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        """Send one prepared request and read its answer: (status, body)."""
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
                break
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()
