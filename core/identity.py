"""Resident identity numbers (GB 11643): validation, age, masking, keyed hashing."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import unicodedata

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.errors import ImpossibleBirthDate, InvalidIdNumber, InvalidName

_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$", re.ASCII)
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# Characters no name is made of: controls, format characters (zero-width, bidi overrides), private
# use, surrogates, unassigned, line and paragraph separators.
_NOT_IN_NAMES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def digits(raw: str) -> str:
    """One spelling of what a person typed: NFKC (fullwidth ０-９ and Ｘ become ASCII), every other
    decimal digit of any script as its ASCII digit, spaces dropped at the ends, upper case. Used for
    ID numbers and phones before anything else, so one person is one identity however they typed."""
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None
                   else c for c in text)  # fmt: skip


def normalize(raw: str, today: dt.date | None = None) -> str:
    """Validate an ID number and return its one spelling (see ``digits``).

    :raises InvalidIdNumber: for a wrong shape or a bad check digit.
    :raises ImpossibleBirthDate: a birth date that is not a date, before 1900 or after ``today``.
    """
    number = digits(raw)
    if not _SHAPE.match(number):
        raise InvalidIdNumber("身份证号码应为18位数字 / an ID number has 18 digits (the last may be X)")
    try:
        born = birth_date(number)
    except ValueError:
        raise ImpossibleBirthDate("身份证号码中的出生日期无效 / the birth date in the ID number is invalid") from None
    if not EARLIEST_BIRTH <= born <= (today or dt.date.today()):
        raise ImpossibleBirthDate("身份证号码中的出生日期不可能 / the birth date in the ID number is impossible")
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        raise InvalidIdNumber("身份证号码校验位错误 / the ID number's check digit is wrong")
    return number


def clean_name(raw: str, limit: int = 50) -> str:
    """A person's name as typed, NFC, trimmed; refused when it holds an invisible or control
    character (zero-width, bidi override...) or no letter at all.

    :raises InvalidName: with what is wrong.
    """
    name = unicodedata.normalize("NFC", raw).strip()
    if not 1 <= len(name) <= limit:
        raise InvalidName(f"姓名应为1-{limit}个字 / a name has 1 to {limit} characters")
    if any(unicodedata.category(c) in _NOT_IN_NAMES for c in name) or not any(c.isalpha() for c in name):
        raise InvalidName("姓名含有不可见或控制字符 / the name holds invisible or control characters")
    return name


def birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def age_on(number: str, day: dt.date) -> int:
    born = birth_date(number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_male(number: str) -> bool:
    """GB 11643: the 17th character (order code) is odd for men, even for women."""
    return int(number[16]) % 2 == 1


def turns(number: str, years: int) -> dt.date:
    """The day the holder reaches ``years`` full years (a 29 February birthday: 1 March),
    the first day on which ``age_on`` says ``years``."""
    born = birth_date(number)
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return dt.date(born.year + years, 3, 1)


def mask(number: str) -> str:
    """Only the last four characters stay visible: ``**************123X``."""
    return "*" * (len(number) - 4) + number[-4:]


def keyed_hash(secret: bytes, number: str) -> str:
    """HMAC-SHA256 of the number: lets us match a person without storing the number."""
    return hmac.new(secret, number.encode(), hashlib.sha256).hexdigest()


def _aead(secret: bytes) -> AESGCM:
    return AESGCM(hmac.new(secret, b"hall:seal:v1", hashlib.sha256).digest())


def seal(secret: bytes, text: str) -> str:
    """Encrypt a name or phone for storage (AES-GCM under a key derived from the server secret):
    the database file alone does not reveal them."""
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + _aead(secret).encrypt(nonce, text.encode(), None)).decode()


def unseal(secret: bytes, token: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode())
    return _aead(secret).decrypt(raw[:12], raw[12:], None).decode()
