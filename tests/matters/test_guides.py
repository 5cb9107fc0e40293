"""Service guides show which documents an electronic licence replaces (SPEC 6c): kiosk screens, the
printed guide, the booking page, the counter's catalogue."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from starlette.testclient import TestClient

from core.config import Config
from core.devices import guide_slip
from core.errors import ConfigError
from core.matters import catalogue
from core.matters.catalogue import MARK, MARK_EN, marked
from tests.conftest import WEDNESDAY


def test_the_guide_marks_what_an_e_licence_replaces(config: Config) -> None:
    words = ["居民身份证原件", "房屋租赁合同登记备案证明或房屋产权证明", "就业或就读证明材料", "居住证照片回执"]
    docs = marked(config, "general", "居住证申领", words)
    assert docs == [words[0] + MARK, words[1] + MARK, words[2], words[3]]
    assert marked(config, "social", "居住证申领", ["居民身份证原件"]) == ["居民身份证原件"]  # another service's item
    slip = guide_slip(config, WEDNESDAY, "youyi", "general", "居住证申领")
    assert slip["matters"][0]["documents"][0].endswith(MARK) and not slip["matters"][0]["documents"][2].endswith(MARK)


def test_kiosk_and_counter_show_the_marks(client: TestClient) -> None:
    page = client.get("/kiosk/youyi-k1").text  # the guides go to the page as JSON (non-ASCII escaped)
    assert json.dumps("居民身份证原件" + MARK)[1:-1] in page
    items = client.get("/api/v1/matters/catalogue?service=general").json()
    permit = next(i for i in items if i["id"] == "residence-permit")
    assert [d["elicence"] for d in permit["documents"]] == [True, True, False, False]
    assert len(client.get("/api/v1/matters/catalogue").json()) == 20


def _with_guide(config: Config, **change: Any) -> Config:
    """The config with the general service's 居住证申领 guide entry changed."""
    services = []
    for s in config.services:
        if s.id == "general":
            guide = [msgspec.structs.replace(g, **change) if g.name == "居住证申领" else g for g in s.guide]
            s = msgspec.structs.replace(s, guide=guide)
        services.append(s)
    return msgspec.structs.replace(config, services=services)


def test_the_marks_follow_the_item_named_by_id_not_the_words(config: Config) -> None:
    words = ["身份证", "租房备案或产证", "工作或读书证明", "照片回执"]  # a guide worded otherwise than the catalogue
    reworded = _with_guide(config, documents=words)
    assert marked(reworded, "general", "居住证申领", words) == ["身份证" + MARK, "租房备案或产证" + MARK, *words[2:]]
    unlinked = _with_guide(config, item="")  # same name and words as the item, but no item named: no mark
    docs = next(g for g in unlinked.service("general").guide if g.name == "居住证申领").documents
    assert marked(unlinked, "general", "居住证申领", docs) == docs
    with pytest.raises(ConfigError, match=r"\$\.services\[0\]\.guide\[0\]\.item: no matter 'ss-card-replacement'"):
        catalogue.checked(_with_guide(config, item="ss-card-replacement"))  # another service's item
    with pytest.raises(ConfigError, match=r"guide\[0\]\.documents: list the 4 documents"):
        catalogue.checked(_with_guide(config, documents=words[:3]))


def test_the_english_kiosk_marks_the_english_documents(client: TestClient) -> None:
    page = client.get("/kiosk/youyi-k1?lang=en").text
    assert json.dumps("Resident ID card (original)" + MARK_EN)[1:-1] in page
    assert json.dumps("Proof of employment or study")[1:-1] in page
    assert json.dumps("Proof of employment or study" + MARK_EN)[1:-1] not in page
