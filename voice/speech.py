"""Offline voice announcements: call sentences, numbered pinyin, espeak-ng WAV synthesis.

Debian 12's ``espeak-ng -v cmn`` mispronounces Hanzi, so Chinese text is converted to
numbered pinyin (pypinyin, Style.TONE3) and spoken with the ``cmn-latn-pinyin`` voice.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from pypinyin import Style, lazy_pinyin

MAX_TEXT = 200
SPEED = 140
DIGITS = ("ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")
_HAN = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"[A-Za-z]+|\d+|[\u3400-\u9fff]+|[，。！？；：,.!?;:]")
_PAUSE = set("，。！？；：,.!?;:")


class VoiceUnavailable(RuntimeError):
    """espeak-ng is missing or failed to synthesise."""


def call_text(number: str, counter_number: int, lang: str = "zh", *, short: bool = False) -> str:
    """The spoken call; ``short`` when more calls wait behind it (a burst: the board shows them all)."""
    if lang == "en":
        return (
            f"{number}, counter {counter_number}"
            if short
            else f"Number {number}, please go to counter {counter_number}"
        )
    return f"{number}号，{counter_number}号窗口" if short else f"请{number}号到{counter_number}号窗口办理"


def _number(n: int) -> list[str]:
    """Read 0..99 as a Chinese number (12 -> shi2 er4); larger values digit by digit."""
    if n < 10:
        return [DIGITS[n]]
    if n >= 100:
        return [DIGITS[int(d)] for d in str(n)]
    tens, ones = divmod(n, 10)
    out = ([] if tens == 1 else [DIGITS[tens]]) + ["shi2"]
    return out + ([DIGITS[ones]] if ones else [])


def speech_pinyin(text: str) -> str:
    """Numbered pinyin for ``espeak-ng -v cmn-latn-pinyin``; punctuation becomes a pause (a comma).

    Digits after a letter, with a leading zero or longer than two are a ticket number, read
    one by one (A001 -> A ling2 ling2 yi1); others are numbers (3 -> san1, 12 -> shi2 er4).
    Letters stay uppercase letters: the voice has Chinese-style letter names (A -> "ei" falling
    tone, B -> "bi", C -> "sei") covering every prefix, so we prefer them to syllables like "ei1".
    """
    words: list[str] = []
    after_letter = False
    for tok in _TOKEN.findall(text):
        if tok in _PAUSE:  # a pause between clauses: espeak-ng reads a comma as one
            if words and words[-1] != ",":
                words.append(",")
            after_letter = False
            continue
        if tok.isascii() and tok.isalpha():
            words.extend(tok.upper())
        elif tok.isdigit():
            if after_letter or tok[0] == "0" or len(tok) > 2:
                words.extend(DIGITS[int(d)] for d in tok)
            else:
                words.extend(_number(int(tok)))
        else:
            words.extend(lazy_pinyin(tok, style=Style.TONE3, neutral_tone_with_five=True))
        after_letter = tok.isascii() and tok.isalpha()
    return " ".join(words).replace(" ,", ",").rstrip(",")


class Voice:
    """Thread-safe espeak-ng synthesiser with a bounded in-memory LRU (and optional disk) cache."""

    def __init__(self, cache_dir: Path | None = None, max_cache: int = 256, executable: str = "espeak-ng") -> None:
        self.cache_dir = cache_dir
        self.max_cache = max_cache
        self.executable = executable
        self.generated = 0  # number of espeak-ng runs (cache misses)
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def available(self) -> bool:
        return shutil.which(self.executable) is not None

    def wav(self, text: str) -> bytes:
        """WAV bytes for ``text``: Chinese via numbered pinyin, Hanzi-free text with the English voice."""
        if len(text) > MAX_TEXT:
            raise ValueError(f"text longer than {MAX_TEXT} characters")
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        voice, spoken = ("cmn-latn-pinyin", speech_pinyin(text)) if _HAN.search(text) else ("en", text)
        path = None
        if self.cache_dir is not None:
            path = self.cache_dir / (hashlib.sha256(f"{voice}|{SPEED}|{spoken}".encode()).hexdigest() + ".wav")
        data = path.read_bytes() if path is not None and path.is_file() else self._synth(voice, spoken, path)
        with self._lock:
            self._cache[text] = data
            self._cache.move_to_end(text)
            while len(self._cache) > self.max_cache:
                self._cache.popitem(last=False)
        return data

    def _synth(self, voice: str, spoken: str, path: Path | None) -> bytes:
        exe = shutil.which(self.executable)
        if exe is None:
            raise VoiceUnavailable(f"{self.executable} not found")
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=path.parent if path is not None else None)
        os.close(fd)
        try:
            args = [exe, "-v", voice, "-s", str(SPEED), "-w", tmp, "--", spoken]
            subprocess.run(args, check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=10)
            data = Path(tmp).read_bytes()
            if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
                raise VoiceUnavailable(f"{self.executable} produced no WAV")
            if path is not None:
                os.replace(tmp, path)
        except (OSError, subprocess.SubprocessError) as exc:
            raise VoiceUnavailable(f"{self.executable} failed: {exc}") from exc
        finally:
            Path(tmp).unlink(missing_ok=True)
        with self._lock:
            self.generated += 1
        return data
