"""The demo district config loads and is coherent; bad configs fail with the path of the bad field."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Config, load, parse
from core.errors import ConfigError

DEMO = Path(__file__).resolve().parents[2] / "config.toml"
REGISTRY = {"marriage", "divorce-apply", "divorce-issue", "reissue", "counselling"}

# A minimal valid config; each bad case below is one string replacement in it.
MINIMAL = """
district = "测试区"

[[services]]
id = "general"
prefix = "A"
name = "综合受理"
name_en = "General acceptance"

[[services]]
id = "consult"
prefix = "E"
name = "咨询"
name_en = "Enquiries"

[[sites]]
id = "hall"
name = "测试中心"
kind = "community"
services = ["general"]
counters = [{id = "hall-1", number = 1, services = ["general"]}]

[sites.hours]
weekday = {open = "08:30", close = "16:30"}
"""


@pytest.fixture(scope="module")
def demo() -> Config:
    return load(DEMO)


def test_demo_sites(demo: Config) -> None:
    kinds = [s.kind for s in demo.sites]
    assert kinds.count("community") == 16
    assert kinds.count("marriage") == 1
    assert demo.sites[0].id == "youyi"
    assert demo.district == "上海市宝山区"


def test_demo_counters_match_offered_services(demo: Config) -> None:
    for site in demo.sites:
        served = {sid for c in site.counters for sid in c.services}
        assert served <= set(site.services), site.id
        assert set(site.services) <= served, site.id
        assert site.kiosks and site.displays, site.id
        for svc_id in site.services:
            svc = demo.service(svc_id)
            assert svc is not None
            assert (svc_id in REGISTRY) == (site.kind == "marriage"), (site.id, svc_id)


def test_demo_prefixes_unique(demo: Config) -> None:
    prefixes = [s.prefix for s in demo.services]
    assert len(prefixes) == len(set(prefixes)) == 10
    assert all(len(p) == 1 and p.isupper() for p in prefixes)


def test_demo_lookups(demo: Config) -> None:
    assert demo.device("youyi-k1") is not None
    assert demo.device("youyi-k1")[1] == "kiosk"
    site, counter = demo.counter("registry-3")
    assert site.kind == "marriage" and counter.number == 3
    marriage = demo.service("marriage")
    assert marriage.parties == 2 and not marriage.walk_in and marriage.real_name
    assert all(m.documents for s in demo.services for m in s.guide)


def test_minimal_is_valid() -> None:
    cfg = parse(MINIMAL)
    assert cfg.site("hall").hours.weekend.close == "11:30"


BAD = [
    ("number = 1,", 'number = "1",', "$.sites[0].counters[0].number"),
    ('kind = "community"', 'kind = "community"\ncolour = "red"', "unknown field `colour` - at `$.sites[0]`"),
    ('kind = "community"', 'kind = "hall"', "$.sites[0].kind"),
    ('services = ["general"]}', 'services = ["general", "consult"]}', "$.sites[0].counters[0].services[1]"),
    ('services = ["general"]}', 'services = ["nope"]}', "$.sites[0].counters[0].services[0]"),
    ('services = ["general"]\n', 'services = ["general", "nope"]\n', "$.sites[0].services[1]"),
    ('prefix = "E"', 'prefix = "A"', "$.services[1].prefix"),
    ('prefix = "E"', 'prefix = "e"', "$.services[1].prefix"),
    ('id = "consult"', 'id = "general"', "duplicate id 'general' at $.services[1]"),
    ('close = "16:30"', 'close = "16:60"', "$.sites[0].hours.weekday.close"),
    ('open = "08:30"', 'open = "8:30"', "$.sites[0].hours.weekday.open"),
    ('close = "16:30"}', 'close = "16:30"}\nholidays = ["2026-02-30"]', "$.sites[0].hours.holidays[0]"),
    ('district = "测试区"', 'district = "测试区', "not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "path"), BAD)
def test_bad_config_names_the_field(old: str, new: str, path: str) -> None:
    assert MINIMAL.count(old) == 1
    with pytest.raises(ConfigError) as err:
        parse(MINIMAL.replace(old, new))
    assert path in str(err.value)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load(tmp_path / "missing.toml")
