"""Service guides show which documents an electronic licence replaces (SPEC 6c): kiosk screens, the
printed guide, the booking page, the counter's catalogue."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from core.config import Config
from core.devices import guide_slip
from core.matters.catalogue import MARK, marked
from tests.conftest import WEDNESDAY


def test_the_guide_marks_what_an_e_licence_replaces(config: Config) -> None:
    docs = marked(config, "general", "居住证申领", ["居民身份证原件", "就业或就读证明材料"])
    assert docs == ["居民身份证原件" + MARK, "就业或就读证明材料"]
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
