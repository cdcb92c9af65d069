"""Balance reservations for online charging (TMF654 ``reserveBalance``).

A reservation holds money on a line's prepaid balance: it is ``created`` only if the
balance less what other live reservations hold covers it, and while it lives every
debit that checks funds (orders by SMS, web or API, SP fees, add-on renewals) may
take only that remainder (:func:`telcare.services.accounts.held`); it is then ``committed``
(the used amount, at most the reserved one, is charged by one ledger entry in the same
transaction), ``released`` (nothing charged) or, once ``expires_at`` has passed,
``expired``. An expired reservation holds nothing and can no longer be committed.
Who: headquarters or provincial ``admin`` staff (the online charging system's account)
for lines they may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict, InvalidInput, NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.ledger import EntryKind, available
from telcare.domain.messages import N_
from telcare.services import lookups
from telcare.services.accounts import held, post_entry
from telcare.services.api_queries import Line, Page, line_by_id, require_role, visible_lines
from telcare.services.api_queries.views import _checked, _line
from telcare.store import models as m
from telcare.store.tmf_models import BalanceReservation
from telcare.store.uow import Database

RESERVE_ROLES = "balance.reserve"  # the role-matrix action (admins)
DEFAULT_TTL = timedelta(minutes=15)
MAX_TTL = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ReservationView:
    id: int
    line: Line
    amount_fen: int
    status: str  # created | committed | released | expired
    reason: str
    committed_fen: int | None
    created_at: datetime
    expires_at: datetime
    updated_at: datetime


def _status(r: BalanceReservation, now: datetime) -> str:
    return "expired" if r.status == "created" and r.expires_at <= now else r.status


def _view(r: BalanceReservation, line: Line, now: datetime) -> ReservationView:
    return ReservationView(
        r.id,
        line,
        r.amount_fen,
        _status(r, now),
        r.reason,
        r.committed_fen,
        r.created_at,
        r.expires_at,
        r.updated_at,
    )


def reserve(
    db: Database,
    who: Principal,
    line_id: int,
    amount_fen: int,
    *,
    reason: str = "",
    ttl: timedelta = DEFAULT_TTL,
) -> ReservationView:
    """Hold ``amount_fen`` on the line's balance for ``ttl``."""
    require_role(who, RESERVE_ROLES)
    check_plain(reason)
    line = line_by_id(db, who, line_id)
    if not timedelta(seconds=1) <= ttl <= MAX_TTL:
        raise InvalidInput(N_("reserve.ttl"))
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        account = lookups.account_for_update(s, line.id)
        spendable = available(account.balance_fen, held(s, line.id, now))
        if amount_fen > spendable:
            raise Conflict(N_("reserve.insufficient"), available=spendable, wanted=amount_fen)
        row = BalanceReservation(
            subscriber_id=line.id,
            amount_fen=amount_fen,
            status="created",
            reason=reason[:200],
            created_by=who.subject,
            created_at=now,
            expires_at=now + ttl,
            updated_at=now,
        )
        s.add(row)
        uow.commit()
        return _view(row, line, now)


def _held(s: Session, who: Principal, reservation_id: int) -> tuple[BalanceReservation, Line]:
    row = s.get(BalanceReservation, reservation_id)
    if row is None:
        raise NotFound(N_("api.not_found"))
    return row, _checked(who, s.get(m.Subscriber, row.subscriber_id))


def reservation(db: Database, who: Principal, reservation_id: int) -> ReservationView:
    with db.uow() as uow:
        row, line = _held(uow.session, who, reservation_id)
        return _view(row, line, clock.now())


def reservations(
    db: Database, who: Principal, line: Line | None, offset: int, limit: int
) -> Page[ReservationView]:
    """The reservations of the line, or of every line the caller may see, newest first."""
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        where: list[Any] = [visible_lines(who)]
        if line is not None:
            where.append(m.Subscriber.id == line.id)
        base = (
            select(BalanceReservation, m.Subscriber)
            .join(m.Subscriber, m.Subscriber.id == BalanceReservation.subscriber_id)
            .where(*where)
        )
        total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = s.execute(base.order_by(BalanceReservation.id.desc()).offset(offset).limit(limit))
        return Page([_view(r, _line(sub), now) for r, sub in rows], total)


def settle(
    db: Database,
    who: Principal,
    reservation_id: int,
    status: str,
    used_fen: int | None = None,
) -> ReservationView:
    """``committed``: charge ``used_fen`` (default all that is held) in one ledger entry;
    ``released``: charge nothing. Settling again as before answers the same."""
    require_role(who, RESERVE_ROLES)
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        row, line = _held(s, who, reservation_id)
        current = _status(row, now)
        if current == status and (status != "committed" or used_fen in (None, row.committed_fen)):
            return _view(row, line, now)
        if current != "created":
            raise Conflict(N_("reserve.state"), status=current, action=status)
        if status == "committed":
            used = row.amount_fen if used_fen is None else used_fen
            if not 0 <= used <= row.amount_fen:
                raise InvalidInput(N_("reserve.too_much"))
            if used:
                account = lookups.account_for_update(s, line.id)
                others = held(s, line.id, now) - row.amount_fen  # this one is being spent
                entry = post_entry(
                    s,
                    account,
                    EntryKind.CHARGE,
                    -used,
                    reason=row.reason or "online charging",
                    reference=f"reserve:{row.id}",
                    held_fen=others,
                )
                row.ledger_entry_id = entry.id
            row.committed_fen = used
        row.status, row.updated_at = status, now
        uow.commit()
        return _view(row, line, now)


def expire_reservations(db: Database, now: datetime | None = None) -> int:
    """Mark the live reservations past their time ``expired``; returns how many."""
    now = now or clock.now()
    with db.uow() as uow:
        done = uow.session.execute(
            update(BalanceReservation)
            .where(BalanceReservation.status == "created", BalanceReservation.expires_at <= now)
            .values(status="expired", updated_at=now)
        )
        uow.commit()
        return int(getattr(done, "rowcount", 0) or 0)
