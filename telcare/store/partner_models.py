"""Partner (SP) governance tables: subscriptions to SP services with their consents,
fee postings, violations, monthly scores, disclosures, actions and SP portal logins.

"No fee without confirmation" is enforced by the schema: every ``sp_fee`` row names
a ``sp_consent`` *of the same subscription* (composite foreign key), and a consent
row exists only once the subscriber answered ``Y`` (``confirmed_at`` is NOT NULL).
Each fee is posted once per subscription and month, and refunded at most once.

The registry itself (``service_provider``, ``sp_service``) is the foundation's; the
anti-spam platform writes ``sp_violation``, which :mod:`telcare.services.partners`
copies into ``sp_violation_record``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base, Money


class SpServiceTerms(Base):
    """What governance adds to a service: when it was launched (new-service rule)."""

    __tablename__ = "sp_service_terms"
    service_id: Mapped[int] = mapped_column(ForeignKey("sp_service.id"), primary_key=True)
    launched_at: Mapped[datetime]
    on_sale: Mapped[bool] = mapped_column(Boolean, default=True)


class SpSubscription(Base):
    """A subscriber's subscription to one SP service: pending -> active -> cancelled."""

    __tablename__ = "sp_subscription"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("sp_service.id"), index=True)
    access_code: Mapped[str] = mapped_column(ForeignKey("service_provider.access_code"))
    state: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))
    requested_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(20))
    needs_reconfirm: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        CheckConstraint("state in ('pending','active','cancelled')", name="state"),
        CheckConstraint("state <> 'active' OR activated_at IS NOT NULL", name="active_has_time"),
        Index("ix_sp_subscription_access_code_state", "access_code", "state"),
    )


class SpConsent(Base):
    """A confirmation the subscriber gave (``Y`` to 10086 within 24 hours)."""

    __tablename__ = "sp_consent"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("sp_subscription.id"), index=True)
    requested_at: Mapped[datetime]
    confirmed_at: Mapped[datetime]
    answer: Mapped[str] = mapped_column(String(20))  # e.g. "sms:Y"
    __table_args__ = (
        UniqueConstraint("id", "subscription_id", name="uq_sp_consent_id_subscription"),
        CheckConstraint("confirmed_at >= requested_at", name="after_request"),
    )


class SpFee(Base):
    """One fee posted for one subscription and month, and its refund (at most one)."""

    __tablename__ = "sp_fee"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("sp_subscription.id"))
    consent_id: Mapped[int] = mapped_column(BIG_ID)
    access_code: Mapped[str] = mapped_column(String(20))
    month: Mapped[str] = mapped_column(String(7))
    amount_fen: Mapped[int] = mapped_column(Money)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    refund_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    created_at: Mapped[datetime]
    refunded_at: Mapped[datetime | None]
    __table_args__ = (
        ForeignKeyConstraint(
            ["consent_id", "subscription_id"],
            ["sp_consent.id", "sp_consent.subscription_id"],
            name="fk_sp_fee_consent_same_subscription",
        ),
        UniqueConstraint("subscription_id", "month", name="uq_sp_fee_subscription_month"),
        CheckConstraint("amount_fen > 0", name="positive"),
        CheckConstraint(
            "(refund_entry_id IS NULL) = (refunded_at IS NULL)", name="refund_consistent"
        ),
        Index("ix_sp_fee_access_code_month", "access_code", "month"),
    )


class SpViolationRecord(Base):
    """A violation: from anti-spam, a complaint or an inspection; ``source_ref`` is unique."""

    __tablename__ = "sp_violation_record"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    access_code: Mapped[str] = mapped_column(ForeignKey("service_provider.access_code"))
    type: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(12))
    source_ref: Mapped[str] = mapped_column(String(60), unique=True)
    serious: Mapped[bool] = mapped_column(Boolean)
    penalty_points: Mapped[int] = mapped_column(Integer)
    fine_fen: Mapped[int] = mapped_column(Money)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(40))
    revoked_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("source in ('antispam','complaint','inspection')", name="source"),
        Index("ix_sp_violation_record_access_code_occurred_at", "access_code", "occurred_at"),
    )


class SpRating(Base):
    """A satisfaction rating (1-5) of an SP by a subscriber (surveys, the hall)."""

    __tablename__ = "sp_rating"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    access_code: Mapped[str] = mapped_column(ForeignKey("service_provider.access_code"))
    msisdn: Mapped[str] = mapped_column(String(11))
    score: Mapped[int] = mapped_column(Integer)
    rated_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("score between 1 and 5", name="score"),
        Index("ix_sp_rating_access_code_rated_at", "access_code", "rated_at"),
    )


class SpScore(Base):
    """One SP's credit score and tier for one month (recomputed until the month closes)."""

    __tablename__ = "sp_score"
    access_code: Mapped[str] = mapped_column(
        ForeignKey("service_provider.access_code"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    tier: Mapped[str] = mapped_column(String(1))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime]
    __table_args__ = (CheckConstraint("tier in ('A','B','C','D')", name="tier"),)


class SpDisclosure(Base):
    """The public list of A-tier SPs, one row per SP and month."""

    __tablename__ = "sp_disclosure"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    access_code: Mapped[str] = mapped_column(
        ForeignKey("service_provider.access_code"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(80))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    published_at: Mapped[datetime]


class SpAction(Base):
    """The audit trail of governance actions: suspend, reinstate, terminate."""

    __tablename__ = "sp_action"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    access_code: Mapped[str] = mapped_column(ForeignKey("service_provider.access_code"))
    action: Mapped[str] = mapped_column(String(12))
    month: Mapped[str] = mapped_column(String(7))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("action in ('suspend','reinstate','terminate')", name="action"),
        UniqueConstraint("access_code", "action", "month", name="uq_sp_action_once_a_month"),
    )


class SpSettlement(Base):
    """One SP's monthly settlement: confirmed fees minus refunds, the tier's hold, and
    earlier holds released this month. ``released_in`` is set on a row whose held amount
    was paid out in a later month's settlement."""

    __tablename__ = "sp_settlement"
    access_code: Mapped[str] = mapped_column(
        ForeignKey("service_provider.access_code"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    tier: Mapped[str] = mapped_column(String(1))
    fees_fen: Mapped[int] = mapped_column(Money)
    refunds_fen: Mapped[int] = mapped_column(Money)
    net_fen: Mapped[int] = mapped_column(Money)
    hold_pct: Mapped[int] = mapped_column(Integer)
    held_fen: Mapped[int] = mapped_column(Money)
    released_fen: Mapped[int] = mapped_column(Money)  # earlier holds paid out this month
    payable_fen: Mapped[int] = mapped_column(Money)  # net − held + released
    released_in: Mapped[str | None] = mapped_column(String(7))
    computed_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("tier in ('A','B','C','D')", name="tier"),
        CheckConstraint("held_fen >= 0 AND released_fen >= 0", name="non_negative"),
    )


class SpLogin(Base):
    """An SP's portal password (the principal's subject is the access code)."""

    __tablename__ = "sp_login"
    access_code: Mapped[str] = mapped_column(
        ForeignKey("service_provider.access_code"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(String(200))
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped on a password change and "log out everywhere": older tokens die."""
