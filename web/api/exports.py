"""Statistics tables as CSV: UTF-8 with a byte-order mark, so Excel opens Chinese correctly.

Column headers follow the page language (gettext); minutes have one decimal, rates are
percentages. Text a resident or clerk typed (comments, follow-up notes) can start like a
formula: every text cell is neutralised (SPEC 8).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.errors import InvalidInput
from web import i18n
from web.i18n import N_

Column = tuple[str, str]  # (field, header msgid)

FIGURES: list[Column] = [
    ("issued", N_("Issued")),
    ("called", N_("Calls")),
    ("served", N_("Served")),
    ("no_show", N_("No-shows")),
    ("cancelled", N_("Cancelled")),
    ("expired", N_("Expired")),
    ("requeued", N_("Requeued no-shows")),
    ("transfers", N_("Transfers")),
    ("recalls", N_("Recalls")),
    ("wait_avg", N_("Average wait (min)")),
    ("wait_p90", N_("90th percentile wait (min)")),
    ("service_avg", N_("Average service (min)")),
    ("service_p90", N_("90th percentile service (min)")),
    ("pause_minutes", N_("Pause (min)")),
    ("evaluations", N_("Ratings")),
    ("satisfaction_rate", N_("Satisfaction rate (per cent)")),
    ("bad", N_("Bad ratings")),
]
TABLES: dict[str, tuple[Callable[[dict[str, Any]], list[dict[str, Any]]], list[Column]]] = {
    "summary": (lambda d: [d["totals"]], [*FIGURES, ("open", N_("Still open"))]),
    "services": (lambda d: d["services"], [("service", N_("Service code")), ("name", N_("Service")), *FIGURES]),
    "counters": (lambda d: d["counters"], [("number", N_("Counter")), *FIGURES]),
    "clerks": (lambda d: d["clerks"], [("clerk", N_("Clerk")), *FIGURES]),
    "hours": (
        lambda d: [
            {"date": day, "hour": f"{h:02d}:00", "issued": row[j]}
            for day, row in zip(d["heatmap"]["dates"], d["heatmap"]["issued"], strict=True)
            for j, h in enumerate(d["heatmap"]["hours"])
        ],
        [("date", N_("Date")), ("hour", N_("Hour")), ("issued", N_("Issued"))],
    ),
    "pauses": (
        lambda d: d["pauses"],
        [("reason_text", N_("Pause reason")), ("count", N_("Pauses")), ("minutes", N_("Pause (min)"))],
    ),
    "appointments": (
        lambda d: d["appointments"]["rows"],
        [
            ("name", N_("Service")),
            ("booked", N_("Booked, not yet due")),
            ("checked_in", N_("Checked in")),
            ("completed", N_("Completed")),
            ("no_show", N_("No-shows")),
            ("cancelled", N_("Cancelled")),
            ("show_rate", N_("Show rate (per cent)")),
        ],
    ),
    "satisfaction": (
        lambda d: d["satisfaction"]["grades"],
        [("grade", N_("Grade")), ("label", N_("Rating")), ("count", N_("Ratings"))],
    ),
    "evaluations": (
        lambda d: [
            {**e, "counter": (e["counter"] or {}).get("number"), "followups": len(e["followups"])}
            for e in d["evaluations"]
        ],
        [
            ("at", N_("Time")),
            ("number", N_("Number")),
            ("service", N_("Service code")),
            ("counter", N_("Counter")),
            ("clerk", N_("Clerk")),
            ("grade", N_("Grade")),
            ("grade_label", N_("Rating")),
            ("channel", N_("Channel")),
            ("reason_text", N_("Reason")),
            ("comment", N_("Comment")),
            ("followups", N_("Follow-ups")),
        ],
    ),
}
RATES = frozenset({"satisfaction_rate", "show_rate"})


def _cell(field: str, value: Any, lang: str) -> Any:
    if value is None:
        return ""
    if field in RATES:
        return round(value * 100, 1)
    if field in ("reason_text", "pause_reason_text") and isinstance(value, str) and " / " in value:
        zh, _, en = value.partition(" / ")
        return en if lang == "en" else zh
    return value


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula (= + - @, or a tab or CR first) is
    quoted with a leading apostrophe, which Excel and LibreOffice show as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(data: dict[str, Any], table: str, gettext: Callable[[str], str], lang: str = "zh") -> str:
    """One table of a statistics report as CSV text, with a BOM.

    :raises InvalidInput: an unknown table name.
    """
    if table not in TABLES:
        raise InvalidInput(f"table must be one of {', '.join(TABLES)}", field="table")
    rows_of, columns = TABLES[table]
    if table == "services" and lang == "en":
        columns = [(("name_en" if f == "name" else f), h) for f, h in columns]
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([gettext(h) for _, h in columns])
    for row in rows_of(data):
        writer.writerow([safe_cell(_cell(f, row.get(f), lang)) for f, _ in columns])
    return buf.getvalue()


def csv_response(request: Request, data: dict[str, Any], table: str) -> Response:
    lang = i18n.lang_of(request)
    text = to_csv(data, table, i18n.translations_for(request).gettext, lang)
    name = f"stats-{data['site']['id']}-{table}-{data['from']}_{data['to']}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
