"""HTML pages through the test client: they render, switch language, and guard their forms."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

from core import accounts
from core.days.clock import ManualClock
from tests.conftest import PASSWORD, Hall, _hash

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ["/", "/kiosk/youyi-k1", "/display/youyi", "/counter", "/kiosk/registry-k1", "/display/registry"]


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no csrf field in the form"
    return m.group(1)


def sign_in(client: TestClient, name: str, role: str = "clerk", site: str | None = "youyi",
            next_url: str = "/counter") -> Any:  # fmt: skip
    client.app.state.hall.store.write_sync(accounts.add_user, name, role, site, _hash())  # type: ignore[attr-defined]
    form = client.get("/counter")
    return client.post("/counter/login", data={"csrf": csrf_of(form.text), "username": name, "password": PASSWORD,
                                               "next": next_url}, follow_redirects=False)  # fmt: skip


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_render_in_chinese_first(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in r.text
    if path.startswith("/display/"):
        # the hall TV has nothing to click: its language is set once, in its URL (?lang=en)
        assert 'class="lang-switch"' not in r.text
    else:
        assert "English" in r.text  # the switch


def test_language_switch_is_remembered(client: TestClient) -> None:
    # a personal screen (the home page, a phone) keeps the choice; the kiosk does not (next test)
    r = client.get("/?lang=en")
    assert '<html lang="en">' in r.text
    assert r.cookies.get("lang") == "en" or client.cookies.get("lang") == "en"
    assert '<html lang="en">' in client.get("/").text
    client.get("/?lang=zh")
    assert '<html lang="zh-CN">' in client.get("/").text


def test_kiosk_language_is_for_one_resident_only(client: TestClient) -> None:
    """A kiosk is shared: English for one resident must not become every later resident's kiosk."""
    r = client.get("/kiosk/youyi-k1?lang=en")
    assert '<html lang="en">' in r.text and "Please choose a service" in r.text
    assert "set-cookie" not in r.headers or "lang=" not in r.headers["set-cookie"]
    assert client.cookies.get("lang") is None
    client.cookies.set("lang", "en")  # a cookie from another page of the same browser
    r = client.get("/kiosk/youyi-k1")
    assert '<html lang="zh-CN">' in r.text and "请选择办理的业务" in r.text


def test_kiosk_shows_services_with_appointment_only_disabled(client: TestClient) -> None:
    html = client.get("/kiosk/youyi-k1").text
    assert 'data-service="general"' in html and "综合受理" in html
    html = client.get("/kiosk/registry-k1").text
    assert re.search(r'data-service="marriage"\s+disabled', html)
    assert "仅限预约" in html


def test_unknown_things_get_readable_404_pages(client: TestClient) -> None:
    for path, text in [("/kiosk/nope", "没有这台自助机"), ("/display/nope", "没有这个服务中心"),
                       ("/t/no-such-ticket", "没有这张号票"), ("/no/such/page", "找不到页面")]:  # fmt: skip
        r = client.get(path)
        assert r.status_code == 404, path
        assert text in r.text, path
    assert "no such ticket" in client.get("/t/nope?lang=en").text


def test_ticket_page_follows_a_ticket_without_identity(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    t = hall.take("general", kiosk, id_number="110105199003071239")
    assert t["track_url"].endswith(f"/t/{t['id']}")
    r = client.get(f"/t/{t['id']}")
    assert r.status_code == 200
    assert t["number"] in r.text and "综合受理" in r.text
    assert "1239" not in r.text  # the masked ID stays off the shareable page
    assert 'aria-live="polite"' in r.text


def test_qr_only_for_our_own_ticket_links(client: TestClient) -> None:
    ok = client.get("/qr.svg", params={"data": "http://testserver/t/abc123"})
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith("image/svg+xml")
    assert ok.text.lstrip().startswith("<svg")
    for data in ["https://evil.example/t/abc", "http://testserver/admin", "http://testserver/t/",
                 "http://testserver/t/" + "a" * 200, ""]:  # fmt: skip
        assert client.get("/qr.svg", params={"data": data}).status_code == 400, data


def test_login_refuses_a_form_without_the_csrf_token(client: TestClient) -> None:
    r = client.post("/counter/login", data={"username": "x", "password": "y"})
    assert r.status_code == 403
    client.get("/counter")  # makes the session's token
    r = client.post("/counter/login", data={"csrf": "forged", "username": "x", "password": "y"})
    assert r.status_code == 403


def test_wrong_password_stays_on_the_form_with_401(client: TestClient) -> None:
    client.app.state.hall.store.write_sync(accounts.add_user, "clerk9", "clerk", "youyi", _hash())  # type: ignore[attr-defined]
    form = client.get("/counter")
    r = client.post("/counter/login", data={"csrf": csrf_of(form.text), "username": "clerk9", "password": "wrong!"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.text
    assert 'name="username"' in r.text


def test_clerk_signs_in_chooses_a_counter_and_gets_an_api_token(client: TestClient) -> None:
    r = sign_in(client, "clerk1")
    assert r.status_code == 303 and r.headers["location"] == "/counter"
    choice = client.get("/counter")
    assert "/counter/youyi-1" in choice.text and "1号窗口" in choice.text
    page = client.get("/counter/youyi-1")
    assert page.status_code == 200
    token = re.search(r'<meta name="api-token" content="([^"]+)">', page.text)
    assert token
    auth = {"Authorization": f"Bearer {token.group(1)}"}
    assert client.post("/api/v1/counters/youyi-1/open", headers=auth).status_code == 200
    assert client.get("/counter/wusong-1").status_code == 403  # another center's counter


def test_logout_needs_csrf_and_revokes_the_token(client: TestClient) -> None:
    sign_in(client, "clerk2")
    page = client.get("/counter/youyi-1").text
    token = re.search(r'name="api-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.post("/counter/logout", data={"csrf": "nope"}).status_code == 403
    r = client.post("/counter/logout", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/counter/youyi-1", follow_redirects=False).status_code == 303
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/counters/youyi-1/open", headers=auth).status_code == 401


def test_next_is_kept_on_site(client: TestClient) -> None:
    r = sign_in(client, "clerk3", next_url="//evil.example/x")
    assert r.headers["location"] == "/counter"


def test_admin_is_for_supervisors(client: TestClient) -> None:
    r = client.get("/admin", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/counter?next=/admin"
    sign_in(client, "clerk4")
    assert client.get("/admin").status_code == 403
    client.cookies.clear()
    r = sign_in(client, "boss", role="supervisor", site="youyi", next_url="/admin")
    assert r.headers["location"] == "/admin"
    html = client.get("/admin").text
    assert "友谊路街道社区事务受理服务中心" in html and "吴淞" not in html
    assert "综合受理" in html


def test_admin_sees_every_site(client: TestClient) -> None:
    sign_in(client, "root", role="admin", site=None)
    html = client.get("/admin").text
    assert "吴淞街道社区事务受理服务中心" in html and "宝山区婚姻登记管理所" in html
    one = client.get("/admin?site=registry").text
    assert "结婚登记" in one and "吴淞街道社区事务受理服务中心</h2>" not in one


def test_pages_have_no_inline_script_or_handlers(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    t = hall.take("general", kiosk)
    sign_in(client, "clerk5")
    pages = [*PUBLIC, f"/t/{t['id']}", "/counter/youyi-1", "/nope"]
    for path in pages:
        html = client.get(path).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'type="application/json"' in tag or "src=" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), path


def test_every_message_has_a_chinese_translation() -> None:
    with (ROOT / "locale/zh_CN/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
    with (ROOT / "locale/messages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert template <= {m.id for m in catalog if m.id}


def test_kiosk_says_when_the_center_is_closed(client: TestClient, clock: ManualClock) -> None:
    clock.advance(hours=11)  # 20:30
    html = client.get("/kiosk/youyi-k1").text
    assert re.search(r'<section id="screen-closed" class="screen"\s+aria', html)
    assert re.search(r'<section id="screen-services" class="screen" hidden', html)
    assert "08:30–16:30" in html


def test_a_district_supervisor_chooses_a_site_first(client: TestClient) -> None:
    sign_in(client, "district", role="supervisor", site=None)
    html = client.get("/counter").text
    assert "/counter?site=wusong" in html and "/counter/youyi-1" not in html
    assert "/counter/wusong-3" in client.get("/counter?site=wusong").text


def test_a_revoked_token_signs_the_page_out(client: TestClient) -> None:
    sign_in(client, "clerk6")
    page = client.get("/counter/youyi-1").text
    token = re.search(r'name="api-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    r = client.get("/counter/youyi-1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/counter?next=/counter/youyi-1"
    assert 'name="password"' in client.get("/counter").text


def test_signing_in_comes_back_to_the_page_with_its_query(client: TestClient) -> None:
    r = client.get("/admin/hall?site=wusong&threshold=20", follow_redirects=False)
    assert r.status_code == 303
    next_url = parse_qs(urlsplit(r.headers["location"]).query)["next"][0]
    assert next_url == "/admin/hall?site=wusong&threshold=20"
    r = sign_in(client, "sue2", "supervisor", None, next_url=next_url)
    assert r.headers["location"] == "/admin/hall?site=wusong&threshold=20"
    assert client.get(r.headers["location"]).status_code == 200


def test_the_home_page_in_english_names_kiosks_in_english(client: TestClient) -> None:
    html = client.get("/?lang=en").text
    assert ">Kiosk 1" in html and "1号自助机" not in html
    assert "1号自助机" in client.get("/?lang=zh").text
