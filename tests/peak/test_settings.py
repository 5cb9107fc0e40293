"""Peak days in config.toml: each special date said once, its ceremonies and ballot under it; a
date given twice for a site stops the start with both places named."""

from __future__ import annotations

import collections

import pytest

from core.config import parse
from core.errors import ConfigError
from tests.conftest import ROOT

DEMO = (ROOT / "config.toml").read_text(encoding="utf-8")
AGAIN = """
[[special_dates]]
date = "2026-05-20"
name = "又一个520"
sites = ["registry"]
open = "09:00"
close = "12:00"
capacity = 3
"""


def test_the_demo_says_each_special_date_once_with_its_ceremonies_and_ballot() -> None:
    cfg = parse(DEMO)
    said = collections.Counter((site, sd.date) for sd in cfg.special_dates for site in sd.sites)
    assert said and max(said.values()) == 1, said
    day = cfg.peak.day("registry", "2027-05-20")
    assert day is not None and day.ballot is not None and day.ballot.id == "520-2027"
    assert [s.id for s in day.ceremonies] == ["morning", "noon", "afternoon"]
    special = cfg.special_date("registry", "2027-05-20")
    assert special is not None and special.capacity == 25 and special.ballot == day.ballot
    assert cfg.peak.ballot("520-2027") == (day, day.ballot)
    assert cfg.peak.day("registry", "2027-02-14") is None  # a special date without ceremonies or ballot


def test_a_date_given_twice_is_refused_with_both_places() -> None:
    with pytest.raises(ConfigError) as e:
        parse(DEMO + AGAIN)
    n = DEMO.count("[[special_dates]]")
    assert str(e.value).startswith(f"$.special_dates[{n}]: 2026-05-20 at registry is given twice")
    assert "(also at $.special_dates[0])" in str(e.value)


def test_peak_days_apart_from_their_date_and_a_ballot_of_two_sites_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"^\$\.peak\.days: give ceremonies and ballots under"):
        parse(DEMO + '\n[[peak.days]]\ndate = "2027-02-14"\nsite = "registry"\n')
    two = DEMO.replace(
        'sites = ["registry"]\nopen = "09:00"\nclose = "17:00"\ncapacity = 25',
        'sites = ["registry", "youyi"]\nopen = "09:00"\nclose = "17:00"\ncapacity = 25',
    )
    assert two != DEMO
    with pytest.raises(ConfigError, match=r"\.ballot: a ballot is for one site"):
        parse(two)
