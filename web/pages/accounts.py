"""Staff accounts for supervisors: disable, enable, unlock a sign-in lockout (/admin/accounts).

An admin acts on every account but their own; a supervisor on the clerks of the sites they see.
Disabling ends the account's sessions and tokens at once (core/accounts.py). Messages after an
action come from a fixed list by code, never from the URL.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core import accounts
from core.errors import HallError
from web.deps import Staff, can_see, hall_of, site_scope
from web.i18n import N_
from web.pages.staff import checked_form, supervisor_page
from web.render import error_page, render

ACTIONS = {"disable": "disabled", "enable": "enabled", "unlock": "unlocked"}  # action -> its DONE code
DONE = {
    "disabled": N_("The account is disabled: its sessions and tokens have ended."),
    "enabled": N_("The account may sign in again."),
    "unlocked": N_("The sign-in lockout of the account is lifted."),
    "refused": N_("You may not change this account."),
    "unknown": N_("There is no such account."),
}


def may_manage(who: Staff, account: dict[str, Any]) -> bool:
    if account["username"] == who.name:
        return False
    if who.role == "admin":
        return True
    return account["role"] == "clerk" and account["site"] is not None and can_see(who, account["site"])


async def _visible(request: Request, who: Staff) -> list[dict[str, Any]]:
    site = site_scope(who)
    found: list[dict[str, Any]] = await hall_of(request).store.read(accounts.accounts_of, site)
    return [{**a, "manage": may_manage(who, a)} for a in found]


async def accounts_page(request: Request) -> Response:
    who = await supervisor_page(request)
    done = request.query_params.get("done", "")
    ctx = {"staff": who, "accounts": await _visible(request, who), "done": DONE.get(done), "done_code": done}
    return render(request, "accounts.html", ctx)


async def accounts_post(request: Request) -> Response:
    who = await supervisor_page(request)
    form = await checked_form(request)
    name, action = str(form.get("username") or ""), str(form.get("action") or "")
    if action not in ACTIONS:
        return error_page(request, 422, "未知操作 / unknown action")
    account = next((a for a in await _visible(request, who) if a["username"] == name), None)
    if account is None:
        return RedirectResponse("/admin/accounts?done=unknown", status_code=303)
    if not account["manage"]:
        return RedirectResponse("/admin/accounts?done=refused", status_code=303)
    hall = hall_of(request)
    if action == "unlock":
        await hall.logins.unlock(name)
    else:
        try:
            await hall.store.write(accounts.set_disabled, name, action == "disable")
        except HallError:
            return RedirectResponse("/admin/accounts?done=unknown", status_code=303)
        hall.tokens.forget_name(name)
    return RedirectResponse(f"/admin/accounts?done={ACTIONS[action]}#u-{name}", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/accounts", accounts_page, name="admin_accounts"),
    Route("/admin/accounts", accounts_post, methods=["POST"], name="admin_accounts_post"),
]
