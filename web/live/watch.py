"""What the two server-push sockets share: a reader beside the sending loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from starlette.websockets import WebSocketDisconnect


@contextlib.asynccontextmanager
async def reading(reader: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run ``reader`` (it notices the client going) while the body sends; a client gone
    mid-send ends the body quietly, and the reader is stopped when the body ends."""
    task = asyncio.ensure_future(reader)
    try:
        yield
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
