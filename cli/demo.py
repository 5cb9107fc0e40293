"""Demo mode (``make run``): accounts, device tokens, a clock at an open hour, walk-ins."""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from dataclasses import dataclass, field
from typing import Any

from cli.commands import offline_store
from core import accounts
from core.config import Config
from core.days import clock
from core.days.hours import is_open, next_opening
from core.errors import HallError
from core.queue import tickets

log = logging.getLogger("hall.demo")


@dataclass(frozen=True)
class Demo:
    site: str
    walkin_seconds: tuple[float, float] = (15.0, 45.0)  # real seconds between generated walk-ins
    # device id -> its page's link fragment (``#token=...``): the home page links the demo devices
    # ready to use, so a newcomer does not meet 本机尚未授权 (only in demo mode: tokens are secrets)
    links: dict[str, str] = field(default_factory=dict)


def prepare(config: Config, db: str, clk: clock.Clock, base: str) -> tuple[clock.Clock, Demo]:
    """Set up the demo district and print how to use it."""
    site = next(s for s in config.sites if s.kind == "community")
    now = clk.now()
    notes = []
    with offline_store(config, db) as store:
        if not is_open(site, now, store.schedule):
            start = next_opening(site, now, store.schedule)
            clk = clock.SimulatedClock(start)
            notes.append(f"现在 {site.name} 不在办公时间：演示时钟从下一次开门 {start:%Y-%m-%d %H:%M} 开始。")
            notes.append(f"The real time is outside opening hours: the demo clock starts at {start:%Y-%m-%d %H:%M}.")
        registry = next((s for s in config.sites if s.kind == "marriage" and s.kiosks), None)
        users = [
            (f"{site.id}-clerk1", "clerk", site.id),
            (f"{site.id}-clerk2", "clerk", site.id),
            (f"{site.id}-super", "supervisor", site.id),
            *([(f"{registry.id}-clerk1", "clerk", registry.id)] if registry else []),
            ("admin", "admin", None),
        ]
        lines = []
        for name, role, sid in users:
            password = secrets.token_urlsafe(9)
            store.write_sync(accounts.add_user, name, role, sid, accounts.hash_password(password))
            lines.append(f"  {role:<10} {name:<16} {password}")
        kiosk = site.kiosks[0].id
        token = store.write_sync(accounts.new_device_token, kiosk)
        reg_token = store.write_sync(accounts.new_device_token, registry.kiosks[0].id) if registry else None
        # the 好差评 pad of counter 1 authorises with a display token of the site (docs/statistics.md)
        pad_token = store.write_sync(accounts.new_device_token, site.displays[0].id) if site.displays else None
        # place kiosks (outside the centers): every one ready to open (docs/district.md)
        place_tokens = {
            k.id: store.write_sync(accounts.new_device_token, k.id) for p in config.places for k in p.kiosks
        }
    print(
        "\n".join(
            [
                "",
                f"演示区 Demo district: {config.district}  ({site.name})",
                *notes,
                "",
                f"  自助机 Kiosk     {base}/kiosk/{kiosk}#token={token}",
                f"  窗口 Counter     {base}/counter",
                f"  大屏 Display     {base}/display/{site.id}" + (f"#token={pad_token}" if pad_token else ""),
                "  手机 Phone       (the kiosk's ticket shows a QR code and link)",
                *([f"  评价器 Pad       {base}/pad/{site.counters[0].id}#token={pad_token}"] if pad_token else []),
                f"  预约 Booking     {base}/book   (manage: {base}/book/manage)",
                *(
                    [f"  登记处签到 Registry kiosk  {base}/kiosk/{registry.kiosks[0].id}#token={reg_token}"]
                    if registry and reg_token
                    else []
                ),
                *[
                    f"  服务点 Place kiosk  {base}/kiosk/{k.id}#token={place_tokens[k.id]}   ({p.name})"
                    for p in config.places
                    for k in p.kiosks
                ],
                f"  全区 District    {base}/district",
                f"  管理 Admin       {base}/admin   (appointments, devices, follow-ups from there)",
                f"  实时大厅 Hall    {base}/admin/hall?site={site.id}",
                f"  统计 Statistics  {base}/admin/stats?site={site.id}",
                f"  所有中心 Sites   {base}/",
                "",
                "  演示账号 Demo accounts (passwords are new each start):",
                *lines,
                "",
            ]
        ),
        flush=True,
    )
    links = {kiosk: f"#token={token}"}
    if registry and reg_token:
        links[registry.kiosks[0].id] = f"#token={reg_token}"
    if pad_token:
        links[site.displays[0].id] = f"#token={pad_token}"
    links.update({k: f"#token={t}" for k, t in place_tokens.items()})
    return clk, Demo(site.id, links=links)


async def walkins(hall: Any, demo: Demo) -> None:
    """Plausible walk-ins so the screens are not empty."""
    site = hall.config.site(demo.site)
    services = [s for s in site.services if hall.config.service(s).walk_in]
    weights = [5, 4, 2, 2, 3][: len(services)] + [1] * max(0, len(services) - 5)
    rng = random.Random()
    while True:
        await asyncio.sleep(rng.uniform(*demo.walkin_seconds))
        service = rng.choices(services, weights)[0]
        priority = "elderly" if rng.random() < 0.12 else "normal"
        try:
            await hall.store.write(
                tickets.issue,
                demo.site,
                service,
                source="kiosk",
                actor="demo",
                priority=priority,
                device=site.kiosks[0].id,
            )
        except HallError as e:
            log.info("demo walk-in not issued: %s", e.code)
