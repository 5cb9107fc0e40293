"""Help requests (帮办): a kiosk's call for a member of staff, as a small lifecycle.

``open`` -> ``claimed`` (by one named staff member) -> ``closed``. A kiosk that presses
again while its request is live gets the same request back (no new alert); a site holds
at most ``LIVE_LIMIT`` live requests. Claims are conditional updates inside the writer's
transaction: of two people claiming at once, one wins and the other learns who has it.

Events (``help.requested``, ``help.claimed``, ``help.closed``) carry the request's id,
the kiosk and its status: nothing personal. The staff member's name is the event's
actor; only staff sockets see it (web/live/sites.py, ``Event.staff``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.days.hours import local_day
from core.errors import HelpClosed, HelpNotFound, HelpTaken, TooManyHelpRequests
from core.model import iso
from core.store import help_requests as sql
from core.store.db import Reader, Tx
from core.store.help_requests import HelpRow

LIVE_LIMIT = 20


def view(h: HelpRow) -> dict[str, Any]:
    """A request as staff see it (hall page, counters, the API)."""
    fields = ("id", "kiosk", "kiosk_name", "status", "claimed_by", "closed_by")
    out: dict[str, Any] = {key: getattr(h, key) for key in fields}
    out.update(opened_at=iso(h.opened_ts), claimed_at=iso(h.claimed_ts), closed_at=iso(h.closed_ts))
    return out


def _public(h: HelpRow) -> dict[str, Any]:
    return {"help": h.id, "kiosk": h.kiosk, "kiosk_name": h.kiosk_name, "status": h.status}


def request(tx: Tx, site: str, kiosk: str | None, kiosk_name: str, actor: str) -> tuple[HelpRow, bool]:
    """Open a request for ``kiosk`` (None: raised by staff); ``(request, new)``.

    :raises TooManyHelpRequests: the site already has ``LIVE_LIMIT`` live requests.
    """
    if kiosk is not None:
        live = sql.live_of_kiosk(tx, site, kiosk)
        if live is not None:
            return live, False
    if sql.count_live(tx, site) >= LIVE_LIMIT:
        raise TooManyHelpRequests(f"已有 {LIVE_LIMIT} 个求助未处理 / {LIVE_LIMIT} help requests are already open")
    help_id = sql.insert(tx, site, kiosk, kiosk_name, tx.now.timestamp())
    h = _get(tx, site, help_id)
    tx.emit(site, "help.requested", _public(h), actor=actor)
    return h, True


def _get(c: Reader, site: str, help_id: int) -> HelpRow:
    h = sql.get(c, site, help_id)
    if h is None:
        raise HelpNotFound(f"没有这个求助 / no help request {help_id} at this center")
    return h


def claim(tx: Tx, site: str, help_id: int, staff: str) -> HelpRow:
    """Claim an open request for ``staff``.

    :raises HelpNotFound: no such request at ``site``.
    :raises HelpTaken: someone claimed it first (``claimed_by`` names them).
    :raises HelpClosed: it is closed already.
    """
    if not sql.claim(tx, site, help_id, staff, tx.now.timestamp()):
        h = _get(tx, site, help_id)
        if h.status == "claimed":
            who = h.claimed_by or ""
            if who == staff:
                return h
            raise HelpTaken(f"{who} 已在处理 / {who} has already taken this request", claimed_by=who)
        raise HelpClosed("这个求助已处理完毕 / this help request is already closed")
    h = _get(tx, site, help_id)
    tx.emit(site, "help.claimed", _public(h), actor=staff)
    return h


def close(tx: Tx, site: str, help_id: int, staff: str) -> HelpRow:
    """Close a request (claimed or not: the person who helped closes it).

    :raises HelpNotFound: no such request at ``site``.
    :raises HelpClosed: it is closed already.
    """
    if not sql.close(tx, site, help_id, staff, tx.now.timestamp()):
        _get(tx, site, help_id)
        raise HelpClosed("这个求助已处理完毕 / this help request is already closed")
    h = _get(tx, site, help_id)
    tx.emit(site, "help.closed", _public(h), actor=staff)
    return h


def of_today(r: Reader, site: str) -> list[dict[str, Any]]:
    """Live requests and those of today, newest first."""
    today = local_day(r.now)
    start = dt.datetime(today.year, today.month, today.day, tzinfo=r.now.tzinfo).timestamp()
    return [view(h) for h in sql.of_day(r, site, start)]
