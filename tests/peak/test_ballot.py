"""The ballot for 2027-05-20 as couples and the registry meet it: entries on the phone's API, the
draw of 500 entries for 200 places at its time, the public result recomputed by the verifier from
the JSON alone, winners' bookings with their ceremonies, and unconfirmed places passing down."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from core.peak import ballot, offers
from core.registry.applicants import Applicant
from core.store.peak import ballot as ballot_sql
from tests.conftest import ROOT
from tests.peak.conftest import BALLOT, DRAW, hall_of
from tests.peak.people import body, couple, id_number, solve


def enter(client: TestClient, people: list[Applicant], **extra: Any) -> Any:
    pow_ = solve(client.get("/api/v1/pow/challenge").json())
    return client.post(f"/api/v1/ballots/{BALLOT}/entries", json={"applicants": body(*people), **extra},
                       headers={"X-Altcha": pow_})  # fmt: skip


def test_a_couple_enters_and_looks_up_their_entry(peak: TestClient) -> None:
    before = peak.get(f"/api/v1/ballots/{BALLOT}").json()
    assert before["phase"] == "open" and before["seed"] is None and len(before["seed_hash"]) == 64
    assert before["places"] == 200 and before["date"] == "2027-05-20"
    him, her = couple(1)
    r = enter(peak, [him, her], ceremony="morning")
    assert r.status_code == 201, r.text
    code = r.json()["entry_code"]
    assert r.json()["status"] == "entered" and him.id_number not in r.text and him.name not in r.text
    seen = peak.get(f"/api/v1/ballots/{BALLOT}/entries/{code}?verify={her.id_number[-4:]}")
    assert seen.status_code == 200 and seen.json()["applicants"][0]["name"] == "新**"
    assert peak.get(f"/api/v1/ballots/{BALLOT}/entries/{code}?verify=0000").status_code == 404
    assert peak.get(f"/api/v1/ballots/{BALLOT}").json()["entries"] == 1


def test_refusals_one_entry_per_identity_the_law_and_fullwidth_digits(peak: TestClient) -> None:
    him, her = couple(1)
    assert enter(peak, [him, her]).status_code == 201
    other_him, other_her = couple(2)
    # either party of an entry, with someone else
    for people in ([him, other_her], [other_him, her]):
        r = enter(peak, people)
        assert r.status_code == 409 and r.json()["error"]["code"] == "already_entered", r.text
    # the same couple again
    assert enter(peak, [her, him]).json()["error"]["code"] == "already_entered"
    # a 17-year-old: refused by the law, naming it
    young = Applicant("小王", id_number(dt.date(2010, 1, 1), "022"), "13700000001")
    r = enter(peak, [other_him, young])
    assert r.status_code == 422 and r.json()["error"]["code"] == "under_marriage_age", r.text
    assert "民法典第一千零四十七条" in r.json()["error"]["message"]
    # an identity already entered, typed in fullwidth digits
    fullwidth = him.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    r = enter(peak, [Applicant(him.name, fullwidth, "13700000002"), other_her])
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_entered", r.text
    assert peak.get(f"/api/v1/ballots/{BALLOT}").json()["entries"] == 1  # nothing else was entered


def test_entries_only_inside_the_window(peak: TestClient) -> None:
    hall_of(peak).clock.set(dt.datetime(2027, 4, 10, 17, 0, tzinfo=DRAW.tzinfo))
    r = enter(peak, list(couple(3)))
    assert r.status_code == 409 and r.json()["error"]["code"] == "ballot_closed"
    assert peak.post(f"/api/v1/ballots/{BALLOT}/entries", json={"applicants": []}).status_code == 403  # no pow


def _many(peak: TestClient, n: int) -> list[str]:
    """``n`` couples entered (through the core, as the endpoint does, to keep the test quick)."""
    store = hall_of(peak).store
    codes = []
    for i in range(n):
        ceremony = ("morning", "noon", "afternoon", None)[i % 4]
        codes.append(store.write_sync(ballot.enter, BALLOT, list(couple(i)), ceremony)["entry_code"])
    return codes


def test_draw_of_500_for_200_places_verified_and_passed_down(peak: TestClient, tmp_path: Path) -> None:
    h = hall_of(peak)
    codes = _many(peak, 500)
    committed = peak.get(f"/api/v1/ballots/{BALLOT}").json()["seed_hash"]
    assert peak.post(f"/api/v1/ballots/{BALLOT}/draw").status_code == 401
    h.clock.set(DRAW - dt.timedelta(minutes=1))
    h.store.write_sync(offers.sweep)
    assert peak.get(f"/api/v1/ballots/{BALLOT}").json()["phase"] == "closed"  # not before its time
    h.clock.set(DRAW)
    h.store.write_sync(offers.sweep)  # housekeeping draws it
    published = peak.get(f"/api/v1/ballots/{BALLOT}").json()
    assert published["phase"] == "drawn" and published["seed_hash"] == committed
    result = published["result"]
    assert sorted(result["entry_codes"]) == sorted(codes) and result["places"] == 200
    won = [e for e in result["order"] if e["status"] == "won"]
    assert len(won) == 200 and all(e["offered_at_draw"] for e in won)
    assert [e["position"] for e in won] == list(range(1, 201))
    assert all(e["names"][0].startswith("新") and "*" in e["names"][0] for e in result["order"])
    text = json.dumps(published, ensure_ascii=False)
    assert "新郎1" not in text and couple(1)[0].id_number not in text and "13800000001" not in text

    page = peak.get(f"/ballot/{BALLOT}/result").text
    assert published["result"]["seed"] in page and "新*" in page and "新郎1" not in page
    assert page.count("<tr>") == 501  # a row per entry, and the heading

    # anyone recomputes the result from the public JSON alone
    path = tmp_path / "result.json"
    path.write_text(json.dumps(published), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tools.verify_ballot", str(path)], cwd=ROOT, capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 0 and "matches" in done.stdout, done.stdout + done.stderr
    # and says so when the published order was changed (two entries swapped)
    order = published["result"]["order"]
    order[0]["code"], order[1]["code"] = order[1]["code"], order[0]["code"]
    path.write_text(json.dumps(published), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tools.verify_ballot", str(path)], cwd=ROOT, capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 1 and "DOES NOT MATCH" in done.stdout and "position 1" in done.stdout, done.stdout

    # the winners' bookings exist, in the day's slots, with the ceremonies they asked for
    day = h.store.read_sync(ballot_sql.day_statuses, "registry", "marriage", "2027-05-20")
    assert day == {"booked": 200}
    slots = peak.get("/api/v1/sites/registry/services/marriage/slots?date=2027-05-20").json()
    assert sum(s["capacity"] for s in slots) == 400 and all(s["remaining"] == 0 for s in slots)  # not open yet
    sessions = peak.get("/api/v1/sites/registry/ceremonies?date=2027-05-20").json()["sessions"]
    assert sum(s["joined"] for s in sessions) > 0 and all(s["joined"] <= s["capacity"] for s in sessions)

    # winners 1..150 confirm; the other 50 do not, and their places pass to the first 50 waiting
    verify = {c: h.store.read_sync(ballot_sql.people, c)[0]["id_masked"][-4:] for c in codes}
    for e in won[:3]:  # on the phone (the rest through the core: the per-address limit is for people)
        r = peak.post(f"/api/v1/ballots/{BALLOT}/entries/{e['code']}/confirm", json={"verify": verify[e["code"]]})
        assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    for e in won[3:150]:
        h.store.write_sync(offers.confirm, BALLOT, e["code"], verify[e["code"]])
    late = won[150]
    h.clock.set(DRAW + dt.timedelta(hours=48, minutes=1))
    r = peak.post(f"/api/v1/ballots/{BALLOT}/entries/{late['code']}/confirm", json={"verify": verify[late["code"]]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_confirmable"
    h.store.write_sync(offers.sweep)
    after = {e["code"]: e for e in peak.get(f"/api/v1/ballots/{BALLOT}").json()["result"]["order"]}
    assert sum(e["status"] == "passed" for e in after.values()) == 50
    moved_up = [e for e in after.values() if e["status"] == "won"]
    assert sorted(e["position"] for e in moved_up) == list(range(201, 251))
    # each moved-up entry got the slot of a passed one, and was told
    passed_slots = sorted(h.store.read_sync(_start_of, e["code"]) for e in won[150:])
    new_slots = sorted(h.store.read_sync(_start_of, e["code"]) for e in moved_up)
    assert passed_slots == new_slots
    assert h.store.read_sync(ballot_sql.day_statuses, "registry", "marriage", "2027-05-20") == {
        "booked": 200, "cancelled": 50}  # fmt: skip
    told = h.store.read_sync(_kinds)
    assert told["ballot.won"] == 400 and told["ballot.offered"] == 100 and told["ballot.passed"] == 100
    view = peak.get(f"/api/v1/ballots/{BALLOT}/entries/{moved_up[0]['code']}?verify={verify[moved_up[0]['code']]}")
    assert view.json()["appointment"]["status"] == "booked" and view.json()["confirm_by"]


def _start_of(r: Any, code: str) -> float:
    return float(r.one("SELECT a.start_ts FROM ballot_entries e JOIN appointments a ON a.id = e.appointment "
                       "WHERE e.code = ?", (code,))[0])  # fmt: skip


def _kinds(r: Any) -> dict[str, int]:
    return {row[0]: row[1] for row in r.execute("SELECT kind, COUNT(*) FROM outbox GROUP BY kind")}
