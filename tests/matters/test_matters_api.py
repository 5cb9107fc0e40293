"""Matters over HTTP, as the issue's story goes: accepted at 友谊路 for a resident of 吴淞, handed off,
started, made ready, collected at 吴淞 with a 出证领证 ticket the clerk sees is for it, delivered, rated;
the on-time figure in both centers' statistics; returned for missing documents and reopened."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from core.days.clock import ManualClock
from core.store.secret import data_dir
from tests.conftest import Hall

RESIDENT = "31011519850612107X"  # a synthetic valid number (GB 11643)


def serve(hall: Hall, counter: str, service: str, site: str, kiosk: dict[str, str], **extra: Any) -> dict[str, str]:
    """A clerk at ``counter`` calls the next ticket (a fresh one of ``service``) and starts it."""
    clerk = hall.clerk_at(counter, site=site)
    hall.take(service, kiosk, site=site, **extra)
    assert hall.act(counter, "call-next", clerk).json()["ticket"] is not None
    assert hall.act(counter, "start", clerk).status_code == 200
    return clerk


def accept(client: TestClient, clerk: dict[str, str], counter: str = "youyi-1", **body: Any) -> Any:
    return client.post(f"/api/v1/counters/{counter}/matters", json=body, headers=clerk)


def test_accepted_here_processed_at_home_followed_collected_and_rated(
    client: TestClient, hall: Hall, kiosk: dict[str, str], clock: ManualClock
) -> None:
    clerk = serve(hall, "youyi-1", "general", "youyi", kiosk, id_number=RESIDENT)
    r = accept(client, clerk, item="residence-permit", paper=[2, 3], licence=[0, 1], home_site="wusong",
               phone="13800138000")  # fmt: skip
    assert r.status_code == 201, r.text
    m = r.json()
    code = m["code"]
    assert m["status"] == "accepted" and m["processing_site"] == "wusong" and m["accepted_site"] == "youyi"
    assert m["due"] == "2026-06-03"  # 15 working days after Wednesday 13 May 2026
    assert m["id_masked"].endswith("107X") and RESIDENT not in r.text

    wusong = {"Authorization": f"Bearer {hall.user('wu-sup', 'supervisor', 'wusong')}"}
    start = client.post(f"/api/v1/matters/{code}/start", headers=wusong)
    assert start.status_code == 409 and start.json()["error"]["code"] == "invalid_transition"  # not handed off yet
    assert client.post(f"/api/v1/matters/{code}/hand-off", headers=wusong).status_code == 409  # youyi's to hand off
    assert client.post(f"/api/v1/matters/{code}/hand-off", headers=clerk).json()["status"] == "handed_off"
    board = client.get("/api/v1/sites/wusong/matters/board", headers=wusong).json()
    assert [x["code"] for x in board["incoming"]] == [code]
    assert client.post(f"/api/v1/matters/{code}/ready", headers=wusong).status_code == 409  # start first
    assert client.post(f"/api/v1/matters/{code}/start", headers=wusong).json()["status"] == "in_progress"
    assert client.post(f"/api/v1/matters/{code}/start", headers=clerk).status_code == 409  # youyi has let go
    clock.advance(days=6)  # tokens last 12 hours: sign in again
    wusong = {"Authorization": f"Bearer {hall.user('wu-sup', 'supervisor', 'wusong')}"}
    ready = client.post(f"/api/v1/matters/{code}/ready", headers=wusong).json()
    assert ready["status"] == "ready" and ready["on_time"] is True

    mine = client.get(f"/api/v1/matters/{code}?verify=107x")
    assert mine.status_code == 200, mine.text
    seen = mine.json()
    assert [s["status"] for s in seen["steps"]] == ["accepted", "handed_off", "in_progress", "ready"]
    assert [s["site"]["id"] for s in seen["steps"]] == ["youyi", "youyi", "wusong", "wusong"]
    assert "actor" not in seen["steps"][0] and "clerk" not in seen
    assert client.get(f"/api/v1/matters/{code}?verify=1234").status_code == 404
    assert client.get(f"/api/v1/matters/{code}").status_code == 401

    # at 吴淞 the resident takes a 出证领证 ticket with the ID card: the clerk sees it is for the matter
    wk = {"Authorization": f"Bearer {hall.device('wusong-k1')}"}
    collect = serve(hall, "wusong-6", "certificate", "wusong", wk, id_number=RESIDENT)
    here = client.get("/api/v1/counters/wusong-6/matters", headers=collect).json()
    assert here["ticket"]["service"] == "certificate" and [x["code"] for x in here["to_collect"]] == [code]
    page = client.get(f"/t/{here['ticket']['id']}").text  # the resident's ticket page names the matter too
    collect_line = page[page.index('id="t-collect"') :].split("</p>")[0]
    assert "居住证申领" in collect_line and code not in page and "107X" not in page
    assert client.post(f"/api/v1/matters/{code}/deliver", headers=collect).json()["status"] == "delivered"
    assert hall.act("wusong-6", "done", collect).status_code == 200
    ticket = here["ticket"]["id"]
    state = client.get(f"/api/v1/tickets/{ticket}/evaluation").json()
    assert [x["code"] for x in state["matters"]] == [code]  # 一事一评: the rating names the matter
    assert client.post(f"/api/v1/tickets/{ticket}/evaluation", json={"grade": 5}).json()["matters"] == [code]
    again = client.post(f"/api/v1/matters/{code}/evaluation", json={"verify": "107X", "grade": 2, "reason": "slow"})
    assert again.status_code == 201, again.text
    twice = client.post(f"/api/v1/matters/{code}/evaluation", json={"verify": "107X", "grade": 5})
    assert twice.json()["error"]["code"] == "already_evaluated"

    youyi_sup = {"Authorization": f"Bearer {hall.user('yy-sup', 'supervisor', 'youyi')}"}
    for site, who in (("wusong", wusong), ("youyi", youyi_sup)):
        s = client.get(f"/api/v1/sites/{site}/matters/stats?from=2026-05-13&to=2026-05-31", headers=who).json()
        assert s["finished"] == 1 and s["on_time"] == 1 and s["on_time_rate"] == 1.0, site
        assert s["rows"][0]["ratings"] == 2 and s["rows"][0]["mean_grade"] == 3.5
    csv = client.get("/api/v1/sites/youyi/matters/stats?from=2026-05-13&to=2026-05-31&format=csv", headers=youyi_sup)
    assert csv.text.startswith("\ufeffitem,") and "residence-permit" in csv.text
    board = client.get("/api/v1/sites/wusong/matters/board", headers=wusong)
    assert board.status_code == 200, board.text
    follow = board.json()["followups"]
    assert len(follow) == 1 and follow[0]["followup_due"] == "2026-05-26"  # 5 working days after 19 May
    done = client.post(f"/api/v1/matters/ratings/{follow[0]['id']}/followup", json={"result": "called back"},
                       headers=wusong)  # fmt: skip
    assert done.status_code == 200 and done.json()["followup"]["result"] == "called back"

    # the upper platform's records: in the outbox, no identity
    hall_ = client.app.state.hall  # type: ignore[attr-defined]
    from web.api.matters import upkeep

    client.portal.call(upkeep, hall_)  # type: ignore[union-attr]
    lines = (data_dir(hall_.store.path) / "platform-evaluations.jsonl").read_text().splitlines()
    records = [json.loads(x) for x in lines]
    assert [(x["code"], x["stage"], x["grade"]) for x in records] == [(code, "visit", 5), (code, "delivered", 2)]
    assert all(RESIDENT[-4:] not in x and "13800138000" not in x for x in lines)


def test_missing_documents_return_it_and_bringing_them_reopens(
    client: TestClient, hall: Hall, kiosk: dict[str, str], clock: ManualClock
) -> None:
    clerk = serve(hall, "youyi-1", "general", "youyi", kiosk)
    assert accept(client, clerk, item="birth-registration", paper=[0]).json()["error"]["field"] == "id_number"
    r = accept(client, clerk, item="birth-registration", paper=[0], id_number=RESIDENT)
    m = r.json()
    assert r.status_code == 201 and m["status"] == "returned" and m["due"] is None
    assert [d["index"] for d in m["missing"]] == [1, 2]
    code = m["code"]
    half = client.post(f"/api/v1/matters/{code}/reopen", json={"paper": [1]}, headers=clerk)
    assert half.status_code == 409 and half.json()["error"]["code"] == "documents_missing"
    clock.advance(days=1)
    clerk = {"Authorization": f"Bearer {hall.user('clerk-youyi-1')}"}  # tokens last 12 hours
    back = client.post(f"/api/v1/matters/{code}/reopen", json={"paper": [1], "licence": [2]}, headers=clerk).json()
    assert back["status"] == "accepted" and back["due"] == "2026-05-14"  # 即办: due the day the file is complete
    assert client.post(f"/api/v1/matters/{code}/reject", headers=clerk).status_code == 422  # a reason is needed
    assert (
        client.post(f"/api/v1/matters/{code}/reject", json={"note": "不符合条件"}, headers=clerk).json()["status"]
        == "rejected"
    )


def test_refusals(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    clerk = hall.clerk_at("youyi-1")
    none = accept(client, clerk, item="residence-permit")
    assert none.status_code == 409 and none.json()["error"]["code"] == "no_current_ticket"
    hall.take("general", kiosk, id_number=RESIDENT)
    hall.act("youyi-1", "call-next", clerk)
    assert accept(client, clerk, item="nope").json()["error"]["code"] == "unknown_item"
    assert accept(client, clerk, item="reissue-marriage").json()["error"]["code"] == "unknown_item"  # registry's
    assert accept(client, clerk, item="residence-permit").json()["error"]["field"] == "home_site"
    assert accept(client, clerk, item="residence-permit", home_site="registry").status_code == 422
    assert accept(client, clerk, item="birth-registration", paper=[9]).status_code == 422
    assert accept(client, clerk, item="birth-registration", licence=[9]).status_code == 422
    assert accept(client, clerk, item="ss-card-replacement", licence=[1]).status_code == 422  # no e-licence for photos
    assert accept(client, clerk, item="birth-registration", paper="x").status_code == 422
    assert accept(client, clerk, item="birth-registration", phone="123").json()["error"]["code"] == "invalid_phone"
    other = hall.clerk_at("youyi-2", "other-clerk")
    assert (
        accept(client, other, counter="youyi-1", item="birth-registration").json()["error"]["code"] == "not_signed_in"
    )
    ok = accept(client, clerk, item="birth-registration", paper=[0, 1, 2]).json()
    cat = {"Authorization": f"Bearer {hall.user('cat', site='zhangmiao')}"}
    assert client.get(f"/api/v1/matters/{ok['code']}", headers=cat).status_code == 404  # not its centers'
    assert client.post(f"/api/v1/matters/{ok['code']}/start", headers=cat).status_code == 404
    assert client.post(f"/api/v1/matters/{ok['code']}/fly", headers=clerk).status_code == 404
    assert client.get("/api/v1/sites/youyi/matters?status=bogus", headers=clerk).status_code == 422
    listed = client.get("/api/v1/sites/youyi/matters?status=accepted", headers=clerk).json()
    assert [x["code"] for x in listed] == [ok["code"]]


def test_a_document_is_on_paper_or_by_e_licence_not_both(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    clerk = serve(hall, "youyi-1", "general", "youyi", kiosk, id_number=RESIDENT)
    both = accept(client, clerk, item="residence-permit", paper=[0, 1, 2, 3], licence=[0], home_site="wusong")
    assert both.status_code == 422 and both.json()["error"]["field"] == "licence"
    assert client.get("/api/v1/sites/youyi/matters", headers=clerk).json() == []


def test_guessing_the_last_four_locks_the_code(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    clerk = serve(hall, "youyi-1", "general", "youyi", kiosk, id_number=RESIDENT)
    code = accept(client, clerk, item="birth-registration", paper=[0, 1, 2]).json()["code"]
    for guess in range(5):
        assert client.get(f"/api/v1/matters/{code}?verify={guess:04d}").status_code == 404
    locked = client.get(f"/api/v1/matters/{code}?verify=107X")
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "code_locked"
    message = locked.json()["error"]["message"]
    assert "办件编号" in message and "matter code" in message and "预约码" not in message, message
    assert int(locked.headers["Retry-After"]) > 60


def test_a_booking_names_the_applicants_ready_matter_there(client: TestClient, hall: Hall) -> None:
    """At the registry a 补领结婚证 is made ready; the resident's booking there names it in its look-up."""
    rk = {"Authorization": f"Bearer {hall.device('registry-k1')}"}
    clerk = serve(hall, "registry-1", "reissue", "registry", rk, id_number=RESIDENT)
    code = accept(client, clerk, counter="registry-1", item="reissue-marriage", paper=[0, 1]).json()["code"]
    for step in ("start", "ready"):
        assert client.post(f"/api/v1/matters/{code}/{step}", headers=clerk).json()["status"] != "accepted"
    person = {"name": "王五", "id_number": RESIDENT, "phone": "13800138000"}
    slot = {"site": "registry", "service": "reissue", "start": "2026-05-18T10:00:00+08:00", "applicants": [person]}
    booked = client.post("/api/v1/appointments", json=slot)
    assert booked.status_code == 201, booked.text
    looked = client.get(f"/api/v1/appointments/{booked.json()['code']}?verify=107X").json()
    assert looked["collect"] == [{"item_name": "补领结婚证", "item_name_en": looked["collect"][0]["item_name_en"]}]
    assert code not in json.dumps(looked)  # the item, not the matter's code
    assert client.post(f"/api/v1/matters/{code}/deliver", headers=clerk).status_code == 200
    assert client.get(f"/api/v1/appointments/{booked.json()['code']}?verify=107X").json()["collect"] == []
