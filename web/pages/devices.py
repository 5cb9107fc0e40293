"""``/admin/devices``: every kiosk and display with its heartbeat, printer, paper, reader and
today's print jobs (supervisors see their site, admins all). The page refreshes its rows
from ``/admin/devices.json`` every few seconds.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core import devices
from web import i18n
from web.deps import SUPERVISORS, Staff, can_see, district_wide, hall_of, staff
from web.pages.staff import supervisor_page
from web.render import bilingual, render

REFRESH_SECONDS = 3
LABELS = {
    "ok": "正常 / OK",
    "warning": "注意 / Check",
    "fault": "故障 / Fault",
    "offline": "离线 / Offline",
    "online": "在线 / Online",
    "printer_offline": "脱机 / Offline",
    "unknown": "未知 / Unknown",
    "none": "未配置 / None",
    "paper_ok": "正常 / OK",
    "paper_near_end": "将尽 / Low",
    "paper_out": "缺纸 / Out",
    "paper_unknown": "未知 / Unknown",
    "present": "已连接 / Connected",
    "absent": "未连接 / Missing",
    "never": "从未连接 / Never",
    "seconds_ago": "%(n)s 秒前 / %(n)s s ago",
    "minutes_ago": "%(n)s 分钟前 / %(n)s min ago",
}


def labels(lang: str) -> dict[str, str]:
    return {k: bilingual(v, lang) for k, v in LABELS.items()}


def _site_ids(request: Request, who: Staff) -> list[str]:
    ids = [s.id for s in hall_of(request).config.sites if can_see(who, s.id)]
    wanted = request.query_params.get("site")
    return [wanted] if wanted in ids else ids


def _places(request: Request, who: Staff) -> bool:
    """Place kiosks (outside the centers, of no site) are the district's: shown to who sees every site,
    on the page of all sites (not when one site is picked)."""
    return district_wide(who) and not request.query_params.get("site")


async def devices_page(request: Request) -> Response:
    who = await supervisor_page(request)
    hall = hall_of(request)
    sites = await hall.store.read(devices.overview, _site_ids(request, who), _places(request, who))
    lang = i18n.lang_of(request)
    ctx = {"staff": who, "sites": sites, "l": labels(lang), "refresh": REFRESH_SECONDS,
           "all_sites": hall.config.sites if district_wide(who) else []}  # fmt: skip
    return render(request, "devices.html", ctx)


async def devices_json(request: Request) -> Response:
    who = await staff(request)
    if who is None or who.role not in SUPERVISORS:
        return JSONResponse({"error": {"code": "forbidden", "message": "sign in as a supervisor"}}, status_code=403)
    sites = await hall_of(request).store.read(devices.overview, _site_ids(request, who), _places(request, who))
    return JSONResponse({"sites": sites}, headers={"Cache-Control": "no-store"})


routes: list[BaseRoute] = [
    Route("/admin/devices", devices_page, name="admin_devices"),
    Route("/admin/devices.json", devices_json, name="admin_devices_json"),
]
