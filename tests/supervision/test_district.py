"""GET /api/v1/district: every center's queues now (SPEC 6b, 7), public, no personal data, and the
distance from a chosen site computed from coordinates."""

from __future__ import annotations

from starlette.testclient import TestClient

from core.days.clock import ManualClock
from core.district import distance_km
from tests.conftest import Hall

ID = "110105199003071239"


def test_district_has_every_site_with_the_sites_own_queue_numbers(client: TestClient, hall: Hall,
                                                                   kiosk: dict[str, str]) -> None:  # fmt: skip
    hall.clerk_at("youyi-1")
    hall.take("general", kiosk, id_number=ID)
    hall.take("general", kiosk)
    body = client.get("/api/v1/district").json()
    assert body["at"].endswith("+08:00")
    sites = {s["id"]: s for s in body["sites"]}
    assert set(sites) == {s["id"] for s in client.get("/api/v1/sites").json()}
    youyi = sites["youyi"]
    assert youyi["open_now"] is True and youyi["opens_at"] == body["at"]
    own = {s["id"]: s for s in client.get("/api/v1/sites/youyi/services").json()}
    for s in youyi["services"]:  # the same numbers as the site's own screens
        assert s["waiting"] == own[s["id"]]["waiting"]
        assert s["estimated_wait_minutes"] == own[s["id"]]["estimated_wait_minutes"]
        # whether the service takes remote tickets, as configured (SPEC 6b)
        assert s["remote"] is hall.hall.config.service(s["id"]).remote
        assert s["name"] and s["name_en"]
    assert next(s for s in youyi["services"] if s["id"] == "general")["waiting"] == 2
    text = client.get("/api/v1/district").text
    assert ID not in text and ID[-4:] not in text  # nothing of a person


def test_district_near_a_site_sorts_by_distance(client: TestClient) -> None:
    sites = client.get("/api/v1/district?near=youyi").json()["sites"]
    assert sites[0]["id"] in ("youyi", "registry") and sites[0]["distance_km"] < 1
    km = [s["distance_km"] for s in sites]
    assert km == sorted(km)
    wusong = next(s for s in sites if s["id"] == "wusong")
    assert 2 < wusong["distance_km"] < 4  # 密山路 to 同泰北路, about 2.9 km in a straight line
    r = client.get("/api/v1/district?near=nowhere")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_site"


def test_a_closed_site_says_when_it_opens(client: TestClient, clock: ManualClock) -> None:
    clock.advance(hours=12)  # Wednesday 21:30: every community center is closed
    youyi = next(s for s in client.get("/api/v1/district").json()["sites"] if s["id"] == "youyi")
    assert youyi["open_now"] is False
    assert youyi["opens_at"].endswith("T08:30:00+08:00")


def test_distance_is_a_great_circle(config: object) -> None:
    from core.config import Config

    assert isinstance(config, Config)
    a, b = config.site("youyi"), config.site("luojing")
    assert a is not None and b is not None
    assert distance_km(a, a) == 0
    assert 14.9 < (distance_km(a, b) or 0) < 15.3  # 7.7 km north, 13.0 km west: 15.1 km
    assert distance_km(a, b) == distance_km(b, a)


def test_district_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/district" in paths or "/district" in paths


def test_the_district_moves_with_the_queue_within_one_second(client: TestClient, hall: Hall,
                                                              kiosk: dict[str, str]) -> None:  # fmt: skip
    """The answer is kept for a second (web/api/district.py), but not past an event: the hall
    clock here stands still, and a number taken shows at once."""

    def waiting() -> int:
        youyi = next(s for s in client.get("/api/v1/district").json()["sites"] if s["id"] == "youyi")
        return int(next(s for s in youyi["services"] if s["id"] == "general")["waiting"])

    before = waiting()
    assert waiting() == before
    hall.take("general", kiosk)
    assert waiting() == before + 1


def test_a_made_up_service_is_refused_not_kept(client: TestClient) -> None:
    """Each query's answer is kept for a second (web/api/district.py): made-up service ids would each
    be one more answer to compute and keep, so they are refused."""
    r = client.get("/api/v1/district?near=youyi&service=nope")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    assert client.get("/api/v1/district?near=youyi&service=general").status_code == 200
