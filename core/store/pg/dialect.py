"""The store modules' SQLite SQL as PostgreSQL runs it.

The store modules keep one SQL text for both databases; the few SQLite forms they use are
rewritten here, once per distinct statement (cached): ``?`` placeholders, ``INDEXED BY``
hints, ``INSERT OR IGNORE``, ``json_extract``, ``GLOB 'x*'``, the weekday of a unix time, and
the alias PostgreSQL 15 wants on a subquery in FROM. A statement that needs anything else
is a store module's to write portably (docs/scale.md lists what is portable).
"""

from __future__ import annotations

import functools
import re

_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.I)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.I)
_JSON = re.compile(r"json_extract\(\s*(\w+)\s*,\s*'\$\.([\w.]+)'\s*\)", re.I)
_GLOB = re.compile(r"\bGLOB\s+'([^'*?\[%_]*)\*'", re.I)
# SQLite's weekday of a unix time: CAST(strftime('%w', X, 'unixepoch') AS INTEGER)
_WEEKDAY = re.compile(r"CAST\(\s*strftime\('%w',\s*(.+?),\s*'unixepoch'\)\s+AS\s+INTEGER\s*\)", re.I)
_RETURNING = re.compile(r"\sRETURNING\s", re.I)
_FROM_SUB = re.compile(r"\bFROM\s*\(\s*SELECT\b", re.I)
_ALIAS = re.compile(r"\s*(AS\s+)?[A-Za-z_]\w*", re.I)
_UPSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+).*?\bON\s+CONFLICT\b[^)]*\)\s*DO\s+UPDATE\s+SET\s+", re.I | re.S)
_UPSERT_END = re.compile(r"\sRETURNING\s", re.I)
_WORD = re.compile(r"'[^']*'|(?<![.\w])([A-Za-z_]\w*)(?![\w.(])|\w+")
_BARE = {
    "and",
    "or",
    "not",
    "null",
    "is",
    "in",
    "case",
    "when",
    "then",
    "else",
    "end",
    "true",
    "false",
    "like",
    "between",
    "excluded",
    "where",
    "distinct",
}
_KEYWORDS = {"where", "group", "order", "limit", "union", "join", "on", "left", "inner", "cross", "having"}


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """The PostgreSQL text of one statement with ``?`` placeholders (psycopg's ``%s``)."""
    sql = _INDEXED_BY.sub("", sql)
    if _OR_IGNORE.search(sql):
        sql = _OR_IGNORE.sub("INSERT INTO", sql)
        m = _RETURNING.search(sql)
        sql = f"{sql[: m.start()]} ON CONFLICT DO NOTHING{sql[m.start() :]}" if m else f"{sql} ON CONFLICT DO NOTHING"
    sql = _JSON.sub(lambda m: f"({m[1]}::jsonb #> '{{{','.join(m[2].split('.'))}}}')", sql)
    sql = _GLOB.sub(lambda m: f"LIKE '{m[1]}%'", sql)
    sql = _WEEKDAY.sub(lambda m: f"CAST(EXTRACT(DOW FROM to_timestamp({m[1]}) AT TIME ZONE 'UTC') AS INTEGER)", sql)
    sql = _alias_subqueries(sql)
    sql = _qualify_upsert(sql)
    return _placeholders(sql)


def _alias_subqueries(sql: str) -> str:
    """``FROM (SELECT ...)`` without a name gets one (PostgreSQL before 16 requires it)."""
    out, pos, n = [], 0, 0
    for m in _FROM_SUB.finditer(sql):
        if m.start() < pos:
            continue
        open_at = sql.index("(", m.start())
        depth, i = 0, open_at
        while i < len(sql):
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            if depth == 0:
                break
            i += 1
        after = _ALIAS.match(sql, i + 1)
        named = after is not None and (after[1] or after[0].strip().lower() not in _KEYWORDS)
        out.append(sql[pos : i + 1])
        if not named:
            n += 1
            out.append(f" AS _q{n}")
        pos = i + 1
    out.append(sql[pos:])
    return "".join(out)


def _placeholders(sql: str) -> str:
    """``?`` outside string literals -> ``%s``; every literal ``%`` doubled (psycopg parses them)."""
    out: list[str] = []
    quoted = False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def _qualify_upsert(sql: str) -> str:
    """In ``ON CONFLICT ... DO UPDATE SET a = a + 1 WHERE a < ?`` the bare ``a`` is ambiguous to
    PostgreSQL (the row or ``excluded``); SQLite means the row: name the table."""
    m = _UPSERT.match(sql)
    if m is None:
        return sql
    table, start = m[1], m.end()
    end_m = _UPSERT_END.search(sql, start)
    end = end_m.start() if end_m else len(sql)
    body = sql[start:end]
    parts = _split_top(body)
    out = []
    for part in parts:
        if "=" in part and not part.lstrip().lower().startswith("where"):
            col, _, expr = part.partition("=")
            expr, where = _split_where(expr)
            out.append(f"{col}={_qualify(expr, table)}{_qualify(where, table)}")
        else:
            out.append(_qualify(part, table))
    return sql[:start] + ",".join(out) + sql[end:]


def _split_top(body: str) -> list[str]:
    parts, depth, buf, quoted = [], 0, "", False
    for ch in body:
        if ch == "'":
            quoted = not quoted
        if not quoted:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if ch == "," and depth == 0:
                parts.append(buf)
                buf = ""
                continue
        buf += ch
    parts.append(buf)
    return parts


def _split_where(expr: str) -> tuple[str, str]:
    m = re.search(r"\sWHERE\s", expr, re.I)
    return (expr, "") if m is None else (expr[: m.start()], expr[m.start() :])


def _qualify(text: str, table: str) -> str:
    def one(m: re.Match[str]) -> str:
        word = m[1]
        if word is None or word.lower() in _BARE:
            return m[0]
        return f"{table}.{word}"

    return _WORD.sub(one, text)
