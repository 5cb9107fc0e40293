"""One JSON encoding for every message: compact, UTF-8 as is (``ensure_ascii=False``)."""

from __future__ import annotations

import msgspec

_encoder = msgspec.json.Encoder()


def encode(message: msgspec.Struct) -> str:
    """The text frame of a message."""
    return _encoder.encode(message).decode()
