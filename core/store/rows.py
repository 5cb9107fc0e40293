"""What every store module shares: the connection protocol and tickets read positionally."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from core.model import Ticket


class Connection(Protocol):
    """A database connection as the store drives it: sqlite3's, or core/store/pg/conn.py's."""

    def execute(self, sql: str, params: Any = (), /) -> Any: ...


class Conn(Protocol):
    def execute(self, sql: str, params: Any = ()) -> Any: ...
    def one(self, sql: str, params: Any = ()) -> Any: ...


TICKET_COLUMNS = (
    "id, site, service, day, seq, number, status, source, priority, issued_ts, arrived_ts, rank_ts, front, "
    "front_ts, due_ts, target_counter, counter, called_ts, serving_ts, closed_ts, recalls, requeued, transfers, "
    "id_masked, device"
)
# Rows are read in the order of the Ticket fields: positional construction is a third of
# the cost of ``Ticket(**dict(row))``, which shows when a hundred tickets go to a counter.
assert TICKET_COLUMNS.split(", ") == [f.name for f in dataclasses.fields(Ticket)]


def _ticket(row: Any) -> Ticket:
    return Ticket(*row)
