"""Kiosk guidance: each sentence the voice speaks is a catalog entry in both languages, names only
buttons the kiosk page really has (with their labels as shown), and the endpoint speaks that text."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from web.i18n import catalog
from web.pages import guide


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sentence_names_the_buttons_as_the_screen_labels_them(client: TestClient, lang: str) -> None:
    pages = client.get(f"/kiosk/registry-k1?lang={lang}").text + client.get(f"/kiosk/youyi-k1?lang={lang}").text
    labels = set(re.findall(r"<button[^>]*>\s*(?:<span[^>]*>)?([^<]+?)\s*<", pages))
    t = catalog(lang)
    for key, g in guide.GUIDE.items():
        sentence = guide.text(key, lang)
        assert "%(" not in sentence, key
        if lang == "zh":
            assert re.search(r"[\u4e00-\u9fff]", sentence), f"{key} has no Chinese translation"
        for label in g.buttons.values():
            shown = t.gettext(label)
            assert shown in labels, f"{key}: the voice names “{shown}”, no button of the page says it"
            assert f"“{shown}”" in sentence or f"\u201c{shown}\u201d" in sentence


def test_the_idle_question_says_the_buttons_label() -> None:
    """The defect: the voice said 请按延长时间 for a button labelled 再等一会."""
    assert "再等一会" in guide.text("timeout", "zh") and "延长时间" not in guide.text("timeout", "zh")
    assert "More time" in guide.text("timeout", "en")


def test_each_state_has_its_own_sentence() -> None:
    assert "请取走号票" in guide.text("result_printed")
    for key in ("result_fallback", "result_shown", "result_printing"):
        assert "取走" not in guide.text(key), key  # nothing printed (yet): do not send them to the slot
    assert "读卡器上" in guide.text("details") and "读卡器上" not in guide.text("details_typing")
    assert guide.text("result_printed", number="A001") == "您的号码是A001号。请取走号票，留意大厅屏幕和叫号广播。"
    assert guide.text("result_printed", "en", "A001").startswith("Your number is A001. Please take")
    for key, number in [("result_printed", "A001; rm -rf"), ("result_printed", "hello"), ("services", "A001")]:
        with pytest.raises(ValueError):
            guide.text(key, number=number)
    with pytest.raises(KeyError):
        guide.text("anything else")


def test_the_page_gets_the_same_sentences(client: TestClient) -> None:
    for lang in ("zh", "en"):
        html = client.get(f"/kiosk/youyi-k1?lang={lang}").text
        found = re.search(r'<script type="application/json" id="guide-strings">(.*?)</script>', html, re.S)
        assert found is not None
        shown = json.loads(found.group(1))
        assert {k: shown[k] for k in guide.GUIDE} == {k: guide.text(k, lang) for k in guide.GUIDE}


def test_the_endpoint_knows_every_key(client: TestClient) -> None:
    for key in guide.GUIDE:
        r = client.get(f"/api/v1/voice/guide/{key}.wav?number=A001")
        assert r.status_code in ((200, 503) if key in guide.NUMBERED else (422,)), (key, r.status_code)
    assert client.get("/api/v1/voice/guide/result.wav").status_code == 404  # the old single key is gone
