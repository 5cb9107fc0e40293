"""Links and staff pages that an outsider cannot bend (SPEC 8): ticket links and QR codes come
from the configured public address, not from the Host header; a staff page shows no text from its
own link."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import Hall
from tests.supervision.test_pages import sign_in


def test_a_forged_host_header_does_not_reach_ticket_links(
    client: TestClient, hall: Hall, kiosk: dict[str, str]
) -> None:
    evil = {**kiosk, "Host": "evil.example"}
    r = client.post("/api/v1/sites/youyi/tickets", json={"service": "general"}, headers=evil)
    assert r.status_code == 201
    ticket = r.json()
    assert ticket["track_url"] == f"http://testserver/t/{ticket['id']}"
    page = client.get(f"/t/{ticket['id']}", headers={"Host": "evil.example"}).text
    assert "evil.example" not in page
    assert client.get("/qr.svg", params={"data": "http://evil.example/t/abc"}, headers={"Host": "evil.example"}
                      ).status_code == 400  # fmt: skip


def test_a_staff_page_shows_no_text_from_its_link(client: TestClient) -> None:
    assert sign_in(client, "sue", "supervisor").status_code == 303
    line = "您的账号已过期，请致电 400-000-0000 重新验证"
    r = client.get("/admin/followups", params={"site": "youyi", "error": line})
    assert r.status_code == 200 and line not in r.text
