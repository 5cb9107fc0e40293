"""Keys in, lines out: a terminal one keystroke at a time, or plain lines from a pipe.

On a terminal (a USB call keypad types like a keyboard) each key acts at once: the
terminal goes into cbreak mode (no echo, no line buffering, Ctrl-C still works, output
unchanged) and is put back as it was on exit, also on SIGTERM or SIGHUP. When stdin is
not a terminal, each line is one key or command, so a session can be scripted.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
from types import FrameType
from typing import Any, Protocol, TextIO


class Console:
    """Printing shared by the key loop and the live feed thread: whole lines, flushed."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def say(self, line: str) -> None:
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def prompt(self, text: str) -> None:
        with self._lock:
            self.stream.write(text)
            self.stream.flush()


class Input(Protocol):
    def key(self) -> str | None:
        """The next key or script line; None at the end of input."""
        ...

    def ask(self, prompt: str) -> str | None:
        """A line typed in answer to ``prompt``; None at the end of input."""
        ...

    def choose(self, prompt: str) -> str | None:
        """One key in answer to ``prompt``; None at the end of input."""
        ...

    def __enter__(self) -> Input: ...

    def __exit__(self, *exc: object) -> None: ...


class LineInput:
    """One key or command per line (scripts and pipes); questions read the next line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __enter__(self) -> LineInput:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def key(self) -> str | None:
        line = self.stream.readline()
        return None if line == "" else line.rstrip("\r\n")

    def ask(self, prompt: str) -> str | None:
        return self.key()

    def choose(self, prompt: str) -> str | None:
        return self.key()


def _utf8_length(first: int) -> int:
    if first >= 0xF0:
        return 4
    if first >= 0xE0:
        return 3
    return 2 if first >= 0xC0 else 1


class TtyInput:
    """Single keystrokes from a terminal in cbreak mode (POSIX ``termios``)."""

    def __init__(self, fd: int, console: Console) -> None:
        self.fd = fd
        self.console = console
        self._saved: list[Any] | None = None
        self._handlers: dict[int, Any] = {}

    def __enter__(self) -> TtyInput:
        import termios

        self._saved = termios.tcgetattr(self.fd)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            self._handlers[sig] = signal.signal(sig, self._leave)
        self._raw()
        return self

    def __exit__(self, *exc: object) -> None:
        self._cooked()
        for sig, handler in self._handlers.items():
            signal.signal(sig, handler)

    @staticmethod
    def _leave(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)  # unwinds through __exit__, which restores the terminal

    def _raw(self) -> None:
        import termios
        import tty

        tty.setcbreak(self.fd, termios.TCSANOW)

    def _cooked(self) -> None:
        import termios

        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def key(self) -> str | None:
        first = os.read(self.fd, 1)
        if not first:
            return None
        if first == b"\x04":  # Ctrl-D: leave, like q
            return "q"
        if first == b"\x1b":  # an arrow or function key: swallow its escape sequence
            while select.select([self.fd], [], [], 0.05)[0]:
                os.read(self.fd, 16)
            return ""
        rest = b"".join(os.read(self.fd, 1) for _ in range(_utf8_length(first[0]) - 1))
        return (first + rest).decode("utf-8", "replace")

    def ask(self, prompt: str) -> str | None:
        self._cooked()
        try:
            self.console.prompt(prompt)
            line = sys.stdin.readline()
            return None if line == "" else line.rstrip("\r\n")
        finally:
            self._raw()

    def choose(self, prompt: str) -> str | None:
        self.console.prompt(prompt)
        answer = self.key()
        self.console.say(answer if answer and answer.isprintable() else "")
        return answer


def for_stdin(console: Console) -> Input:
    """Keystrokes when stdin is a terminal with termios, else lines."""
    with contextlib.suppress(ImportError, OSError, ValueError):
        import termios  # noqa: F401  (POSIX only)

        if sys.stdin.isatty():
            return TtyInput(sys.stdin.fileno(), console)
    return LineInput(sys.stdin)
