"""The renewals of covered lines, posted as a set (a few statements per batch).

A line whose spendable balance (less its live reservations) stays above zero after
every fee it owes is charged in full, nothing lapses and no barring follows
(:func:`telcare.domain.renewals.covers`, a property of
:func:`~telcare.domain.renewals.decide` checked by a property test). Such lines — nearly
all of them on the 1st — need no decision in Python: their fees, ledger entries (with
the running balance after each, base plans first), ``renewal`` rows and new balances
are written by ``INSERT … SELECT`` and one ``UPDATE``, through a per-connection scratch
table. The other lines go through the per-line path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    MetaData,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session

from telcare.domain.catalog import ProductKind
from telcare.domain.ledger import EntryKind
from telcare.domain.renewals import Outcome
from telcare.store import models as m
from telcare.store.cycle_models import Renewal
from telcare.store.tmf_models import BalanceReservation

_scratch = Table(
    "renewal_batch",
    MetaData(),
    Column("subscription_id", BigInteger, primary_key=True),
    Column("subscriber_id", BigInteger, nullable=False),
    Column("account_id", BigInteger, nullable=False),
    Column("code", String(20), nullable=False),
    Column("name_zh", String(200), nullable=False),
    Column("fee_fen", BigInteger, nullable=False),
    Column("balance_after_fen", BigInteger, nullable=False),
    Column("covered", Boolean, nullable=False),
    prefixes=["TEMPORARY"],
)
_CREATE = text(
    "CREATE TEMPORARY TABLE IF NOT EXISTS renewal_batch ("
    "subscription_id BIGINT PRIMARY KEY, subscriber_id BIGINT NOT NULL, "
    "account_id BIGINT NOT NULL, code VARCHAR(20) NOT NULL, name_zh VARCHAR(200) NOT NULL, "
    "fee_fen BIGINT NOT NULL, balance_after_fen BIGINT NOT NULL, covered BOOLEAN NOT NULL)"
)
_LEDGER = ["account_id", "kind", "amount_fen", "balance_after_fen", "reason", "reference"]
_RENEWAL = ["subscription_id", "month", "subscriber_id", "product_code", "outcome", "fee_fen"]


def due_columns(now: datetime) -> list[Any]:
    """The columns :func:`renew_covered` needs of the batch's due subscriptions; the
    balance is what the line may spend at ``now`` (less its live reservations, as
    :func:`telcare.domain.ledger.available`)."""
    r = BalanceReservation
    held = (
        select(func.coalesce(func.sum(r.amount_fen), 0))
        .where(
            r.subscriber_id == m.Subscription.subscriber_id,
            r.status == "created",
            r.expires_at > now,
        )
        .scalar_subquery()
    )
    fee = case(
        (and_(m.Product.charged.is_(True), m.Product.price_fen > 0), m.Product.price_fen),
        else_=0,
    )
    return [
        m.Subscription.id.label("subscription_id"),
        m.Subscription.subscriber_id,
        m.Account.id.label("account_id"),
        m.Account.balance_fen,
        (m.Account.balance_fen - held).label("spendable_fen"),
        m.Product.code,
        m.Product.name_zh,
        fee.label("fee_fen"),
        case((m.Product.kind == ProductKind.BASE_PLAN.value, 1), else_=0).label("base"),
    ]


class Covered(NamedTuple):
    """What the set path did in a batch, and how many due subscriptions it left."""

    charged: int
    free: int
    fee_fen: int
    left: int


def renew_covered(s: Session, pending: Select[Any], month: str, now: datetime) -> Covered:
    """Renew the covered lines among ``pending`` (the batch's due subscriptions, with
    :func:`due_columns`). The accounts must be locked."""
    s.execute(_CREATE)
    s.execute(_scratch.delete())
    due = pending.cte("due")
    owed = func.sum(due.c.fee_fen).over(partition_by=due.c.account_id)
    paid_so_far = func.sum(due.c.fee_fen).over(
        partition_by=due.c.account_id,
        order_by=(due.c.base.desc(), due.c.subscription_id),
        rows=(None, 0),
    )
    lines = select(
        *(due.c[c] for c in ("subscription_id", "subscriber_id", "account_id", "code", "name_zh")),
        due.c.fee_fen,
        (due.c.balance_fen - paid_so_far).label("balance_after_fen"),
        (due.c.spendable_fen - owed > 0).label("covered"),
    )
    s.execute(_scratch.insert().from_select([c.name for c in _scratch.c], lines))
    t = _scratch.c
    reason = literal("月租 ") + t.code + literal(" ") + t.name_zh + literal(f" {month}")
    s.execute(
        m.LedgerEntry.__table__.insert().from_select(
            [*_LEDGER, "created_at"],
            select(
                t.account_id,
                literal(EntryKind.CHARGE.value),
                -t.fee_fen,
                t.balance_after_fen,
                func.substr(reason, 1, 200),
                literal("renewal:") + cast(t.subscription_id, String) + literal(f":{month}"),
                literal(now, m.LedgerEntry.__table__.c.created_at.type),
            ).where(t.covered, t.fee_fen > 0),
        )
    )
    s.execute(
        Renewal.__table__.insert().from_select(
            [*_RENEWAL, "created_at"],
            select(
                t.subscription_id,
                literal(month),
                t.subscriber_id,
                t.code,
                case((t.fee_fen > 0, Outcome.CHARGED.value), else_=Outcome.FREE.value),
                t.fee_fen,
                literal(now, Renewal.__table__.c.created_at.type),
            ).where(t.covered),
        )
    )
    totals = (
        select(t.account_id, func.sum(t.fee_fen).label("total"))
        .where(t.covered)
        .group_by(t.account_id)
        .having(func.sum(t.fee_fen) > 0)
        .subquery("totals")
    )
    s.execute(
        m.Account.__table__.update()
        .where(m.Account.__table__.c.id == totals.c.account_id)
        .values(
            balance_fen=m.Account.__table__.c.balance_fen - totals.c.total, barring_pending=False
        )
    )
    row = s.execute(
        select(
            func.count().filter(t.covered, t.fee_fen > 0),
            func.count().filter(t.covered, t.fee_fen <= 0),
            func.coalesce(func.sum(t.fee_fen).filter(t.covered), 0),
            func.count().filter(~t.covered),
        )
    ).one()
    return Covered(int(row[0]), int(row[1]), int(row[2]), int(row[3]))
