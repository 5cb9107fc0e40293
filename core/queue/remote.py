"""Remote tickets (SPEC 6b, docs/district.md): a number taken from a phone or a place kiosk.

A remote ticket is issued like any other (number, rank, priority class from the ID number) but
with status ``remote``: it holds its place in the queue from issue time and counts as ahead of
whoever comes after it, yet no counter calls it (calling offers ``waiting`` tickets only) until
its holder checks in at the site; then it waits with its original rank. Not checked in within
the service's ``remote_arrive_within`` minutes, it expires. One live remote ticket per identity
per day, at any site.
"""

from __future__ import annotations

import datetime as dt

from core import identity, store
from core.days.hours import is_open, local_day, window
from core.errors import RemoteClosed, RemoteExpired, RemoteHeld, SiteClosed, TicketNotFound
from core.model import Ticket
from core.queue import tickets
from core.queue.views import arrive_by, public_ticket
from core.store import remote as remote_sql
from core.store.db import Tx


def issue(
    tx: Tx,
    site_id: str,
    service_id: str,
    id_number: str,
    *,
    actor: str,
    device: str | None = None,
    phone: str | None = None,
) -> tickets.Issued:
    """Take a remote ticket for today at an open site.

    :raises RemoteClosed: the service takes no remote tickets, or its arrive-within time would
        run past closing (a remote ticket is only taken while the whole time fits).
    :raises SiteClosed: the site is not open now.
    :raises RemoteHeld: this identity already holds a live remote ticket today (any site), or a
        live ticket of this service here.
    :raises InvalidIdNumber: a bad ID number (normalised as on every other path: fullwidth digits...).
    """
    site, service = tickets.site_and_service(tx, site_id, service_id)
    if not service.remote or not service.walk_in:
        raise RemoteClosed("该业务不支持远程取号 / this service takes no remote tickets")
    if not is_open(site, tx.now, tx.schedule):
        raise SiteClosed("现在不在办公时间 / the center is closed now")
    hours = window(site, local_day(tx.now), tx.schedule)
    latest = tx.now + dt.timedelta(minutes=service.remote_arrive_within)
    if hours is None or latest > hours[1]:
        raise RemoteClosed(
            f"今日远程取号已截止（需在闭馆前 {service.remote_arrive_within} 分钟取号）/ too late today: a remote "
            f"ticket is taken up to {service.remote_arrive_within} min before closing"
        )
    number = identity.normalize(id_number, local_day(tx.now))
    id_hash = identity.keyed_hash(tx.secret, number)
    held = remote_sql.held_today(tx, id_hash, local_day(tx.now).isoformat())
    if held is not None:
        # Neither the number nor the center: an ID number is no secret, and whoever types one
        # must not learn where its holder is going today (SPEC 8). The holder has the link.
        raise RemoteHeld(
            "该身份证号今天已取过远程号，每人每天限一个；请查看取号时的链接或短信，或到中心自助机签到 / this ID "
            "number already holds a remote ticket today (one a day): see the link or message you got, or check "
            "in at the center's kiosk"
        )
    if store.live_ticket_for_identity(tx, site.id, service.id, id_hash) is not None:
        raise RemoteHeld("您已在本中心取了该业务的号 / you already hold a number for this service here")
    return tickets.issue(
        tx, site.id, service.id, source="remote", actor=actor, id_number=number, device=device, phone=phone
    )


def check_in(
    tx: Tx, site_id: str, *, ticket_id: str | None = None, id_hash: str | None = None, actor: str = "kiosk"
) -> Ticket | None:
    """Check a remote ticket in at its site, by the ticket's id (its QR) or by its holder's identity.

    Returns the ticket, now waiting (or as it is, when already checked in); None when the identity
    holds no remote ticket here today (the caller tries appointments next).

    :raises TicketNotFound: no such remote ticket at this site.
    :raises RemoteExpired: it expired (not checked in in time, or taken on another day).
    """
    today = local_day(tx.now).isoformat()
    if ticket_id is not None:
        t = store.ticket(tx, ticket_id.strip())
        if t is None or t.site != site_id or t.source != "remote":
            raise TicketNotFound("本中心没有这个远程号 / no such remote ticket at this center")
    else:
        t = remote_sql.not_arrived_here(tx, site_id, today, id_hash or "")
        if t is None:
            return None
    if t.status == "expired" or (t.status == "remote" and t.day != today):
        raise RemoteExpired(
            f"远程号 {t.number} 已过期 / remote ticket {t.number} has expired: take a number here", number=t.number
        )
    if t.status != "remote":
        return t  # already checked in (waiting, called, serving) or closed: as it is
    return tickets.arrive(tx, t, actor)


def expire_due(tx: Tx) -> int:
    """Expire remote tickets not checked in by their arrive-by time (housekeeping, every few seconds)."""
    n = 0
    for t in remote_sql.issued_before(tx, tx.now.timestamp() - 5 * 60):  # 5 min: the shortest allowed window
        if arrive_by(tx, t) > tx.now.timestamp():
            continue
        store.update_ticket(tx, t.id, status="expired", closed_ts=tx.now.timestamp())
        gone = store.ticket(tx, t.id)
        assert gone is not None
        data = {"ticket": public_ticket(tx, gone), "waiting": store.waiting_counts(tx, t.site), "remote": True}
        tx.emit(t.site, "ticket.expired", data, actor="system", ticket=t.id)
        n += 1
    return n
