from __future__ import annotations

import datetime as dt

import pytest

from core import identity
from core.errors import InvalidIdNumber


@pytest.mark.parametrize("number", ["110105199003071239", "31011519850612107X", "31011519850612107x"])
def test_valid_numbers(number: str) -> None:
    assert identity.normalize(number) == number.upper()


@pytest.mark.parametrize(
    "number",
    ["110105199003071230", "11010519900307123", "1101051990030712399", "110105199013071233", "ABCDEFGHIJKLMNOPQR", ""],
)
def test_invalid_numbers(number: str) -> None:
    with pytest.raises(InvalidIdNumber):
        identity.normalize(number)


def test_age_mask_and_hash() -> None:
    n = "110105199003071239"
    assert identity.age_on(n, dt.date(2026, 3, 6)) == 35
    assert identity.age_on(n, dt.date(2026, 3, 7)) == 36
    assert identity.mask(n) == "**************1239"
    assert identity.keyed_hash(b"k", n) != identity.keyed_hash(b"other", n)
    assert n not in identity.keyed_hash(b"k", n)
