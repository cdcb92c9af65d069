"""Posting a chunk's daily charges to the ledger; barring mark and notice at zero balance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from telcare.domain.ledger import EntryKind
from telcare.domain.money import fen_to_yuan
from telcare.services import accounts
from telcare.services.charging.subscribers import _Sub
from telcare.services.charging.texts import _texts
from telcare.services.notify import Notice, queue_many


def _ledger(
    s: Session,
    job_id: int,
    charges: dict[int, list[tuple[date, int]]],
    by_id: dict[int, _Sub],
    now: datetime,
) -> int:
    """One entry per subscriber-day moved; barring mark and notice at zero."""
    if not charges:
        return 0
    held = accounts.lock_many(s, (by_id[sid].account_id for sid in charges))
    postings = [
        accounts.BulkPosting(
            held[by_id[sid].account_id],
            EntryKind.CHARGE,
            -delta,
            f"usage {day.isoformat()}",
            _reference(job_id, day),
        )
        for sid, items in sorted(charges.items())
        for day, delta in items
    ]
    barred = {a.id for a in accounts.post_bulk(s, postings, allow_negative=True)}
    notices = []
    for sid in sorted(charges):
        sub = by_id[sid]
        if sub.account_id in barred:
            account = held[sub.account_id]
            text = _texts(sub.language)["barring"].format(yuan=fen_to_yuan(account.balance_fen))
            key = f"barring:{sid}:{_reference(job_id, charges[sid][-1][0])}"
            notices.append(Notice(sub.msisdn, text, key))
    queue_many(s, notices, now=now)
    return sum(delta for items in charges.values() for _, delta in items)


def _reference(job_id: int, day: date) -> str:
    return f"usage:{job_id}:{day.isoformat()}"
