"""A psycopg connection that the store modules can use as they use SQLite's.

``execute(sql, params)`` takes the SQLite text (translated by dialect.py), returns a cursor
with ``fetchone``/``fetchall``/``fetchmany``/``rowcount``; rows are read by position and by
name like ``sqlite3.Row``. Python booleans go in as 0/1 (the schema's flags are integers),
``numeric`` results (``SUM`` of integers) come out as int, or float when fractional. A broken
uniqueness rule is raised as ``sqlite3.IntegrityError``, which callers already handle.
"""

from __future__ import annotations

import decimal
import sqlite3
from collections.abc import Sequence
from typing import Any

import psycopg
import psycopg.adapt
import psycopg.errors
import psycopg.rows

from core.store.pg.dialect import translate


class Row(tuple[Any, ...]):
    """A result row read by position (``row[0]``) or by column name (``row["id"]``)."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _rows(cursor: psycopg.Cursor[Any]) -> psycopg.rows.RowMaker[Row]:
    names = {c.name: i for i, c in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> Row:
        return Row(values, names)

    return make


class _Numeric(psycopg.adapt.Loader):
    def load(self, data: Any) -> int | float:
        value = decimal.Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


def _param(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


class PgConn:
    """One PostgreSQL connection in autocommit mode: transactions are the store's own
    ``BEGIN``/``COMMIT``/``SAVEPOINT`` statements, as with SQLite."""

    def __init__(self, url: str) -> None:
        self.raw: psycopg.Connection[Row] = psycopg.connect(url, autocommit=True, row_factory=_rows)
        self.raw.adapters.register_loader("numeric", _Numeric)

    def execute(self, sql: str, params: Any = (), /) -> psycopg.Cursor[Row]:
        args = tuple(_param(p) for p in params)
        try:
            return self.raw.execute(translate(sql), args)
        except psycopg.errors.IntegrityError as e:
            if isinstance(e, psycopg.errors.UniqueViolation | psycopg.errors.CheckViolation):
                raise sqlite3.IntegrityError(str(e).splitlines()[0]) from e
            raise

    def one(self, sql: str, params: Any = ()) -> Row | None:
        return self.execute(sql, params).fetchone()

    def plain(self, sql: str, params: Any = ()) -> psycopg.Cursor[Row]:
        """A statement written for PostgreSQL (no translation)."""
        return self.raw.execute(sql, params)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    @property
    def broken(self) -> bool:
        return self.raw.closed or self.raw.broken

    def close(self) -> None:
        self.raw.close()
