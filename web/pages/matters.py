"""Matter pages (办件, docs/matters.md): the staff's matters of a site, the printed receipt, and the
resident's follow page (code + last 4 of the ID number, asked on the page, never in the link)."""

from __future__ import annotations

import io
import re

import segno
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.errors import MatterNotFound
from core.matters import views
from core.supervision import evaluation
from web.deps import SUPERVISORS, Staff, can_see, district_wide, hall_of, staff
from web.i18n import N_
from web.pages.sites import page_site
from web.render import Refused, error_page, render

_CODE = re.compile(r"^M\d{6}[2-9A-HJ-NP-Z]{6}$")
MATTERS_JS = {
    "none": N_("None"),
    "open": N_("Open matters"),
    "hand_off": N_("Hand off"),
    "start": N_("Start"),
    "ready": N_("Mark ready"),
    "deliver": N_("Delivered"),
    "return": N_("Return for documents"),
    "reject": N_("Reject"),
    "reopen": N_("Documents brought: reopen"),
    "reason_prompt": N_("Reason (required)"),
    "missing_prompt": N_("Which documents are missing?"),
    "due": N_("Due %(day)s"),
    "overdue": N_("Overdue"),
    "near": N_("Due soon"),
    "saved": N_("Saved."),
    "followup_prompt": N_("What was done about this rating?"),
    "record_followup": N_("Record follow-up"),
    "elicence": N_("e-licence"),
}
COUNTER_JS = {  # the counter page's matters card (js/staff/matters.js)
    "matter_paper": N_("Paper"),
    "matter_elicence": N_("e-licence"),
    "matter_optional": N_("if needed"),
    "matter_accepted": N_("Accepted %(code)s, due %(due)s"),
    "matter_returned": N_("Returned for documents: %(code)s"),
    "matter_receipt": N_("Receipt"),
    "matter_collect": N_("For this visit: %(n)s ready matter(s) to hand over"),
    "matter_deliver": N_("Delivered"),
    "matter_none": N_("None"),
    "matter_due": N_("Due %(day)s"),
}
RECEIPT_JS = {
    "sent": N_("Sent to the kiosk's printer."),
}
FOLLOW_JS = {
    "wrong": N_("The code or the last 4 digits are not right."),
    "due": N_("Due %(day)s"),
    "rated": N_("Thank you for your rating."),
    "ready_notice": N_("Ready: take a 出证领证 number at %(site)s with your ID card to collect it."),
    "returned_notice": N_("Documents are missing. Bring them to the center to continue:"),
    "elicence": N_("e-licence"),
}


async def _staff_site(request: Request) -> tuple[Staff, str]:
    who = await staff(request)
    if who is None:
        raise Refused(Response(status_code=303, headers={"Location": f"/counter?next={request.url.path}"}))
    return page_site(request, who)


async def matters_page(request: Request) -> Response:
    """A site's matters: incoming hand-offs, open ones by due day, returned, ready; for supervisors
    also near and past due per clerk, bad-rating follow-ups and on-time figures."""
    who, site_id = await _staff_site(request)
    hall = hall_of(request)
    site = hall.config.site(site_id)
    supervisor = who.role in SUPERVISORS
    sites = list(hall.config.sites) if district_wide(who) else []
    data = {"site": site_id, "supervisor": supervisor}
    ctx = {"staff": who, "site": site, "sites": sites, "data": data, "supervisor": supervisor}
    return render(request, "matters.html", ctx, js=MATTERS_JS)


async def receipt(request: Request) -> Response:
    """The receipt slip of a matter (受理回执), printed from the counter: code, item, due day, how to follow."""
    who = await staff(request)
    if who is None:
        raise Refused(error_page(request, 401, "请先登录 / sign in first"))
    hall = hall_of(request)
    try:
        m = await hall.store.read(views.staff_view, request.path_params["code"], lambda s: can_see(who, s))
    except MatterNotFound:
        return error_page(request, 404, "没有这个办件 / no such matter")
    url = f"{hall.public_url}/m/{m['code']}"
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=4, border=2, xmldecl=False, svgns=True,
                                    title=None, dark="#111", light="#fff")  # fmt: skip
    centers = {m["accepted_site"], m["processing_site"]}
    kiosks = [{"id": d.id, "name": d.name or d.id, "name_en": d.name_en or d.name or d.id}
              for s in hall.config.sites if s.id in centers and can_see(who, s.id) for d in s.kiosks]  # fmt: skip
    ctx = {"m": m, "url": url, "qr": buf.getvalue().decode(), "kiosks": kiosks, "staff": who}
    return render(request, "matters_receipt.html", ctx, js=RECEIPT_JS)


async def follow(request: Request) -> Response:
    """The resident's page of one matter: asks for the last 4 of the ID number, then shows every step."""
    code = request.path_params["code"].strip().upper()
    if not _CODE.match(code):
        return error_page(request, 404, "没有这个办件 / no such matter")
    labels = evaluation.labels()
    return render(request, "matters_follow.html", {"code": code, "data": {"code": code, **labels}}, js=FOLLOW_JS)


routes: list[BaseRoute] = [
    Route("/matters", matters_page, name="matters"),
    Route("/matters/{code}/receipt", receipt, name="matter_receipt"),
    Route("/m/{code}", follow, name="matter_follow"),
]
