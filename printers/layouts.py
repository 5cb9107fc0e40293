"""Slip layouts: pure functions from slip data to print operations.

Chinese first, English where it helps a visitor; never a full name or ID number (the
server sends them masked). ``columns`` is the paper's width in single-width characters
(48 on 80 mm paper, 32 on 58 mm); a Hanzi takes two.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from printers.ops import Cut, Feed, Op, Qr, Text
from printers.slips import AppointmentSlip, GuideSlip, MatterSlip, Slip, TicketSlip

PRIORITY = {
    "elderly": "绿色通道：老年人",
    "disabled": "绿色通道：残疾人",
    "pregnant": "绿色通道：孕妇",
    "military": "绿色通道：军人优先",
    "appointment": "预约签到",
}


def cell_width(text: str) -> int:
    """Columns ``text`` takes on the printer: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrap(text: str, columns: int, indent: str = "") -> list[str]:
    """Break ``text`` into lines of at most ``columns`` cells; continuation lines get ``indent``."""
    lines: list[str] = []
    line, used = "", 0
    for ch in text:
        w = cell_width(ch)
        if used + w > columns and line:
            lines.append(line)
            line, used = indent, cell_width(indent)
            if ch == " ":
                continue
        line += ch
        used += w
    if line.strip() or not lines:
        lines.append(line)
    return lines


def local_time(iso: str) -> str:
    """``2026-05-13T09:30:05+08:00`` -> ``2026-05-13 09:30`` (the server's local time)."""
    if not iso:
        return ""
    try:
        return dt.datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def _header(slip: Slip, columns: int, title: str) -> list[Op]:
    return [
        *(Text(line, align="center", bold=True) for line in wrap(slip.site_name, columns)),
        Text(title, align="center"),
        Text("-" * columns),
    ]


def _lines(text: str, columns: int, bold: bool = False) -> list[Op]:
    return [Text(line, bold=bold) for line in wrap(text, columns, indent="  ")]


def ticket(slip: TicketSlip, columns: int = 48) -> list[Op]:
    """The ticket of SPEC 6: number, service, people ahead, wait, counters, time, QR, masked ID."""
    wait = (
        "暂无窗口开放，请留意叫号" if slip.estimated_wait_minutes is None else f"约 {slip.estimated_wait_minutes} 分钟"
    )
    counters = "、".join(str(n) for n in slip.counters)
    ops: list[Op] = [
        *_header(slip, columns, "排队号 Your number"),
        Text(slip.number, width=4, height=4, align="center", bold=True),
        Feed(1),
        *(Text(line, width=2, height=2, align="center") for line in wrap(slip.service_name, columns // 2)),
    ]
    if slip.service_name_en:
        ops += [Text(line, align="center") for line in wrap(slip.service_name_en, columns)]
    if slip.existing:
        ops.append(Text("（补打：您已取过此业务的号）", align="center"))
    ops += [Text("-" * columns), Text(f"前面等候：{slip.people_ahead} 人"), Text(f"预计等候：{wait}")]
    if counters:
        ops += _lines(f"办理窗口：{counters}号窗口", columns)
    if slip.priority in PRIORITY:
        ops.append(Text(PRIORITY[slip.priority], bold=True))
    if slip.id_masked:
        ops.append(Text(f"证件号码：{slip.id_masked}"))
    ops.append(Text(f"取号时间：{local_time(slip.issued_at or slip.printed_at)}"))
    if slip.track_url:
        ops += [Feed(1), Qr(slip.track_url, size=6), Text("手机扫码查看排队进度", align="center")]
    ops += [Text("请留意叫号，过号请咨询工作人员", align="center"), Cut()]
    return ops


def guide(slip: GuideSlip, columns: int = 48) -> list[Op]:
    """The service guide (办事指南): for each matter, the documents to bring."""
    ops: list[Op] = [
        *_header(slip, columns, "办事指南 Service guide"),
        *(Text(line, width=2, height=2, align="center") for line in wrap(slip.service_name, columns // 2)),
    ]
    for matter in slip.matters:
        ops += [Text("-" * columns), *_lines(f"【{matter.name}】", columns, bold=True)]
        if matter.name_en:
            ops += _lines(matter.name_en, columns)
        ops.append(Text("请携带以下材料："))
        for i, doc in enumerate(matter.documents, 1):
            ops += [Text(line) for line in wrap(f"{i}. {doc}", columns, indent="   ")]
    ops += [Text("-" * columns), Text(f"打印时间：{local_time(slip.printed_at)}"), Cut()]
    return ops


def appointment(slip: AppointmentSlip, columns: int = 48) -> list[Op]:
    """The appointment confirmation: when, what, the code (also as QR for the kiosk's scanner)."""
    start, end = local_time(slip.start), local_time(slip.end)
    ops: list[Op] = [
        *_header(slip, columns, "预约确认 Appointment"),
        *(Text(line, width=2, height=2, align="center") for line in wrap(slip.service_name, columns // 2)),
        Text(f"{start}–{end[-5:]}", align="center", bold=True),
        Feed(1),
        Text("预约码 Booking code", align="center"),
        Text(slip.code, width=2, height=2, align="center", bold=True),
        Qr(slip.code, size=6),
        Text("-" * columns),
    ]
    for a in slip.applicants:
        ops.append(Text(f"申请人：{a.name}  {a.id_masked}".rstrip()))
    ops += _lines(
        f"请于预约时间前 {slip.checkin_early_minutes} 分钟至开始后 {slip.checkin_late_minutes} 分钟内，"
        "在自助机刷身份证或扫描预约码签到。",
        columns,
    )
    ops += [Text(f"打印时间：{local_time(slip.printed_at)}"), Cut()]
    return ops


def matter(slip: MatterSlip, columns: int = 48) -> list[Op]:
    """The acceptance receipt (受理回执): the 办件编号 large and as the follow page's QR, the due day."""
    ops: list[Op] = [
        *_header(slip, columns, "受理回执 Acceptance receipt"),
        *(Text(line, width=2, height=2, align="center") for line in wrap(slip.item_name, columns // 2)),
        *(_lines(slip.item_name_en, columns) if slip.item_name_en else []),
        Feed(1),
        Text("办件编号 Matter number", align="center"),
        Text(slip.code, width=2, height=2, align="center", bold=True),
        Text("-" * columns),
        Text(f"申请人：{slip.id_masked}"),
        Text(f"状态：{slip.status_label}"),
    ]
    days = f"（{slip.days} 个工作日）" if slip.days is not None else ""
    ops += _lines(f"应办结日期：{slip.due or '补齐材料后起算'}{days}", columns, bold=True)
    ops += _lines(f"办理中心：{slip.processing_name}", columns)
    if slip.licence:
        ops += _lines("电子证照免交：" + "、".join(slip.licence), columns)
    if slip.missing:
        ops.append(Text("请补齐以下材料："))
        for i, doc in enumerate(slip.missing, 1):
            ops += [Text(line) for line in wrap(f"{i}. {doc}", columns, indent="   ")]
    if slip.follow_url:
        ops += [Qr(slip.follow_url, size=6), *_lines("扫码或打开以下网址，输入身份证后4位查询进度：", columns)]
        ops += [Text(line) for line in wrap(slip.follow_url, columns)]
    ops += [Text("-" * columns), Text(f"打印时间：{local_time(slip.printed_at)}"), Cut()]
    return ops


def layout(slip: Slip, columns: int = 48) -> list[Op]:
    if isinstance(slip, TicketSlip):
        return ticket(slip, columns)
    if isinstance(slip, GuideSlip):
        return guide(slip, columns)
    if isinstance(slip, AppointmentSlip):
        return appointment(slip, columns)
    if isinstance(slip, MatterSlip):
        return matter(slip, columns)
    raise TypeError(f"no layout for {type(slip).__name__}")
