"""Loyalty tables: accrual rules and campaigns, the points-accrual marks, the mall's gift
details, delivery orders with their timeline, partner merchants and one-time codes.

The points ledger itself (``points_entry``) and the gift catalog and stock
(``gift``, ``gift_stock``) are the foundation's, in :mod:`telcare.store.models`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class LoyaltyTier(Base):
    """A tier reached by last month's spend (``min_monthly_spend_fen``)."""

    __tablename__ = "loyalty_tier"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(40))
    min_monthly_spend_fen: Mapped[int] = mapped_column(BigInteger)


class AccrualRule(Base):
    """Points per yuan for a source (``spend``/``recharge``), brand and tier (NULL: any)."""

    __tablename__ = "accrual_rule"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(10))
    brand: Mapped[str | None] = mapped_column(String(10))
    tier: Mapped[str | None] = mapped_column(ForeignKey("loyalty_tier.code"))
    points_per_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint("source in ('spend','recharge')", name="source"),
        CheckConstraint("points_per_yuan >= 0", name="rate"),
    )


class LoyaltyCampaign(Base):
    """A bonus campaign: between two days (both included) it multiplies and/or adds."""

    __tablename__ = "loyalty_campaign"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(10))
    brands: Mapped[list[str] | None] = mapped_column(JSON)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    multiplier: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal(1))
    bonus_per_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 4), default=Decimal(0))
    __table_args__ = (
        CheckConstraint("source in ('spend','recharge')", name="source"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )


class PointsAccount(Base):
    """Per account: exact points earned so far (thousandths) and the last expired year."""

    __tablename__ = "points_account"
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    accrued_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    expired_through_year: Mapped[int | None] = mapped_column(Integer)


class PointsAccrual(Base):
    """A money-ledger entry that has earned its points: each one earns exactly once."""

    __tablename__ = "points_accrual"
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    milli_points: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Merchant(Base):
    """A partner merchant that honours points (restaurant, health-check centre, shop)."""

    __tablename__ = "merchant"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    password_hash: Mapped[str] = mapped_column(String(200))
    settlement_fen_per_point: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal(1))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped on a password change, deactivation and "log out everywhere"."""


class MerchantService(Base):
    """One service of a merchant; a code for it stays valid ``valid_days``."""

    __tablename__ = "merchant_service"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_code: Mapped[str] = mapped_column(ForeignKey("merchant.code"))
    code: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))
    valid_days: Mapped[int] = mapped_column(Integer, default=30)
    __table_args__ = (UniqueConstraint("merchant_code", "code"),)


class GiftDetail(Base):
    """What the mall knows of a gift beyond ``gift``: kind, eligibility, merchant service.

    A gift without a row is a physical gift (or an e-voucher) open to everyone.
    """

    __tablename__ = "gift_detail"
    gift_code: Mapped[str] = mapped_column(ForeignKey("gift.code"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    brands: Mapped[list[str] | None] = mapped_column(JSON)
    provinces: Mapped[list[str] | None] = mapped_column(JSON)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("merchant_service.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (CheckConstraint("kind in ('physical','evoucher','service')", name="kind"),)


class DeliveryAddress(Base):
    """A subscriber's default delivery address (used by ``DH`` over SMS)."""

    __tablename__ = "delivery_address"
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    city: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class DeliveryOrder(Base):
    """A physical gift on its way: where from (``warehouse``), where to, and its state.

    ``refund_entry_id`` is the points reversal of a cancelled or returned order:
    set once, under the order's row lock.
    """

    __tablename__ = "delivery_order"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"))
    gift_code: Mapped[str] = mapped_column(ForeignKey("gift.code"))
    points: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))
    warehouse: Mapped[str] = mapped_column(ForeignKey("province.code"))
    recipient: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    city: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))
    points_entry_id: Mapped[int] = mapped_column(ForeignKey("points_entry.id"))
    refund_entry_id: Mapped[int | None] = mapped_column(ForeignKey("points_entry.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint(
            "state in ('placed','picked','shipped','delivered','returned','cancelled')",
            name="state",
        ),
        Index("ix_delivery_order_subscriber", "subscriber_id", "created_at"),
        Index("ix_delivery_order_queue", "warehouse", "state"),
    )


class DeliveryEvent(Base):
    """One step of an order's timeline (the subscriber sees these)."""

    __tablename__ = "delivery_event"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("delivery_order.id"), index=True)
    state: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(200), default="")
    actor: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]


class RedemptionCode(Base):
    """A one-time code for a merchant service (or e-voucher): valid until ``expires_at``,
    honoured once (``used_at``) by its merchant only."""

    __tablename__ = "redemption_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), index=True)
    gift_code: Mapped[str] = mapped_column(ForeignKey("gift.code"))
    merchant_code: Mapped[str] = mapped_column(ForeignKey("merchant.code"))
    service_id: Mapped[int] = mapped_column(ForeignKey("merchant_service.id"))
    points: Mapped[int] = mapped_column(Integer)
    points_entry_id: Mapped[int] = mapped_column(ForeignKey("points_entry.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_redemption_code_settlement", "merchant_code", "used_at"),)


class MerchantCheckFailure(Base):
    """A code a merchant checked that is not theirs (the throttle counts the last hour's)."""

    __tablename__ = "merchant_check_failure"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    merchant_code: Mapped[str] = mapped_column(ForeignKey("merchant.code"))
    created_at: Mapped[datetime]
    __table_args__ = (Index("ix_merchant_check_failure_recent", "merchant_code", "created_at"),)


class CodeRefund(Base):
    """The points given back for a code that expired unused: at most one row per code."""

    __tablename__ = "redemption_code_refund"
    code_id: Mapped[int] = mapped_column(ForeignKey("redemption_code.id"), primary_key=True)
    points_entry_id: Mapped[int] = mapped_column(ForeignKey("points_entry.id"))
    created_at: Mapped[datetime]
