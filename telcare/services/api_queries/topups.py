"""Top-ups (TMF654): a line's recharges and balance adjustments, and who may post them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import N_
from telcare.services import accounts
from telcare.services.api_queries.views import Line, Page, _checked, _line, visible_lines
from telcare.store import models as m
from telcare.store.uow import Database

TOPUP_ACTION = "balance.cash_topup"  # cash top-ups at the counter (role matrix)
ADJUST_ACTION = "balance.adjust"  # balance corrections (role matrix)


def cash_topup(
    db: Database, who: Principal, line: Line, amount_fen: int, *, idempotency_key: str, reason: str
) -> accounts.Posting:
    """Staff take cash at the counter for ``line`` (a line ``who`` may see)."""
    roles.require(who, TOPUP_ACTION)
    return accounts.recharge(
        db, line.msisdn, amount_fen, idempotency_key=idempotency_key, reason=reason
    )


def adjust_balance(
    db: Database, who: Principal, line: Line, amount_fen: int, *, idempotency_key: str, reason: str
) -> accounts.Posting:
    """An admin corrects ``line``'s balance: a positive amount credits, a negative debits."""
    roles.require(who, ADJUST_ACTION)
    return accounts.adjust(
        db,
        line.msisdn,
        abs(amount_fen),
        credit=amount_fen > 0,
        idempotency_key=idempotency_key,
        reason=reason,
    )


@dataclass(frozen=True, slots=True)
class TopupView:
    id: int
    line: Line
    amount_fen: int
    balance_after_fen: int
    reason: str
    reference: str | None
    created_at: datetime


def _topup_view(line: Line, entry: m.LedgerEntry) -> TopupView:
    return TopupView(
        entry.id,
        line,
        entry.amount_fen,
        entry.balance_after_fen,
        entry.reason,
        entry.reference,
        entry.created_at,
    )


def topup(
    db: Database, who: Principal, entry_id: int, *, kind: EntryKind = EntryKind.RECHARGE
) -> TopupView:
    """One ledger entry of ``kind`` (a recharge, or an adjustment) of a visible line."""
    with db.uow() as uow:
        s = uow.session
        entry = s.get(m.LedgerEntry, entry_id)
        if entry is None or entry.kind != kind.value:
            raise NotFound(N_("api.not_found"))
        account = s.get_one(m.Account, entry.account_id)
        line = _checked(who, s.get(m.Subscriber, account.subscriber_id))
        return _topup_view(line, entry)


def topups(
    db: Database,
    who: Principal,
    line: Line | None,
    offset: int,
    limit: int,
    *,
    kind: EntryKind = EntryKind.RECHARGE,
) -> Page[TopupView]:
    """The ``kind`` entries (recharges by default) of the line, or of every line the
    caller may see (``line`` None), newest first."""
    with db.uow() as uow:
        s = uow.session
        where: list[Any] = [m.LedgerEntry.kind == kind.value]
        if line is not None:
            _checked(who, s.get(m.Subscriber, line.id))
            where.append(m.Subscriber.id == line.id)
        else:
            where.append(visible_lines(who))
        base = (
            select(m.LedgerEntry, m.Subscriber)
            .join(m.Account, m.Account.id == m.LedgerEntry.account_id)
            .join(m.Subscriber, m.Subscriber.id == m.Account.subscriber_id)
            .where(*where)
        )
        total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = s.execute(base.order_by(m.LedgerEntry.id.desc()).offset(offset).limit(limit)).all()
        return Page([_topup_view(_line(sub), e) for e, sub in rows], total)
