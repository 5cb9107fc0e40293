"""The matter receipt (受理回执) on a kiosk's ESC/POS printer, as ticket slips are printed: a live
server, ``python -m kiosk`` with the recording TCP printer (kiosk/sim/printer.py); the bytes carry the
办件编号, the due day and the follow page's QR, and of the person only the masked ID number."""

from __future__ import annotations

from pathlib import Path

import pytest

from printers.decode import decode
from tests.kiosk_rig import rigged_server, wait_for

pytestmark = pytest.mark.live
CLOCK = "2026-05-13T09:30:00+08:00"  # a Wednesday
RESIDENT = "31011519850612107X"
PASSWORD = "receipt-test-password"


def test_the_receipt_prints_on_the_kiosk_printer_with_the_masked_identity_only(tmp_path: Path) -> None:
    for gen in rigged_server(tmp_path, CLOCK, "youyi-k1"):
        live, kiosk, rig = gen
        live.cli("user", "add", "r-clerk", "--role", "clerk", "--site", "youyi", stdin=PASSWORD + "\n")
        live.cli("user", "add", "w-clerk", "--role", "clerk", "--site", "wusong", stdin=PASSWORD + "\n")
        with rig.page() as page:
            wait_for(page, lambda m: m["type"] == "agent" and m["online"] and m["printer"] is True)
        status, ticket = live.call(
            "POST", "/api/v1/sites/youyi/tickets", {"service": "general", "id_number": RESIDENT}, kiosk
        )
        assert status == 201 and ticket["print"]["status"] == "sent"
        rig.printer.wait_for_job(1)  # the ticket slip
        _, auth = live.call("POST", "/api/v1/auth/token", {"username": "r-clerk", "password": PASSWORD})
        clerk = auth["token"]
        for step in ("open", "call-next", "start"):
            assert live.call("POST", f"/api/v1/counters/youyi-1/{step}", {}, clerk)[0] == 200, step
        body = {
            "item": "residence-permit",
            "paper": [2, 3],
            "licence": [0, 1],
            "home_site": "wusong",
            "phone": "13800138000",
        }
        status, m = live.call("POST", "/api/v1/counters/youyi-1/matters", body, clerk)
        assert status == 201, m

        # another center's clerk may not print it, nor anyone at another center's kiosk
        _, other = live.call("POST", "/api/v1/auth/token", {"username": "w-clerk", "password": PASSWORD})
        assert live.call("POST", f"/api/v1/matters/{m['code']}/print", {"kiosk": "youyi-k1"}, other["token"])[0] == 422
        assert live.call("POST", f"/api/v1/matters/{m['code']}/print", {"kiosk": "wusong-k1"}, clerk)[0] == 422
        assert live.call("POST", f"/api/v1/matters/{m['code']}/print", {"kiosk": "youyi-k1"})[0] == 401
        assert live.call("POST", f"/api/v1/matters/{m['code']}/print", {"kiosk": "youyi-k1"}, kiosk)[0] == 403

        status, job = live.call("POST", f"/api/v1/matters/{m['code']}/print", {"kiosk": "youyi-k1"}, clerk)
        assert status == 202 and job["status"] == "sent", job
        raw = rig.printer.wait_for_job(2)
        slip = decode(raw)
        assert slip.line(m["code"]).width == 2
        assert "2026-06-03" in slip.line("应办结日期").text  # 15 working days
        assert slip.line("申请人").text.endswith(m["id_masked"]) and m["id_masked"].endswith("107X")
        assert slip.line("居住证申领").height == 2 and "吴淞" in slip.line("办理中心").text
        assert "居民身份证原件" in slip.line("电子证照免交").text
        assert slip.qr_codes[0].data.endswith(f"/m/{m['code']}") and slip.cuts == 1
        assert RESIDENT.encode() not in raw and RESIDENT[:14].encode() not in raw
        assert b"13800138000" not in raw and b"r-clerk" not in raw
