"""限时办结: due days count the processing site's working days (holidays, 调休), and a matter past its
due day is overdue on the processing center's board and alerts once on its hall socket."""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from core.config import Config
from core.days.calendar import EMPTY
from core.days.clock import TZ, ManualClock
from core.matters.due import add_working_days, urgency
from tests.conftest import Hall
from tests.matters.test_matters_api import RESIDENT, accept, serve


def test_working_days_skip_weekends_and_holidays(config: Config) -> None:
    wusong = config.site("wusong")
    assert wusong is not None
    wed = dt.date(2026, 9, 23)
    # 中秋 25-27 September and 国庆 1-7 October 2026 are rest days: 24, 28, 29, 30 Sept, then 8 Oct
    assert add_working_days(wusong, wed, 5, EMPTY) == dt.date(2026, 10, 8)
    assert add_working_days(wusong, dt.date(2026, 4, 30), 1, EMPTY) == dt.date(2026, 5, 6)  # 劳动节 1-5 May
    assert add_working_days(wusong, wed, 0, EMPTY) == wed  # 即办
    assert urgency(wusong, dt.date(2026, 9, 30), dt.date(2026, 10, 8), EMPTY) == "near"  # the next working day
    assert urgency(wusong, dt.date(2026, 10, 9), dt.date(2026, 10, 8), EMPTY) == "overdue"
    assert urgency(wusong, wed, dt.date(2026, 10, 8), EMPTY) == "ok"


def test_accepted_before_a_holiday_due_after_it_then_overdue_on_the_hall(
    client: TestClient, hall: Hall, kiosk: dict[str, str], clock: ManualClock
) -> None:
    clock.set(dt.datetime(2026, 9, 23, 9, 30, tzinfo=TZ))
    clerk = serve(hall, "youyi-1", "general", "youyi", kiosk, id_number=RESIDENT)
    m = accept(client, clerk, item="residence-permit-renewal", paper=[], licence=[0, 1], home_site="wusong").json()
    assert m["due"] == "2026-10-08", m  # 5 working days across 中秋 and 国庆
    code = m["code"]
    assert client.post(f"/api/v1/matters/{code}/hand-off", headers=clerk).status_code == 200
    sup = {"Authorization": f"Bearer {hall.user('wu-sup', 'supervisor', 'wusong')}"}
    assert client.post(f"/api/v1/matters/{code}/start", headers=sup).status_code == 200
    from web.api.matters import upkeep

    h = client.app.state.hall  # type: ignore[attr-defined]
    with client.websocket_connect("/ws/sites/wusong") as ws:
        snapshot = ws.receive_json()
        assert snapshot["type"] == "snapshot"
        clock.set(dt.datetime(2026, 10, 8, 9, 0, tzinfo=TZ))
        sup = {"Authorization": f"Bearer {hall.user('wu-sup', 'supervisor', 'wusong')}"}  # tokens last 12 hours
        client.portal.call(upkeep, h)  # type: ignore[union-attr]
        board = client.get("/api/v1/sites/wusong/matters/board", headers=sup).json()
        assert [x["code"] for x in board["near"]] == [code] and board["overdue"] == []
        clock.set(dt.datetime(2026, 10, 9, 9, 0, tzinfo=TZ))
        sup = {"Authorization": f"Bearer {hall.user('wu-sup', 'supervisor', 'wusong')}"}
        client.portal.call(upkeep, h)  # type: ignore[union-attr]
        client.portal.call(upkeep, h)  # type: ignore[union-attr]  # alerts once
        ev = ws.receive_json()
        assert ev["type"] == "matter.overdue" and ev["data"]["due"] == "2026-10-08"
        assert code not in str(ev) and RESIDENT[-4:] not in str(ev)  # the public socket: no code, no identity
    board = client.get("/api/v1/sites/wusong/matters/board", headers=sup).json()
    assert [x["code"] for x in board["overdue"]] == [code]
    assert board["by_clerk"] == [{"clerk": "wu-sup", "open": 1, "near": 0, "overdue": 1}]
    clerk = {"Authorization": f"Bearer {hall.user('clerk-youyi-1')}"}
    youyi = client.get("/api/v1/sites/youyi/matters?status=in_progress", headers=clerk).json()
    assert youyi[0]["urgency"] == "overdue"  # the accepting center sees the same
    ready = client.post(f"/api/v1/matters/{code}/ready", headers=sup).json()
    assert ready["on_time"] is False
