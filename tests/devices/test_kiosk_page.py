"""The kiosk page as served: what it says does not depend on where things happen to be laid out."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_no_text_points_to_where_the_qr_code_is(client: TestClient) -> None:
    """The QR code is beside the number in landscape and below it in portrait: no 右侧 / 下方."""
    for lang in ("zh", "en"):
        html = client.get(f"/kiosk/youyi-k1?lang={lang}").text
        for word in ("右侧", "左侧", "下方二维码", "on the right", "below"):
            assert word not in html, word


def test_the_first_screen_offers_what_a_hall_kiosk_does(client: TestClient) -> None:
    html = client.get("/kiosk/registry-k1").text
    for element in ('id="checkin-start"', 'id="guide-start"', 'id="nearby-start"', 'id="elder-start"', 'id="help"'):
        assert element in html, element
    assert "请咨询工作人员" not in html  # the guide is on the screen, printer or not
