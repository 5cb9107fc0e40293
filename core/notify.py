"""Notifications (SPEC 5): confirmations, reminders, "your turn is near", no-show warnings.

Write jobs put messages in the ``outbox`` table in the same transaction as the change that
causes them; a sender delivers due messages through a ``Sink`` and marks them sent, retrying
failures with backoff. Delivery is at least once: a crash between sending and marking can
repeat a message, never lose one. The default sink appends to a log file with the phone
masked; an SMS gateway is another ``Sink`` (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from pathlib import Path
from typing import Any, Protocol

from core import identity
from core.days.clock import Clock
from core.errors import InvalidPhone
from core.store import booking as sql
from core.store.db import Reader, Tx

TEXTS = {
    "booking.confirmed": "【{site}】您已预约{service}，时间{start}，预约码{code}。",
    "booking.rescheduled": "【{site}】您的{service}预约（{code}）已由{before}改到{start}，原时间作废。",
    "booking.cancelled": "【{site}】您{start}的{service}预约（{code}）已取消。如非本人操作，请致电登记处。",
    "booking.reminder": "【{site}】提醒：您明天{start}预约了{service}，请携带证件按时到达。预约码{code}。",
    "booking.guessed": "【{site}】有人多次用错误的验证信息操作您的预约（{code}），该预约已暂时锁定。"
    "如非本人操作，预约不受影响；如有疑问请致电登记处。",
    "booking.no_show": "您的预约（{code}）未按时签到，已记爽约一次。多次爽约将暂停预约。",
    "turn.near": "【{site}】您的{number}号前面还有{ahead}人，请到大厅等候叫号。",
    # to the site's supervisors (core/supervision/evaluation.py): no phone of a resident, no reason text
    "evaluation.bad": "【{site}】{counter}号窗口的{number}号收到差评（{grade}），请及时跟进。",
    # 办件 (core/matters/lifecycle.py): the code and the item, never the identity
    "matter.ready": "【{site}】您的办件{code}（{item}）已办好，请携带身份证到本中心取“出证领证”号领取。",
    "matter.returned": "【{site}】您的办件{code}（{item}）需要补正材料，请查看办件进度页或致电中心。",
    # 摇号 (core/peak/): entry and booking codes and times, never a name
    "ballot.entered": "【{site}】您已登记{date}结婚登记摇号，登记码{code}，{draw_at}开奖。",
    "ballot.won": "【{site}】恭喜中签：{start}结婚登记，预约码{booking}。请在{confirm_by}前用登记码{code}确认，"
    "逾期名额顺延。",
    "ballot.offered": "【{site}】候补递补成功：{start}结婚登记，预约码{booking}。"
    "请在{confirm_by}前用登记码{code}确认。",
    "ballot.passed": "【{site}】您未在规定时间内确认，摇号名额（预约码{booking}）已顺延给候补。",
    "matter.rejected": "【{site}】您的办件{code}（{item}）不予办理，理由见办件进度页。",
}


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def sealed_phone(secret: bytes, phone: str) -> str:
    """A mainland mobile number checked and sealed for the outbox (never stored in the clear).

    :raises InvalidPhone: not a mainland mobile number.
    """
    digits = identity.digits(phone).replace(" ", "").replace("-", "")
    if not _MOBILE.match(digits):
        raise InvalidPhone("手机号无效 / not a mainland mobile number", field="phone")
    return identity.seal(secret, digits)


def mask_phone(phone: str | None) -> str | None:
    """``138****5678``: how a phone appears in a log."""
    return None if not phone else phone[:3] + "****" + phone[-4:]


class Sink(Protocol):
    def send(self, kind: str, phone: str | None, text: str) -> None:
        """Deliver one message; raise to have it retried later."""
        ...


class LogSink:
    """Appends one JSON line per message to a file; the phone is masked."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()

    def send(self, kind: str, phone: str | None, text: str) -> None:
        masked = mask_phone(phone)
        line = json.dumps({"at": self.clock.now().isoformat(timespec="seconds"), "kind": kind,
                           "to": masked, "text": text}, ensure_ascii=False)  # fmt: skip
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")


def render(kind: str, payload: dict[str, Any]) -> str:
    for key in ("start", "before"):
        if when := payload.get(key):
            payload = {**payload, key: dt.datetime.fromisoformat(when).strftime("%m月%d日 %H:%M")}
    return TEXTS.get(kind, kind).format_map({k: v for k, v in payload.items()})


def due(r: Reader, limit: int = 50) -> list[dict[str, Any]]:
    # ``platform.*`` rows are the 好差评 export's (core/matters/export.py sends them), not messages
    return [
        dict(row) for row in sql.due_messages(r, r.now.timestamp(), limit) if not row["kind"].startswith("platform.")
    ]


def mark(tx: Tx, results: list[tuple[int, str | None, int]]) -> None:
    """Record outcomes: (id, error or None, attempts so far); failures retry with backoff."""
    for message_id, error, attempts in results:
        if error is None:
            sql.mark_sent(tx, message_id, tx.now.timestamp())
        else:
            retry = tx.now.timestamp() + min(3600, 30 * 2**attempts)
            sql.mark_failed(tx, message_id, error, retry)


def deliver(sink: Sink, messages: list[dict[str, Any]], secret: bytes) -> list[tuple[int, str | None, int]]:
    """Send due messages; phones are stored sealed and opened only here."""
    out: list[tuple[int, str | None, int]] = []
    for m in messages:
        try:
            phone = identity.unseal(secret, m["phone"]) if m["phone"] else None
            sink.send(m["kind"], phone, render(m["kind"], json.loads(m["payload"])))
            out.append((m["id"], None, m["attempts"]))
        except Exception as e:  # any sink failure: retry later
            out.append((m["id"], f"{type(e).__name__}: {e}", m["attempts"]))
    return out


def purge(tx: Tx) -> int:
    """Retention (SPEC 8): personal data of closed tickets and appointments older than
    ``policy.retention_days`` is removed; statistics keep their rows."""
    before = tx.now - dt.timedelta(days=tx.config.policy.retention_days)
    return sql.purge_before(tx, before.timestamp())
