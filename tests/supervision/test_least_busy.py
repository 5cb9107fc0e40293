"""The least busy center (SPEC 6b): another open center offering the same service is suggested only
when it is clearly faster counting the trip (core/least_busy.py, docs/district.md)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from core.days.clock import ManualClock
from core.least_busy import faster_elsewhere, hints, travel_minutes
from tests.conftest import Hall


def site(sid: str, km: float | None, wait: int | None, *, open_now: bool = True, service: str = "general",
         waiting: int = 3) -> dict[str, Any]:  # fmt: skip
    return {"id": sid, "name": sid, "name_en": sid, "open_now": open_now, "distance_km": km,
            "services": [{"id": service, "waiting": waiting, "estimated_wait_minutes": wait}]}  # fmt: skip


HERE = site("here", 0.0, 60)


def test_the_trip_counts_ten_minutes_to_set_off_and_four_minutes_a_km() -> None:
    assert travel_minutes(0) == 10
    assert travel_minutes(2.0) == 18
    assert travel_minutes(2.9) == 22  # rounded up


def test_a_center_clearly_faster_counting_the_trip_is_suggested() -> None:
    got = faster_elsewhere([HERE, site("wusong", 2.0, 5)], "here", "general", 60)
    assert got is not None and got["site"] == "wusong"
    assert got["travel_minutes"] == 18 and got["saved_minutes"] == 60 - 23 and got["waiting"] == 3


def test_nothing_when_the_saving_is_small_or_the_trip_eats_it() -> None:
    assert faster_elsewhere([HERE, site("a", 2.0, 5)], "here", "general", 35) is None  # 23 vs 35: 12 min saved
    assert faster_elsewhere([HERE, site("a", 2.0, 5)], "here", "general", 30) is None
    assert faster_elsewhere([HERE, site("far", 20.0, 0)], "here", "general", 60) is None  # 90 min away
    # saved 16 minutes of 40 but still 24 of 40 (more than two thirds would be 26.7): yes
    assert faster_elsewhere([HERE, site("a", 2.0, 6)], "here", "general", 40) is not None
    assert faster_elsewhere([HERE, site("a", 2.0, 23)], "here", "general", 60) is None  # 19 saved, but 41 > 40


def test_only_open_centers_that_offer_the_service_with_a_counter_open() -> None:
    sites = [
        HERE,
        site("closed", 1.0, 0, open_now=False),
        site("other-service", 1.0, 0, service="marriage"),
        site("no-counter", 1.0, None),
        site("no-coordinates", None, 0),
    ]
    assert faster_elsewhere(sites, "here", "general", 120) is None
    assert faster_elsewhere([HERE, site("a", 1.0, 0)], "here", "general", None) is None  # no estimate here


def test_the_fastest_is_chosen_then_the_nearest() -> None:
    sites = [HERE, site("near-busy", 1.0, 20), site("far-quick", 4.0, 0), site("same-farther", 5.0, 0)]
    assert faster_elsewhere(sites, "here", "general", 90)["site"] == "far-quick"  # type: ignore[index]
    tie = [HERE, site("b", 2.0, 5), site("a", 1.0, 10)]  # 23 and 24 minutes
    assert faster_elsewhere(tie, "here", "general", 90)["site"] == "b"  # type: ignore[index]


def test_hints_weigh_each_service_or_a_held_tickets_own_wait() -> None:
    body = {"sites": [HERE, site("wusong", 2.0, 5)]}
    assert set(hints(body, "here")) == {"general"}  # a ticket taken here now would wait 60
    assert hints(body, "here", "general", 20) == {}  # the ticket held here waits 20 more: stay
    assert hints(body, "a-place") == {}


def test_the_district_api_names_a_faster_center_for_a_busy_one(
    client: TestClient, hall: Hall, kiosk: dict[str, str], clock: ManualClock
) -> None:
    hall.clerk_at("youyi-1")
    for _ in range(3):
        hall.take("general", kiosk)
    body = client.get("/api/v1/district?near=youyi").json()
    assert body["faster"] == {}  # every other center is closed to it (no counter open): nothing to suggest
    wusong = next(s for s in body["sites"] if s["id"] == "wusong")
    assert wusong["distance_km"] > 2
    r = client.get("/api/v1/district?near=youyi&service=general&wait=abc")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    clerk = hall.user("wusong-clerk", "clerk", "wusong")
    counter = next(k["id"] for k in client.get("/api/v1/sites/wusong").json()["counters"]
                   if "general" in k["services"])  # fmt: skip
    assert client.post(f"/api/v1/counters/{counter}/open", headers={"Authorization": f"Bearer {clerk}"}).is_success
    clock.advance(seconds=5)  # estimates are kept for two seconds (core/queue/views.py)
    got = client.get("/api/v1/district?near=youyi&service=general&wait=90").json()["faster"]
    assert got["general"]["site"] == "wusong"  # the nearest with a counter open: 0 waiting, 2.9 km
    assert got["general"]["saved_minutes"] >= 15
    assert client.get("/api/v1/district?near=youyi&service=general&wait=10").json()["faster"] == {}
