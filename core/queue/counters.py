"""Counter actions (SPEC 4): open, call next, recall, start, done, no-show, transfer, pause.

Each is a write job ``f(tx, counter_id, clerk, ...)``. The clerk must be the one signed in
at the counter; the check runs inside the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from core import store
from core.config import Counter, Site
from core.days.hours import local_day
from core.errors import (
    CounterBusy,
    CounterNotOpen,
    CounterTaken,
    InvalidInput,
    InvalidTransition,
    NoCurrentTicket,
    NotSignedIn,
    RecallLimit,
    TicketNotFound,
    UnknownCounter,
    UnknownService,
)
from core.model import PAUSE_REASONS, CounterRow, Ticket
from core.queue.calling import bonus_minutes, choose
from core.queue.views import counter_view, public_ticket
from core.registry import visits
from core.store import counter_last
from core.store.db import Reader, Tx
from protocol.events import EventType

Position = Literal["front", "arrival"]


@dataclass(frozen=True)
class Called:
    ticket: Ticket | None
    reason: str


def sync(tx: Tx) -> None:
    """Make sure every configured counter has its row."""
    store.ensure_counters(tx, ((k.id, s.id) for s in tx.config.sites for k in s.counters))


def _counter(tx: Tx, counter_id: str) -> tuple[Site, Counter, CounterRow]:
    found = tx.config.counter(counter_id)
    row = store.counter(tx, counter_id) if found else None
    if found is None or row is None:
        raise UnknownCounter(f"没有这个窗口 / unknown counter {counter_id!r}")
    return found[0], found[1], row


def _signed_in(tx: Tx, counter_id: str, clerk: str) -> tuple[Site, Counter, CounterRow]:
    site, counter, row = _counter(tx, counter_id)
    if row.clerk != clerk:
        raise NotSignedIn("您未在此窗口登录 / you are not signed in at this counter")
    return site, counter, row


def _current(tx: Tx, row: CounterRow, *statuses: str) -> Ticket:
    t = store.ticket(tx, row.current) if row.current else None
    if t is None:
        raise NoCurrentTicket("窗口当前没有号 / no ticket at this counter")
    if t.status not in statuses:
        raise InvalidTransition(f"当前号的状态为 {t.status} / the ticket is {t.status}")
    return t


def _counter_event(tx: Tx, site: Site, counter_id: str, actor: str) -> None:
    row = store.counter(tx, counter_id)
    assert row is not None
    tx.emit(site.id, "counter.updated", {"counter": counter_view(tx, row)}, actor=actor)


def _set_state(tx: Tx, site: Site, counter_id: str, actor: str, **fields: Any) -> CounterRow:
    store.update_counter(tx, counter_id, state_ts=tx.now.timestamp(), **fields)
    _counter_event(tx, site, counter_id, actor)
    return _counter(tx, counter_id)[2]


def _ticket_event(
    tx: Tx, type_: EventType, ticket_id: str, actor: str, *, by: str | None = None, **extra: Any
) -> Ticket:
    """Emit a ticket event; ``by`` is the counter that acted (public: displays show it)."""
    t = store.ticket(tx, ticket_id)
    assert t is not None
    data = {"ticket": public_ticket(tx, t), "waiting": store.waiting_counts(tx, t.site), **extra}
    if by is not None:
        found = tx.config.counter(by)
        data["by_counter"] = None if found is None else {"id": by, "number": found[1].number}
    tx.emit(t.site, type_, data, actor=actor, ticket=t.id)
    return t


# -- signing in and out ----------------------------------------------------------------
def open_counter(tx: Tx, counter_id: str, clerk: str, clerk_site: str | None) -> CounterRow:
    site, _, row = _counter(tx, counter_id)
    if clerk_site is not None and clerk_site != site.id:
        raise NotSignedIn("您不属于这个中心 / you do not work at this center")
    if row.clerk not in (None, clerk):
        raise CounterTaken("该窗口已有人登录 / another clerk is signed in at this counter")
    elsewhere = store.counter_of_clerk(tx, clerk)
    if elsewhere is not None and elsewhere.id != counter_id:
        if elsewhere.current is not None:
            raise CounterBusy(f"请先办完 {elsewhere.id} 的当前号 / finish the ticket at your other counter first")
        store.update_counter(
            tx, elsewhere.id, state="closed", clerk=None, pause_reason=None, state_ts=tx.now.timestamp()
        )
        found = tx.config.counter(elsewhere.id)
        assert found is not None
        _counter_event(tx, found[0], elsewhere.id, clerk)
    if row.clerk == clerk and row.state != "closed":
        return row
    return _set_state(tx, site, counter_id, clerk, state="open", clerk=clerk, pause_reason=None)


def close_counter(tx: Tx, counter_id: str, clerk: str, *, force: bool = False) -> CounterRow:
    site, _, row = _counter(tx, counter_id) if force else _signed_in(tx, counter_id, clerk)
    if row.current is not None:
        raise CounterBusy("请先办完、转办或过号当前号 / finish, transfer or mark the current ticket first")
    return _set_state(tx, site, counter_id, clerk, state="closed", clerk=None, pause_reason=None)


def pause(tx: Tx, counter_id: str, clerk: str, reason: str) -> CounterRow:
    site, _, row = _signed_in(tx, counter_id, clerk)
    if reason not in PAUSE_REASONS:
        raise InvalidInput(f"暂停原因无效 / pause reason must be one of {', '.join(PAUSE_REASONS)}", field="reason")
    if row.current is not None:
        raise CounterBusy("请先办完当前号再暂停 / finish the current ticket before pausing")
    return _set_state(tx, site, counter_id, clerk, state="paused", pause_reason=reason)


def resume(tx: Tx, counter_id: str, clerk: str) -> CounterRow:
    site, _, row = _signed_in(tx, counter_id, clerk)
    if row.state != "paused":
        raise InvalidTransition("窗口未暂停 / the counter is not paused")
    return _set_state(tx, site, counter_id, clerk, state="open", pause_reason=None)


# -- the ticket in hand ----------------------------------------------------------------
def call_next(tx: Tx, counter_id: str, clerk: str) -> Called:
    """Call the next ticket by the rules of core.queue.calling; ``ticket`` None when nobody waits."""
    site, counter, row = _signed_in(tx, counter_id, clerk)
    if row.state != "open":
        raise CounterNotOpen("窗口暂停中，请先恢复 / the counter is paused: resume first")
    if row.current is not None:
        raise CounterBusy("请先办完、转办或过号当前号 / finish, transfer or mark the current ticket first")
    picked = choose(
        store.candidates(tx, site.id, counter.services, counter_id, tx.now.timestamp()), counter.services, tx.now
    )
    if picked is None:
        return Called(None, "没有等候的号 / nobody is waiting")
    cand, reason = picked
    now = tx.now.timestamp()
    store.update_ticket(
        tx, cand.id, status="called", counter=counter_id, called_ts=now, front=0, target_counter=None, recalls=0
    )
    store.update_counter(tx, counter_id, current=cand.id)
    # the reason stays with the clerk: it can reveal a green-channel class (disability, pregnancy)
    t = _ticket_event(tx, "ticket.called", cand.id, clerk, by=counter_id)
    visits.notify_turn_near(tx, site.id, t.service)
    return Called(t, reason)


def recall(tx: Tx, counter_id: str, clerk: str) -> Ticket:
    _, _, row = _signed_in(tx, counter_id, clerk)
    t = _current(tx, row, "called")
    if t.recalls >= tx.config.policy.recall_limit:
        raise RecallLimit(f"已重呼 {t.recalls} 次 / already recalled {t.recalls} times: mark no-show or start")
    store.update_ticket(tx, t.id, recalls=t.recalls + 1)
    return _ticket_event(tx, "ticket.recalled", t.id, clerk, by=counter_id)


def start(tx: Tx, counter_id: str, clerk: str) -> Ticket:
    _, _, row = _signed_in(tx, counter_id, clerk)
    t = _current(tx, row, "called")
    store.update_ticket(tx, t.id, status="serving", serving_ts=tx.now.timestamp())
    return _ticket_event(tx, "ticket.serving", t.id, clerk, by=counter_id)


def done(tx: Tx, counter_id: str, clerk: str) -> Ticket:
    """Finish the ticket in hand; a ticket still ``called`` is started and finished at once."""
    _, _, row = _signed_in(tx, counter_id, clerk)
    t = _current(tx, row, "called", "serving")
    if t.status == "called":
        t = start(tx, counter_id, clerk)
    store.update_ticket(tx, t.id, status="done", closed_ts=tx.now.timestamp())
    store.update_counter(tx, counter_id, current=None)
    counter_last.set_last(tx, counter_id, t.id)
    visits.on_ticket_closed(tx, t.id, "done")
    return _ticket_event(tx, "ticket.done", t.id, clerk, by=counter_id)


def no_show(tx: Tx, counter_id: str, clerk: str) -> Ticket:
    """The holder did not come: void, or put back behind the next N once (service policy)."""
    _, _, row = _signed_in(tx, counter_id, clerk)
    t = _current(tx, row, "called")
    service = tx.config.service(t.service)
    assert service is not None
    store.update_counter(tx, counter_id, current=None)
    counter_last.set_last(tx, counter_id, t.id)
    if service.no_show == "requeue" and not t.requeued:
        behind = store.rank_after(tx, t.site, t.service, service.requeue_after)
        rank = t.rank_ts if behind is None else max(t.rank_ts, behind + 0.001)
        store.update_ticket(tx, t.id, status="waiting", rank_ts=rank, requeued=1, counter=None, called_ts=None)
        return _ticket_event(tx, "ticket.no_show", t.id, clerk, requeued=True, by=counter_id)
    store.update_ticket(tx, t.id, status="no_show", closed_ts=tx.now.timestamp())
    return _ticket_event(tx, "ticket.no_show", t.id, clerk, requeued=False, by=counter_id)


def transfer(
    tx: Tx,
    counter_id: str,
    clerk: str,
    *,
    service: str | None = None,
    to_counter: str | None = None,
    position: Position = "arrival",
) -> Ticket:
    """Send the ticket in hand to another service or counter, keeping its number and arrival."""
    site, _, row = _signed_in(tx, counter_id, clerk)
    t = _current(tx, row, "called", "serving")
    if (service is None) == (to_counter is None):
        raise InvalidInput("请选择转到的业务或窗口 / give either a service or a counter")
    if position not in ("front", "arrival"):
        raise InvalidInput("position must be front or arrival", field="position")
    new_service = t.service
    if service is not None:
        if service not in site.services:
            raise UnknownService(f"本中心没有该业务 / service {service!r} is not offered here")
        new_service = service
    if to_counter is not None:
        target = tx.config.counter(to_counter)
        if target is None or target[0].id != site.id:
            raise UnknownCounter(f"本中心没有这个窗口 / no counter {to_counter!r} at this center")
    now = tx.now.timestamp()
    bonus = bonus_minutes(t.priority, tx.config.policy.green_bonus_minutes) * 60
    store.update_ticket(
        tx,
        t.id,
        status="waiting",
        service=new_service,
        target_counter=to_counter,
        counter=None,
        front=int(position == "front"),
        front_ts=now if position == "front" else None,
        rank_ts=t.arrived_ts - bonus,
        transfers=t.transfers + 1,
        requeued=0,
        recalls=0,
    )
    store.update_counter(tx, counter_id, current=None)
    counter_last.set_last(tx, counter_id, t.id)
    return _ticket_event(
        tx, "ticket.transferred", t.id, clerk, position=position, from_service=t.service, by=counter_id
    )


def reinstate(tx: Tx, counter_id: str, clerk: str, number: str, position: Position = "arrival") -> Ticket:
    """Put a ticket voided as no-show today back in the queue (``arrival``: behind those waiting now)."""
    site, _, _ = _signed_in(tx, counter_id, clerk)
    t = store.ticket_by_number(tx, site.id, local_day(tx.now).isoformat(), number.strip().upper())
    if t is None:
        raise TicketNotFound(f"今天没有 {number} 号 / no ticket {number} today")
    if t.status != "no_show":
        raise InvalidTransition(f"{t.number} 不是过号状态 / {t.number} is {t.status}, not no-show")
    now = tx.now.timestamp()
    store.update_ticket(
        tx,
        t.id,
        status="waiting",
        rank_ts=now,
        front=int(position == "front"),
        front_ts=now if position == "front" else None,
        counter=None,
        closed_ts=None,
        called_ts=None,
        recalls=0,
    )
    return _ticket_event(tx, "ticket.reinstated", t.id, clerk, position=position, by=counter_id)


def expire_open(tx: Tx, site_id: str, *, before_day: str | None = None, statuses: tuple[str, ...] = ()) -> int:
    """Close what is still open at closing time (``statuses``) or left from earlier days (all)."""
    n = 0
    for t in store.tickets_to_expire(tx, site_id, before_day, statuses):
        store.update_ticket(tx, t.id, status="expired", closed_ts=tx.now.timestamp())
        if t.counter:
            row = store.counter(tx, t.counter)
            if row is not None and row.current == t.id:
                store.update_counter(tx, t.counter, current=None)
        _ticket_event(tx, "ticket.expired", t.id, "system")
        n += 1
    return n


def last_and_reinstatable(r: Reader, counter_id: str) -> dict[str, Any]:
    """The ticket that last left the counter, as it is now, and today's voided no-shows of the
    counter's services (what Reinstate can take): the page shows the server's truth."""
    found = r.config.counter(counter_id)
    if found is None:
        raise UnknownCounter(f"没有这个窗口 / unknown counter {counter_id!r}")
    site, counter = found
    voided = counter_last.voided_no_shows(r, site.id, local_day(r.now).isoformat(), counter.services)
    t = counter_last.last(r, counter_id)
    last = None
    if t is not None and t.day == local_day(r.now).isoformat():
        last = {"number": t.number, "service": t.service, "status": t.status, "requeued": bool(t.requeued),
                "reinstatable": any(v.id == t.id for v in voided)}  # fmt: skip
    return {"last": last, "reinstatable": [v.number for v in voided]}
