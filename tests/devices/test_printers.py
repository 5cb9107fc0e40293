"""Slips, byte-exact: layouts -> ESC/POS -> our decoder; and a real TCP printer peer for
status (DLE EOT), paper out, offline, silence and a pulled plug."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.sim.printer import SimPrinter
from printers import device, layouts, render, slips
from printers.decode import UnknownCommand, decode
from printers.ops import Qr, Text

TICKET = {
    "site_name": "友谊路街道社区事务受理服务中心",
    "printed_at": "2026-05-13T09:30:07+08:00",
    "number": "A007",
    "service_name": "综合受理",
    "service_name_en": "General acceptance",
    "people_ahead": 3,
    "estimated_wait_minutes": 12,
    "issued_at": "2026-05-13T09:30:05+08:00",
    "counters": [1, 2, 3],
    "track_url": "http://127.0.0.1:8000/t/Zq3xYw1",
    "id_masked": "**************1239",
    "priority": "elderly",
}


def printed(kind: str, data: dict[str, object], columns: int = 48, profile: str | None = "TM-T20II") -> object:
    return decode(render.to_escpos(layouts.layout(slips.parse(kind, data), columns), profile))


def test_ticket_slip_lines_sizes_qr_and_cut() -> None:
    slip = printed("ticket", TICKET)
    assert slip.lines[0] == Text("友谊路街道社区事务受理服务中心", 1, 1, "center", bold=True)
    assert slip.line("A007") == Text("A007", 4, 4, "center", bold=True)
    assert slip.line("综合受理") == Text("综合受理", 2, 2, "center", bold=False)
    assert slip.line("前面等候").text == "前面等候：3 人"
    assert slip.line("预计等候").text == "预计等候：约 12 分钟"
    assert slip.line("办理窗口").text == "办理窗口：1、2、3号窗口"
    assert slip.line("取号时间").text == "取号时间：2026-05-13 09:30"
    assert slip.line("证件号码").text == "证件号码：**************1239"
    assert slip.line("绿色通道").bold
    assert slip.qr_codes == [Qr("http://127.0.0.1:8000/t/Zq3xYw1", 6, "center")]
    assert slip.cuts == 1 and slip.items[-1].__class__.__name__ == "Cut"
    # the whole slip: nothing but masked identity, no full number or name
    assert "110105" not in slip.text


def test_ticket_without_estimate_identity_or_counters() -> None:
    data = {**TICKET, "estimated_wait_minutes": None, "id_masked": None, "priority": "normal", "counters": []}
    slip = printed("ticket", data)
    assert slip.line("预计等候").text == "预计等候：暂无窗口开放，请留意叫号"
    assert "证件号码" not in slip.text and "绿色通道" not in slip.text and "办理窗口" not in slip.text


def test_58mm_paper_wraps_and_printers_without_a_cutter_get_no_cut() -> None:
    slip = printed("ticket", {**TICKET, "site_name": "宝山区大场镇大华社区事务受理服务中心分中心"}, 32, "POS-5890")
    assert all(layouts.cell_width(line.text) * line.width <= 32 for line in slip.lines)
    assert slip.cuts == 0
    assert "".join(line.text for line in slip.lines[:2]) == "宝山区大场镇大华社区事务受理服务中心分中心"


def test_guide_slip_lists_documents_per_matter() -> None:
    data = {
        "site_name": "吴淞街道社区事务受理服务中心",
        "printed_at": "2026-05-13T10:00:00+08:00",
        "service_name": "社保医保",
        "matters": [
            {
                "name": "社会保障卡补换",
                "name_en": "Card replacement",
                "documents": ["居民身份证原件", "社保卡照片回执"],
            },
        ],
    }
    slip = printed("guide", data)
    assert slip.line("办事指南").align == "center"
    assert slip.line("社保医保").width == 2
    assert slip.line("【社会保障卡补换】").bold
    assert [line.text for line in slip.lines if line.text[:2] in ("1.", "2.")] == [
        "1. 居民身份证原件",
        "2. 社保卡照片回执",
    ]
    assert slip.cuts == 1 and not slip.qr_codes


def test_appointment_slip_has_the_code_as_text_and_qr() -> None:
    data = {
        "site_name": "宝山区婚姻登记管理所",
        "printed_at": "2026-05-13T10:00:00+08:00",
        "service_name": "结婚登记",
        "code": "K7PQ2MXA",
        "start": "2026-05-20T09:00:00+08:00",
        "end": "2026-05-20T09:30:00+08:00",
        "applicants": [{"name": "王**", "id_masked": "**************1223"}],
    }
    slip = printed("appointment", data)
    assert slip.line("2026-05-20 09:00–09:30").bold
    assert slip.line("K7PQ2MXA").width == 2
    assert slip.qr_codes[0].data == "K7PQ2MXA"
    assert slip.line("申请人").text == "申请人：王**  **************1223"


def test_a_bad_job_is_refused_with_the_field() -> None:
    with pytest.raises(ValueError, match="number"):
        slips.parse("ticket", {"site_name": "x", "service_name": "y"})
    with pytest.raises(ValueError, match="unknown slip kind"):
        slips.parse("poster", {})


def test_the_decoder_fails_on_bytes_we_do_not_emit() -> None:
    good = render.to_escpos([layouts.Text("你好")])
    assert decode(good).text == "你好"
    for bad in (b"\x1b@\x07", b"\x1b@\x1bX\x01", b"\x1b@\xd6\xd0\n", b"\x1d(k\x03\x002C\x06"):
        with pytest.raises(UnknownCommand):
            decode(bad)


# -- a real TCP printer -----------------------------------------------------------------
@pytest.fixture
def sim() -> Iterator[SimPrinter]:
    p = SimPrinter().start()
    yield p
    p.stop()


def cfg(sim: SimPrinter, timeout: float = 1.0) -> device.PrinterConfig:
    return device.PrinterConfig(kind="network", host="127.0.0.1", port=sim.port, timeout=timeout)


def ticket_bytes() -> bytes:
    return render.to_escpos(layouts.layout(slips.parse("ticket", TICKET)), "TM-T20II")


def test_status_and_print_on_a_healthy_printer(sim: SimPrinter) -> None:
    assert device.status(cfg(sim)) == device.Status(True, "ok")
    st = device.send(cfg(sim), ticket_bytes())
    assert st.online is True and st.paper == "ok"
    slip = decode(sim.wait_for_job(1))
    assert slip.line("A007").width == 4 and slip.qr_codes[0].data == TICKET["track_url"]


def test_paper_near_end_still_prints(sim: SimPrinter) -> None:
    sim.paper = "near_end"
    assert device.send(cfg(sim), ticket_bytes()).paper == "near_end"
    assert decode(sim.wait_for_job(1)).cuts == 1


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("online", "offline"), ("paper", "paper_out"), ("cover_open", "cover_open"), ("cutter_error", "cutter_error")],
)
def test_each_fault_is_named_before_printing(sim: SimPrinter, fault: str, reason: str) -> None:
    # like an Epson-compatible printer, every fault sets the offline bit: DLE EOT 2/3/4 say why
    setattr(sim, fault, {"online": False, "paper": "out"}.get(fault, True))
    st = device.status(cfg(sim))
    assert st.online is False and st.error == reason and (st.paper == "out") == (reason == "paper_out")
    with pytest.raises(device.PrintFailed) as failed:
        device.send(cfg(sim), ticket_bytes())
    assert failed.value.reason == reason and failed.value.status == st
    assert all(not job.strip(b"\x00") for job in sim.jobs)  # nothing but status queries reached the paper


@pytest.mark.parametrize("fault", ["paper_out", "cover_open", "cutter_error", "reset"])
def test_a_fault_during_the_slip_fails_the_job(sim: SimPrinter, fault: str) -> None:
    sim.fault_after = (200, fault)  # the first 200 bytes reach the paper, then the fault
    with pytest.raises(device.PrintFailed) as failed:
        device.send(cfg(sim, timeout=0.5), ticket_bytes())
    reason = "interrupted" if fault == "reset" else fault
    assert failed.value.reason == reason and failed.value.status.error == reason
    if fault == "paper_out":
        assert failed.value.status.paper == "out"  # health says out at once, not "ok"
    assert len(sim.wait_for_job(1)) <= 200  # half a slip reached the paper, no cut


def test_a_whole_slip_is_confirmed_after_the_cut(sim: SimPrinter) -> None:
    st = device.send(
        device.PrinterConfig(kind="network", port=sim.port, timeout=1.0, confirm_seconds=0.3), ticket_bytes()
    )
    assert st == device.Status(True, "ok")
    assert sim.queries >= 4  # asked before the slip and again after the cut


def test_a_silent_printer_is_unknown_not_ok(sim: SimPrinter) -> None:
    sim.answer = False
    assert device.status(cfg(sim, timeout=0.3)) == device.Status(None, "unknown")
    device.send(cfg(sim, timeout=0.3), ticket_bytes())  # it may still print: no reply is not a fault
    assert decode(sim.wait_for_job(1)).cuts == 1


def test_a_pulled_plug_is_unreachable(sim: SimPrinter) -> None:
    sim.stop()
    assert device.status(cfg(sim)) == device.UNREACHABLE
    with pytest.raises(device.PrintFailed) as failed:
        device.send(cfg(sim), ticket_bytes())
    assert failed.value.reason == "unreachable"


def test_no_printer_configured() -> None:
    assert device.status(device.PrinterConfig()) == device.NOT_CONFIGURED
    with pytest.raises(device.PrintFailed):
        device.send(device.PrinterConfig(), b"")
