"""API responses and events -> one readable line each (pure).

Lines name tickets by number and service only; an identity number appears only in the
masked form the API gives (``id_masked``), never the ticket's tracking id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from counter.keys import Action
from counter.site import SiteInfo

LIVE = "» "
LIST_LIMIT = 20
PAUSE_TEXT = {
    "break": "休息 / break",
    "meeting": "会议 / meeting",
    "fault": "系统故障 / system fault",
    "helping": "协助同事 / helping a colleague",
}
STATE_TEXT = {"open": "开放 / open", "paused": "暂停 / paused", "closed": "关闭 / closed"}
PRIORITY_TEXT = {
    "elderly": "老年人",
    "disabled": "残疾人",
    "pregnant": "孕妇",
    "military": "军人",
    "appointment": "预约",
}

Resp = Mapping[str, Any]


def ticket_label(t: Mapping[str, Any], site: SiteInfo | None = None) -> str:
    """``A003 (综合受理)``, plus the masked identity number of a real-name ticket."""
    name = t.get("service_name") or (site.service_name(t["service"]) if site else t.get("service", ""))
    label = f"{t['number']} ({name})"
    return f"{label} · 证件 {t['id_masked']}" if t.get("id_masked") else label


def error_line(code: str, message: str) -> str:
    return f"✗ {message} [{code}]"


def _current(resp: Resp) -> Mapping[str, Any] | None:
    current: Mapping[str, Any] | None = (resp.get("counter") or {}).get("current")
    return current


def _called(resp: Resp) -> str:
    t = resp.get("ticket")
    if t is None:
        return f"没有等候的号 — {resp.get('reason') or 'nobody is waiting'}"
    reason = resp.get("reason")
    return f"叫号 {ticket_label(t)}" + (f" — {reason}" if reason else "")


def _recalled(resp: Resp) -> str:
    recalls = (_current(resp) or {}).get("recalls", "?")
    return f"重呼 {ticket_label(resp['ticket'])} — 第 {recalls} 次 / recall {recalls}"


def _started(resp: Resp) -> str:
    return f"开始办理 {ticket_label(resp['ticket'])} / serving"


def _done(resp: Resp) -> str:
    return f"办结 {ticket_label(resp['ticket'])} / done"


def _no_show(resp: Resp) -> str:
    t = resp["ticket"]
    if t.get("status") == "waiting":
        return f"过号 {ticket_label(t)} — 已重新排队 / no-show: requeued"
    return f"过号 {ticket_label(t)} — 已作废，可按 i 恢复 / no-show: voided (i reinstates)"


def _paused(resp: Resp) -> str:
    reason = (resp.get("counter") or {}).get("pause_reason") or ""
    return f"窗口暂停 — {PAUSE_TEXT.get(reason, reason)} / counter paused"


def _resumed(resp: Resp) -> str:
    return "窗口恢复叫号 / counter open again"


def _reinstated(resp: Resp) -> str:
    return f"恢复 {ticket_label(resp['ticket'])} — 重新排队 / reinstated"


LINES: dict[Action, Callable[[Resp], str]] = {
    Action.NEXT: _called,
    Action.RECALL: _recalled,
    Action.START: _started,
    Action.DONE: _done,
    Action.NO_SHOW: _no_show,
    Action.PAUSE: _paused,
    Action.RESUME: _resumed,
    Action.REINSTATE: _reinstated,
}


def action_line(action: Action, resp: Resp) -> str:
    """The one line printed after a counter action succeeded."""
    return LINES[action](resp)


def transferred_line(resp: Resp, target: str, position: str) -> str:
    where = "排到前面 / to the front" if position == "front" else "按到达时间 / by arrival"
    return f"转办 {resp['ticket']['number']} → {target} ({where})"


def opened_line(resp: Resp, user: str) -> str:
    c = resp["counter"]
    line = f"{c['number']}号窗口 ({c['id']}) 已登录：{user} — {STATE_TEXT.get(c['state'], c['state'])}"
    line += f" · 等候 {len(resp.get('waiting') or [])} / waiting"
    current = c.get("current")
    if current:
        line += f" · 手上 / in hand: {current['number']} ({current['status']})"
    return line


def closed_line(resp: Resp) -> str:
    c = resp["counter"]
    return f"{c['number']}号窗口已关闭，再见 / counter {c['number']} closed, goodbye"


def busy_line(current: Mapping[str, Any] | None) -> str:
    held = f" {current['number']}" if current else ""
    return (
        f"手上还有号{held}：请先办结 (d)、转办 (t) 或过号 (x)，再退出 / "
        f"a ticket is in hand{held}: finish, transfer or mark it before quitting"
    )


def left_open_line(current: Mapping[str, Any] | None) -> str:
    held = f" {current['number']}" if current else ""
    return f"窗口保持开启，手上还有号{held} / the counter stays open with{held or ' a ticket'} in hand"


def _waiting_item(w: Mapping[str, Any], site: SiteInfo) -> str:
    tags = []
    if w.get("priority") not in (None, "normal"):
        tags.append(f"绿色通道 {PRIORITY_TEXT.get(w['priority'], w['priority'])}")
    if w.get("front"):
        tags.append("转办优先 front")
    if w.get("target_counter"):
        tags.append(f"转给 {site.counter_label(w['target_counter'])}")
    if w.get("requeued"):
        tags.append("过号重排 requeued")
    extra = "".join(f" [{t}]" for t in tags)
    return f"  {w['number']:<6} {site.service_name(w['service'])}  已等 {w.get('waited_minutes', 0)} 分钟{extra}"


def waiting_list(resp: Resp, site: SiteInfo) -> list[str]:
    """The counter's state, the ticket in hand and who waits for it (``l``)."""
    c = resp["counter"]
    state = STATE_TEXT.get(c["state"], c["state"])
    if c["state"] == "paused":
        state += f" ({PAUSE_TEXT.get(c.get('pause_reason') or '', c.get('pause_reason'))})"
    head = f"{c['number']}号窗口 · {state}"
    if resp.get("ticket"):
        head += f" · 手上 / in hand: {ticket_label(resp['ticket'])} {resp['ticket']['status']}"
    waiting = list(resp.get("waiting") or [])
    lines = [head, f"等候 {len(waiting)} 人 / {len(waiting)} waiting" + (":" if waiting else "")]
    lines += [_waiting_item(w, site) for w in waiting[:LIST_LIMIT]]
    if len(waiting) > LIST_LIMIT:
        lines.append(f"  … 还有 {len(waiting) - LIST_LIMIT} 人 / more")
    return lines


def waiting_totals(totals: Mapping[str, int], site: SiteInfo) -> str:
    parts = " · ".join(f"{site.service_name(s)} {totals.get(s, 0)}" for s in site.counter_services)
    return f"{LIVE}等候 / waiting: {parts}"


def help_lines(site: SiteInfo) -> list[str]:
    services = ", ".join(f"{s.prefix} {s.id} {s.name}" for s in site.services.values())
    return [
        "n/空格 叫号 next · r 重呼 recall · s 开始 start · d 办结 done · x 过号 no-show",
        "t 转办 transfer · p 暂停 pause · u 恢复 resume · i 恢复过号 reinstate · l 等候列表 list · q 退出 quit",
        "小键盘 keypad: + 叫号 · * 重呼 · / 开始 · . 办结 · - 过号",
        f"业务 services: {services} · 窗口 counters: 1-{max(site.counters.values(), default=1)}",
    ]


def counter_event_line(counter: Mapping[str, Any]) -> str:
    state = STATE_TEXT.get(counter["state"], counter["state"])
    if counter["state"] == "paused":
        state += f" — {PAUSE_TEXT.get(counter.get('pause_reason') or '', counter.get('pause_reason'))}"
    return f"{LIVE}{counter['number']}号窗口现为 / counter is now: {state}"


TICKET_EVENTS = {
    "ticket.called": "叫号 / called",
    "ticket.recalled": "重呼 / recalled",
    "ticket.serving": "开始办理 / serving",
    "ticket.done": "办结 / done",
    "ticket.no_show": "过号 / no-show",
    "ticket.transferred": "已转办 / transferred",
    "ticket.expired": "已过期 / expired",
    "ticket.cancelled": "已取消 / cancelled",
}


def ticket_event_line(type_: str, ticket: Mapping[str, Any], site: SiteInfo) -> str:
    return f"{LIVE}{TICKET_EVENTS.get(type_, type_)}: {ticket_label(ticket, site)}"


def front_transfer_line(ticket: Mapping[str, Any], site: SiteInfo) -> str:
    return f"{LIVE}转入 {ticket_label(ticket, site)} — 排在前面 / transferred to the front"


def help_requested_line(data: Mapping[str, Any]) -> str:
    where = data.get("kiosk_name") or data.get("kiosk") or "前台 / front desk"
    return f"{LIVE}帮办请求 / help requested: {where}"
