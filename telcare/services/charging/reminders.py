"""Data reminders: the thresholds a chunk crossed, and the subscriber's on/off switch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.config import get_settings
from telcare.domain import rating
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.reminders import AllowanceUse, DataUsage, due_reminders
from telcare.services import lookups
from telcare.services.charging.allowances import _Bucket, _month_bounds
from telcare.services.charging.subscribers import _Sub
from telcare.services.charging.texts import _reminder_text
from telcare.services.idempotency import run_once
from telcare.services.notify import Notice, queue_many
from telcare.store import bulk
from telcare.store.charging_models import DataReminderSent
from telcare.store.uow import Database, UnitOfWork


def _reminders(
    s: Session,
    by_id: dict[int, _Sub],
    buckets: list[_Bucket],
    used_before: dict[tuple[int, str], tuple[int, int, int]],
    per_bucket: dict[tuple[int, str], list[int]],
    oop: tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]],
    pairs: list[tuple[int, str]],
    now: datetime,
) -> None:
    """Queue the data reminders whose thresholds this chunk crossed."""
    months = sorted({m for _, m in pairs})
    sent: dict[tuple[int, str], set[str]] = {}
    ids = sorted({sid for sid, _ in pairs})
    mark = DataReminderSent
    for i in range(0, len(ids), 5000):
        for sid, month, threshold in s.execute(
            select(mark.subscriber_id, mark.month, mark.threshold).where(
                mark.subscriber_id.in_(ids[i : i + 5000]), mark.month.in_(months)
            )
        ):
            sent.setdefault((sid, month), set()).add(threshold)
    marks: list[dict[str, Any]] = []
    notices: list[Notice] = []
    data_buckets: dict[int, list[_Bucket]] = {}
    for b in buckets:
        if b.service == rating.DATA:
            data_buckets.setdefault(b.subscriber_id, []).append(b)
    for sid, month in pairs:
        m_start, m_end = _month_bounds(month)
        mine = [
            b
            for b in data_buckets.get(sid, [])
            if b.period in (month, "once") and b.start < m_end and b.end > m_start
        ]

        states = []
        for after in (False, True):
            uses = []
            for b in mine:
                used = used_before.get((b.subscription_id, b.period), (0, 0, 0))[0]
                if after:
                    used += per_bucket.get((b.subscription_id, b.period), [0, 0, 0])[0]
                uses.append(AllowanceUse(str(b.subscription_id), b.name, b.total, used))
            ufen = oop[after].get((sid, month), 0)
            states.append(DataUsage(tuple(uses), rating.ufen_to_fen(ufen)))
        due = due_reminders(states[0], states[1], now=now, already=sent.get((sid, month), set()))
        for r in due:
            marks.append(
                {
                    "subscriber_id": sid,
                    "month": month,
                    "threshold": r.key,
                    "sent": r.send,
                    "created_at": now,
                }
            )
            if r.send:
                sub = by_id[sid]
                notices.append(
                    Notice(
                        sub.msisdn,
                        _reminder_text(r, sub.language),
                        f"llx:{sid}:{month}:{r.key}",
                        not_before=r.not_before,
                    )
                )
    queue_many(s, notices, now=now)
    bulk.insert_rows(s, DataReminderSent, marks)


def reminder_enabled(db: Database, msisdn: str) -> bool:
    """Whether data reminders are on: the subscriber's choice, else the operator's."""
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        return reminder_on(sub.data_reminder)


def reminder_on(choice: bool | None) -> bool:
    return get_settings().reminders_default_on if choice is None else choice


def set_data_reminder(db: Database, msisdn: str, on: bool, *, idempotency_key: str) -> bool:
    """Turn data reminders on or off (``KTLLTX`` / ``QXLLTX``, the page, the API)."""
    number = normalise_msisdn(msisdn)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        sub = lookups.subscriber(uow.session, number)
        sub.data_reminder = on
        return {"msisdn": number, "on": on}

    result = run_once(db, "reminder.set", idempotency_key, {"msisdn": number, "on": on}, work)
    return bool(result["on"])
