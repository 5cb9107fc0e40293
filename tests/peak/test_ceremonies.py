"""Ceremony sessions as couples and the registry's supervisor meet them (2026-05-20, from config.toml)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import Hall
from tests.peak.people import body, couple

DAY = "2026-05-20"


def book(client: TestClient, i: int, hhmm: str = "10:00", **extra: object) -> object:
    return client.post("/api/v1/appointments", json={"site": "registry", "service": "marriage",
                       "start": f"{DAY}T{hhmm}:00+08:00", "applicants": body(*couple(i)), **extra})  # fmt: skip


def sessions(client: TestClient) -> dict[str, dict[str, object]]:
    r = client.get(f"/api/v1/sites/registry/ceremonies?date={DAY}")
    assert r.status_code == 200, r.text
    return {s["id"]: s for s in r.json()["sessions"]}


def test_book_with_a_ceremony_join_later_and_cancel_frees(client: TestClient) -> None:
    assert sessions(client)["morning"]["remaining"] == 10 and sessions(client)["morning"]["theme"] == "520 · 执子之手"
    r = book(client, 0, ceremony="morning")
    assert r.status_code == 201 and r.json()["ceremony"]["id"] == "morning", r.text  # type: ignore[attr-defined]
    assert sessions(client)["morning"]["joined"] == 1
    # later, with the code and a verification; moving to the afternoon frees the morning place
    r2 = book(client, 1)
    code, verify = r2.json()["code"], couple(1)[1].id_number[-4:]  # type: ignore[attr-defined]
    r = client.post(f"/api/v1/appointments/{code}/ceremony", json={"verify": verify, "session": "afternoon"})
    assert r.status_code == 200 and r.json()["ceremony"]["start"] == f"{DAY}T14:30:00+08:00", r.text
    wrong = client.post(f"/api/v1/appointments/{code}/ceremony", json={"verify": "0000", "session": "morning"})
    assert wrong.status_code == 404
    assert client.post(f"/api/v1/appointments/{code}/cancel", json={"verify": verify}).status_code == 200
    assert sessions(client)["afternoon"]["joined"] == 0  # the cancelled registration freed its place
    again = client.post(f"/api/v1/appointments/{code}/ceremony", json={"verify": verify, "session": "morning"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "ceremony_refused"


def test_a_full_session_leaves_no_booking_and_only_marriages_join(client: TestClient) -> None:
    h = Hall(client)
    sup = {"Authorization": f"Bearer {h.user('reg-sup', 'supervisor', 'registry')}"}
    edit = {"date": DAY, "id": "morning", "time": "10:00", "hall": "玫瑰厅", "theme": "520 · 执子之手", "capacity": 1}
    r = client.post("/api/v1/sites/registry/ceremonies", json=edit, headers=sup)
    assert r.status_code == 200 and r.json()[0]["capacity"] == 1, r.text
    assert book(client, 0, ceremony="morning").status_code == 201  # type: ignore[attr-defined]
    slots = client.get(f"/api/v1/sites/registry/services/marriage/slots?date={DAY}").json()
    r = book(client, 1, "10:30", ceremony="morning")
    assert r.status_code == 409 and r.json()["error"]["code"] == "ceremony_full", r.text  # type: ignore[attr-defined]
    assert r.json()["error"]["others"] == ["afternoon"]  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/sites/registry/services/marriage/slots?date={DAY}").json() == slots  # no booking
    url = "/api/v1/sites/registry/ceremonies"
    assert client.post(url, json={**edit, "capacity": 0}, headers=sup).status_code == 422  # one couple is in it
    assert client.post(url, json={**edit, "time": "25:00"}, headers=sup).status_code == 422
    clerk = {"Authorization": f"Bearer {h.user('reg-clerk', 'clerk', 'registry')}"}
    assert client.post("/api/v1/sites/registry/ceremonies", json=edit, headers=clerk).status_code == 403
    # another service that day cannot join
    him, _ = couple(5)
    reissue = {"site": "registry", "service": "reissue", "start": f"{DAY}T10:00:00+08:00", "applicants": body(him)}
    r = client.post("/api/v1/appointments", json={**reissue, "ceremony": "afternoon"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "ceremony_refused", r.text
    # a day without ceremonies
    r = book(client, 6, ceremony="morning")
    none = client.get("/api/v1/sites/registry/ceremonies?date=2026-05-18").json()
    assert none["sessions"] == [] and r.status_code in (201, 409)
