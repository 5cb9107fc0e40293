"""The registry's document lists (婚姻登记条例 as revised in 2025, docs/registry-documents.md),
Chinese names in fullwidth brackets, and the booking site in English."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from core.config import Config

REGISTRY = ("marriage", "divorce-apply", "divorce-issue", "reissue", "counselling")
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][^()]*[()]|[()][^()]*[\u4e00-\u9fff]")


def chinese_names(config: Config) -> list[str]:
    names = [config.district]
    for site in config.sites:
        names += [site.name, site.address]
    for s in config.services:
        names.append(s.name)
        for m in s.guide:
            names += [m.name, *m.documents]
    return names + [d.name for d in config.special_dates]


def test_chinese_names_use_fullwidth_brackets(config: Config) -> None:
    assert [n for n in chinese_names(config) if HALF_WIDTH_IN_CHINESE.search(n)] == []
    assert config.service("divorce-issue").name == "离婚登记（发证）"  # type: ignore[union-attr]


@pytest.mark.parametrize("service", REGISTRY)
def test_registry_guides_follow_the_2025_regulation(config: Config, service: str) -> None:
    """Since 10 May 2025 marriage, divorce and reissue need the ID card, not the 户口簿."""
    guide = config.service(service).guide  # type: ignore[union-attr]
    assert guide
    for m in guide:
        assert not any("户口" in d for d in m.documents), m.name
        assert any("居民身份证" in d for d in m.documents), m.name
        assert len(m.documents_en) == len(m.documents), m.name  # every document in English too


def test_marriage_and_divorce_lists(config: Config) -> None:
    marriage = config.service("marriage").guide[0].documents  # type: ignore[union-attr]
    assert any("签字声明" in d for d in marriage)  # 无配偶及无禁止结婚的亲属关系
    apply = config.service("divorce-apply").guide[0].documents  # type: ignore[union-attr]
    assert any("结婚证" in d for d in apply) and any("离婚协议" in d for d in apply)


def test_the_booking_site_in_english_shows_english_labels(client: TestClient) -> None:
    home = client.get("/book?lang=en").text
    assert "Baoshan District Marriage Registration Office" in home and "Marriage registration" in home
    assert "宝山区婚姻登记管理所" not in home and "结婚登记" not in home
    service = client.get("/book/registry/marriage?lang=en").text
    assert "Each party&#39;s own resident ID card (original)" in service
    assert "双方本人的居民身份证原件" not in service and "内地居民结婚登记" not in service
    days = client.get("/book/registry/marriage/days.json?lang=en").json()
    assert next(d for d in days if d["date"] == "2026-05-20")["special_en"] == "520 (I love you)"
