"""The subscribers of a chunk's numbers, with their account, language and reminder choice."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.config import get_settings
from telcare.store.models import Account, Subscriber


@dataclass(frozen=True)
class _Sub:
    id: int
    account_id: int
    msisdn: str
    status: str
    language: str
    reminder: bool


def _subscribers(s: Session, numbers: list[str]) -> dict[str, _Sub]:
    default = get_settings().reminders_default_on
    out: dict[str, _Sub] = {}
    for i in range(0, len(numbers), 5000):
        rows = s.execute(
            select(Subscriber, Account.id)
            .join(Account, Account.subscriber_id == Subscriber.id)
            .where(Subscriber.msisdn.in_(numbers[i : i + 5000]))
        ).all()
        for sub, account_id in rows:
            on = default if sub.data_reminder is None else sub.data_reminder
            out[sub.msisdn] = _Sub(sub.id, account_id, sub.msisdn, sub.status, sub.language, on)
    return out
