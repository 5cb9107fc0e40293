"""好差评: the rules (once, only when done, reasons for 1-2, never pre-filled), the pad's and the
phone's ways in, the alert to supervisors without personal data, and follow-ups."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from core import notify
from core.days.clock import ManualClock
from core.errors import InvalidInput, TicketNotFound
from core.model import Ticket
from core.queue import counters, tickets
from core.store.db import Store
from core.supervision import evaluation
from core.supervision.evaluation import AlreadyEvaluated, EvaluationNotFound, NotEvaluable
from tests.conftest import SECRET, Hall

TYPED = "窗口人员让我回家拿户口本 13800138000"  # what a resident might type: personal data


def served(store: Store, counter: str = "youyi-1", clerk: str = "ann") -> Ticket:
    t = store.write_sync(tickets.issue, "youyi", "general", source="kiosk", actor="youyi-k1").ticket
    store.write_sync(counters.open_counter, counter, clerk, "youyi")
    got = store.write_sync(counters.call_next, counter, clerk)
    assert got.ticket is not None and got.ticket.id == t.id
    return store.write_sync(counters.done, counter, clerk)


def last_events(store: Store, n: int = 1) -> list[Any]:
    def read(r: Any) -> list[Any]:
        return list(r.execute("SELECT type, actor, ticket, data FROM events ORDER BY seq DESC LIMIT ?", (n,)))

    return store.read_sync(read)


# -- the rules -----------------------------------------------------------------------------
def test_grades_and_reasons() -> None:
    assert evaluation.check(5) == evaluation.Rating(5, None, None)
    assert evaluation.check(3, comment="  fine   work ") == evaluation.Rating(3, None, "fine work")
    assert evaluation.check(2, "wait") == evaluation.Rating(2, "wait", None)
    assert evaluation.check(1, comment=TYPED) == evaluation.Rating(1, "other", TYPED)  # typed: reason "other"
    for bad in ((0,), (6,), (True,), (2,), (1, None, "   "), (2, "other"), (1, "rude"), (4, None, "x" * 301)):
        with pytest.raises(InvalidInput):
            evaluation.check(*bad)  # type: ignore[arg-type]
    labels = evaluation.labels()
    assert [(g["grade"], g["label"]) for g in labels["grades"]] == [
        (5, "非常满意"),
        (4, "满意"),
        (3, "基本满意"),
        (2, "不满意"),
        (1, "非常不满意"),
    ]
    assert "other" in [r["code"] for r in labels["reasons"]]


def test_only_done_tickets_once_and_in_time(store: Store, clock: ManualClock) -> None:
    waiting = store.write_sync(tickets.issue, "youyi", "elderly", source="kiosk", actor="k").ticket
    with pytest.raises(NotEvaluable):
        store.write_sync(evaluation.rate_ticket, waiting.id, evaluation.check(5))
    with pytest.raises(TicketNotFound):
        store.write_sync(evaluation.rate_ticket, "nope", evaluation.check(5))
    t = served(store)
    assert store.read_sync(evaluation.ticket_state, t.id)["evaluable"] is True
    out = store.write_sync(evaluation.rate_ticket, t.id, evaluation.check(4))
    assert out == {"number": t.number, "grade": 4, "label": "满意", "channel": "phone"}
    with pytest.raises(AlreadyEvaluated):
        store.write_sync(evaluation.rate_ticket, t.id, evaluation.check(1, "slow"))
    state = store.read_sync(evaluation.ticket_state, t.id)
    assert (state["evaluable"], state["evaluated"], state["grade"]) == (False, True, 4)
    late = served(store, "youyi-2", "bob")
    clock.advance(days=8)
    assert store.read_sync(evaluation.ticket_state, late.id)["evaluable"] is False
    with pytest.raises(NotEvaluable):
        store.write_sync(evaluation.rate_ticket, late.id, evaluation.check(5))


def test_the_pad_rates_only_what_was_just_finished_at_its_counter(store: Store, clock: ManualClock) -> None:
    t = served(store)
    pad = store.read_sync(evaluation.pad_state, "youyi-1")
    assert pad["pending"]["number"] == t.number and pad["counter"] == {"id": "youyi-1", "number": 1}
    assert store.read_sync(evaluation.pad_state, "youyi-2")["pending"] is None
    with pytest.raises(NotEvaluable):  # finished at counter 1, not 2
        store.write_sync(evaluation.rate_at_counter, "youyi-2", t.number, evaluation.check(5), device="youyi-d1")
    with pytest.raises(TicketNotFound):
        store.write_sync(evaluation.rate_at_counter, "youyi-1", "A999", evaluation.check(5), device="youyi-d1")
    clock.advance(minutes=evaluation.PAD_MINUTES + 1)
    assert store.read_sync(evaluation.pad_state, "youyi-1")["pending"] is None
    with pytest.raises(NotEvaluable):
        store.write_sync(evaluation.rate_at_counter, "youyi-1", t.number, evaluation.check(5), device="youyi-d1")
    # ...but the phone page still may
    assert store.write_sync(evaluation.rate_ticket, t.id, evaluation.check(5))["channel"] == "phone"


def test_a_bad_rating_alerts_without_personal_data(store: Store) -> None:
    t = served(store)
    store.write_sync(evaluation.rate_at_counter, "youyi-1", t.number, evaluation.check(1, comment=TYPED), device="d1")
    (event,) = last_events(store)
    assert event["type"] == "evaluation.bad" and event["actor"] == "d1" and event["ticket"] == t.id
    data = json.loads(event["data"])
    assert data == {"number": t.number, "service": "general", "counter": {"id": "youyi-1", "number": 1},
                    "grade": 1, "channel": "pad"}  # fmt: skip
    assert store.read_sync(evaluation.pad_state, "youyi-1")["pending"] is None  # rated
    messages = store.read_sync(notify.due)
    assert [m["kind"] for m in messages] == ["evaluation.bad"] and messages[0]["phone"] is None

    class Sink:
        def __init__(self) -> None:
            self.sent: list[tuple[str, str | None, str]] = []

        def send(self, kind: str, phone: str | None, text: str) -> None:
            self.sent.append((kind, phone, text))

    sink = Sink()
    notify.deliver(sink, messages, SECRET)
    ((kind, phone, text),) = sink.sent
    assert kind == "evaluation.bad" and phone is None
    assert text == f"【友谊路街道社区事务受理服务中心】1号窗口的{t.number}号收到差评（非常不满意），请及时跟进。"
    assert "13800138000" not in text
    # the reason and the typed words are kept for staff, with the clerk who finished the ticket
    ratings = store.read_sync(evaluation.bad_ratings, "youyi", 0, 2e9)
    assert [(x["number"], x["clerk"], x["reason"], x["comment"]) for x in ratings] == [
        (t.number, "ann", "other", TYPED)
    ]


def test_a_good_rating_is_recorded_publicly_without_words(store: Store) -> None:
    t = served(store)
    store.write_sync(evaluation.rate_ticket, t.id, evaluation.check(5, comment="谢谢小王"))
    (event,) = last_events(store)
    assert event["type"] == "evaluation.recorded" and "谢谢" not in event["data"]
    assert store.read_sync(notify.due) == []


def test_followups(store: Store, clock: ManualClock) -> None:
    t = served(store)
    store.write_sync(evaluation.rate_ticket, t.id, evaluation.check(2, "attitude"))
    clock.advance(hours=2)
    f = store.write_sync(evaluation.add_followup, "youyi", t.day, t.number.lower(), "sue", contacted=True,
                         result="电话道歉，已批评教育", resident_view="satisfied")  # fmt: skip
    assert f["number"] == t.number and f["by"] == "sue" and f["resident_view"] == "satisfied"
    store.write_sync(evaluation.add_followup, "youyi", t.day, t.number, "sue", contacted=False, result="再次回访未接")
    (item,) = store.read_sync(evaluation.bad_ratings, "youyi", 0, 2e9)
    assert [(x["contacted"], x["result"]) for x in item["followups"]] == [
        (True, "电话道歉，已批评教育"),
        (False, "再次回访未接"),
    ]
    assert item["followups"][0]["resident_view_text"] == "满意 / Satisfied with the fix"
    with pytest.raises(InvalidInput):
        store.write_sync(evaluation.add_followup, "youyi", t.day, t.number, "sue", contacted=True, result=" ")
    with pytest.raises(InvalidInput):
        store.write_sync(evaluation.add_followup, "youyi", t.day, t.number, "sue", contacted=True, result="x",
                         resident_view="happy")  # fmt: skip
    good = served(store, "youyi-2", "bob")
    store.write_sync(evaluation.rate_ticket, good.id, evaluation.check(5))
    with pytest.raises(EvaluationNotFound):  # follow-ups are for bad ratings
        store.write_sync(evaluation.add_followup, "youyi", good.day, good.number, "sue", contacted=True, result="x")


def test_typed_words_are_purged_after_the_retention(store: Store, clock: ManualClock) -> None:
    t = served(store)
    store.write_sync(evaluation.rate_ticket, t.id, evaluation.check(1, "attitude", TYPED))
    clock.advance(days=store.config.policy.retention_days - 1)
    assert store.write_sync(evaluation.purge) == 0
    clock.advance(days=2)
    assert store.write_sync(evaluation.purge) == 1
    (item,) = store.read_sync(evaluation.bad_ratings, "youyi", 0, 2e9)
    assert (item["grade"], item["reason"], item["comment"]) == (1, "attitude", None)


# -- through the API -----------------------------------------------------------------------
def finish(hall: Hall, kiosk: dict[str, str], counter: str = "youyi-1") -> dict[str, Any]:
    clerk = hall.clerk_at(counter)
    t = hall.take("general", kiosk)
    assert hall.act(counter, "call-next", clerk).status_code == 200
    assert hall.act(counter, "done", clerk).status_code == 200
    return t


def test_phone_rating_api(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    waiting = hall.take("elderly", kiosk)
    url = f"/api/v1/tickets/{waiting['id']}/evaluation"
    assert client.get(url).json()["evaluable"] is False
    assert client.post(url, json={"grade": 5}).json()["error"]["code"] == "not_evaluable"
    t = finish(hall, kiosk)
    url = f"/api/v1/tickets/{t['id']}/evaluation"
    state = client.get(url).json()
    assert state["evaluable"] is True and state["grade"] is None and len(state["grades"]) == 5
    r = client.post(url, json={"grade": 2})
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    assert client.post(url, json={"grade": "5"}).status_code == 422
    assert client.post(url, json={"grade": 5, "stars": 5}).status_code == 422
    assert client.post(url, content=b"{grade").status_code == 400
    r = client.post(url, json={"grade": 2, "reason": "wait", "comment": "等了很久"})
    assert r.status_code == 201 and r.json()["grade"] == 2
    r = client.post(url, json={"grade": 5})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_evaluated"
    assert client.get(url).json()["evaluated"] is True
    assert client.get("/api/v1/tickets/nope/evaluation").status_code == 404


def test_pad_api_needs_a_display_token_of_the_site(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    t = finish(hall, kiosk)
    display = {"Authorization": f"Bearer {hall.device('youyi-d1')}"}
    other = {"Authorization": f"Bearer {hall.device('wusong-d1')}"}
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor')}"}
    clerk = {"Authorization": f"Bearer {hall.user('bob')}"}
    assert client.get("/api/v1/counters/youyi-1/pad", headers=display).json()["pending"]["number"] == t["number"]
    assert client.get("/api/v1/counters/youyi-1/pad", headers=sup).status_code == 200
    assert client.get("/api/v1/counters/youyi-1/pad").status_code == 401
    assert client.get("/api/v1/counters/youyi-1/pad", headers=other).status_code == 403
    body = {"number": t["number"], "grade": 3}
    for who in (sup, clerk, kiosk, other):  # no member of staff rates; no kiosk; no other site
        assert client.post("/api/v1/counters/youyi-1/pad", json=body, headers=who).status_code == 403
    r = client.post("/api/v1/counters/youyi-1/pad", json=body, headers=display)
    assert r.status_code == 201 and r.json()["channel"] == "pad"
    assert client.post("/api/v1/counters/youyi-1/pad", json=body, headers=display).status_code == 409
    assert client.get("/api/v1/counters/youyi-1/pad", headers=display).json()["pending"] is None
    assert client.get(f"/api/v1/tickets/{t['id']}/evaluation").json()["grade"] == 3


def test_bad_rating_reaches_the_socket_and_the_hall_view(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    t = finish(hall, kiosk)
    waiting = hall.take("elderly", kiosk)
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor')}"}
    with client.websocket_connect("/ws/sites/youyi") as ws:
        assert json.loads(ws.receive_text())["type"] == "snapshot"
        client.post(f"/api/v1/tickets/{t['id']}/evaluation", json={"grade": 1, "comment": TYPED})
        event = json.loads(ws.receive_text())
    assert event["type"] == "evaluation.bad" and event["data"]["grade"] == 1
    assert event["data"]["counter"]["number"] == 1 and event["data"]["number"] == t["number"]
    assert TYPED not in json.dumps(event, ensure_ascii=False) and t["id"] not in json.dumps(event)
    view = client.get("/api/v1/sites/youyi/hall", headers=sup).json()
    assert [(b["number"], b["comment"], b["clerk"]) for b in view["bad"]] == [(t["number"], TYPED, "clerk-youyi-1")]
    assert view["ratings_today"] == {"evaluations": 1, "satisfied": 0, "bad": 1}
    assert [(w["number"], w["arrived_at"]) for w in view["waiting"]] == [(waiting["number"], waiting["issued_at"])]
    one = next(c for c in view["counters"] if c["id"] == "youyi-1")
    assert one["clerk"] == "clerk-youyi-1" and one["state"] == "open" and one["current"] is None
    assert view["seq"] == event["seq"]
    # the follow-up API, and the list with reasons for staff only
    url = f"/api/v1/sites/youyi/evaluations/{t['issued_at'][:10]}/{t['number']}/followups"
    r = client.post(url, json={"contacted": True, "result": "已回访", "resident_view": "partly"}, headers=sup)
    assert r.status_code == 201
    listed = client.get("/api/v1/sites/youyi/evaluations?bad=1", headers=sup).json()
    assert listed[0]["followups"][0]["result"] == "已回访"
    assert client.get("/api/v1/sites/youyi/evaluations", headers=kiosk).status_code == 403


def test_help_requests_on_the_hall_view(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    sup = {"Authorization": f"Bearer {hall.user('sue', 'supervisor')}"}
    assert client.post("/api/v1/sites/youyi/help", json={}, headers=kiosk).status_code == 202
    view = client.get("/api/v1/sites/youyi/hall", headers=sup).json()
    assert [(h["kiosk"], h["kiosk_name"]) for h in view["help"]] == [("youyi-k1", "1号自助机")]


def test_pages(client: TestClient, hall: Hall, kiosk: dict[str, str]) -> None:
    from tests.supervision.test_pages import sign_in

    html = client.get("/pad/youyi-1").text
    assert "非常满意" in html and "非常不满意" in html and 'aria-pressed="true"' not in html  # never pre-filled
    assert "checked" not in html
    assert client.get("/pad/nope").status_code == 404
    t = finish(hall, kiosk)
    html = client.get(f"/t/{t['id']}").text
    assert 'id="evaluate"' in html and "checked" not in html
    assert client.get("/admin/followups?site=youyi", follow_redirects=False).status_code == 303
    sign_in(client, "sue", role="supervisor")
    client.post(f"/api/v1/tickets/{t['id']}/evaluation", json={"grade": 2, "reason": "slow"})
    page = client.get("/admin/followups?site=youyi")
    assert page.status_code == 200 and t["number"] in page.text and "办理效率低" in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"csrf": token, "day": t["issued_at"][:10], "number": t["number"], "contacted": "yes", "result": "已整改"}
    r = client.post("/admin/followups?site=youyi", data=form, follow_redirects=False)
    assert r.status_code == 303 and "saved=" in r.headers["location"]
    assert "已整改" in client.get("/admin/followups?site=youyi").text
    r = client.post("/admin/followups?site=youyi", data={**form, "csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    for path in ("/admin/hall?site=youyi", "/admin/stats?site=youyi", "/admin/followups?site=youyi", "/pad/youyi-1"):
        html = client.get(path).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'type="application/json"' in tag or "src=" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), path
