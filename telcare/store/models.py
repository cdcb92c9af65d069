"""SQLAlchemy 2 ORM models. Money columns are BIGINT fen; unit prices are exact NUMERIC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = BigInteger  # integer fen


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back time-zone aware (also on SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A 64-bit id on PostgreSQL; SQLite's INTEGER PRIMARY KEY (its rowid) on SQLite.
BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime}


class Province(Base):
    __tablename__ = "province"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(40))


class Customer(Base):
    """The party who owns one or more subscriptions (lines)."""

    __tablename__ = "customer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    created_at: Mapped[datetime]


class Subscriber(Base):
    """One mobile line (MSISDN) with its brand, home province, status and language."""

    __tablename__ = "subscriber"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    brand: Mapped[str] = mapped_column(String(10))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    language: Mapped[str] = mapped_column(String(2), default="zh")
    data_reminder: Mapped[bool | None] = mapped_column(Boolean)  # None: operator default
    created_at: Mapped[datetime]
    account: Mapped[Account] = relationship(back_populates="subscriber", uselist=False)
    __table_args__ = (
        CheckConstraint("status in ('active','barred','closed')", name="status"),
        CheckConstraint("language in ('zh','en')", name="language"),
    )


class Account(Base):
    """A prepaid account. ``balance_fen`` is the running sum of its ledger, kept in the
    same transaction as each entry so that the row lock serialises concurrent changes."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), unique=True)
    balance_fen: Mapped[int] = mapped_column(Money, default=0)
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    barring_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    subscriber: Mapped[Subscriber] = relationship(back_populates="account")


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(Money)  # signed delta
    balance_after_fen: Mapped[int] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("amount_fen <> 0", name="nonzero"),
        CheckConstraint("kind in ('recharge','charge','refund','adjustment')", name="kind"),
        Index("ix_ledger_entry_account_created", "account_id", "created_at"),
    )


class PointsEntry(Base):
    __tablename__ = "points_entry"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(12))
    points: Mapped[int] = mapped_column(BigInteger)  # signed delta
    points_after: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("points <> 0", name="nonzero"),
        Index("ix_points_entry_account_created", "account_id", "created_at"),
    )


class Product(Base):
    __tablename__ = "product"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(12))
    price_fen: Mapped[int] = mapped_column(Money)
    period: Mapped[str] = mapped_column(String(10))
    validity_days: Mapped[int | None] = mapped_column(Integer)
    data_kb: Mapped[int] = mapped_column(BigInteger, default=0)
    voice_min: Mapped[int] = mapped_column(Integer, default=0)
    sms: Mapped[int] = mapped_column(Integer, default=0)
    brands: Mapped[list[str]] = mapped_column(JSON)
    provinces: Mapped[list[str] | None] = mapped_column(JSON)
    charged: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    last_update: Mapped[datetime | None]  # the offering's TMF620 lastUpdate (migration 0022)
    spec_id: Mapped[int | None] = mapped_column(ForeignKey("product_spec.id"))  # TMF620
    # FirstMonth: "full" or "prorated" (migration 0024)
    first_month: Mapped[str] = mapped_column(String(10), default="full", server_default="full")
    __table_args__ = (CheckConstraint("price_fen >= 0", name="price"),)


class TariffPrice(Base):
    """A dated standard unit price; superseded prices stay, so history rates correctly."""

    __tablename__ = "tariff_price"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str] = mapped_column(String(8))
    fen_per_unit: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    name_zh: Mapped[str] = mapped_column(String(60), default="")
    name_en: Mapped[str] = mapped_column(String(80), default="")
    __table_args__ = (UniqueConstraint("code", "valid_from"),)


class Subscription(Base):
    __tablename__ = "subscription"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"))
    product_code: Mapped[str] = mapped_column(ForeignKey("product.code"))
    state: Mapped[str] = mapped_column(String(10), default="active")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # When the order was placed: the pending order's time for a confirmed one (so the
    # order's ID finds its subscription), ``created_at`` otherwise; None before 0014.
    ordered_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("state in ('pending','active','cancelled','expired')", name="state"),
        Index("ix_subscription_subscriber_state", "subscriber_id", "state"),
    )


class IdempotencyRecord(Base):
    """One row per idempotency key: the first request's fingerprint and its result."""

    __tablename__ = "idempotency_record"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    operation: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class StaffUser(Base):
    __tablename__ = "staff_user"
    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped on a password change, disabling and "log out everywhere": older tokens die."""


class RechargeCard(Base):
    __tablename__ = "recharge_card"
    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    face_value_fen: Mapped[int] = mapped_column(Money)
    batch: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="unused")
    used_by: Mapped[str | None] = mapped_column(String(11))
    used_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("status in ('unused','used','frozen')", name="status"),
        CheckConstraint("face_value_fen > 0", name="face_value"),
    )


class Gift(Base):
    __tablename__ = "gift"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))
    points: Mapped[int] = mapped_column(Integer)
    physical: Mapped[bool] = mapped_column(Boolean)


class GiftStock(Base):
    __tablename__ = "gift_stock"
    gift_code: Mapped[str] = mapped_column(ForeignKey("gift.code"), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity"),)


class ServiceProvider(Base):
    __tablename__ = "service_provider"
    access_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12), default="active")
    created_at: Mapped[datetime]


class SpService(Base):
    __tablename__ = "sp_service"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    access_code: Mapped[str] = mapped_column(ForeignKey("service_provider.access_code"))
    code: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))
    price_fen: Mapped[int] = mapped_column(Money)
    period: Mapped[str] = mapped_column(String(10))
    __table_args__ = (UniqueConstraint("access_code", "code"),)


class PendingConfirmation(Base):
    """An action waiting for the subscriber's ``Y`` (one per subscriber)."""

    __tablename__ = "pending_confirmation"
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class MenuSnapshot(Base):
    """The numbered list a subscriber last saw (``0000``), so ``QX<n>`` means what they read."""

    __tablename__ = "menu_snapshot"
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), primary_key=True)
    items: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class SecretAttempt(Base):
    """Failed secret checks (card PINs, one-time codes) per subscriber per day."""

    __tablename__ = "secret_attempt"
    msisdn: Mapped[str] = mapped_column(String(11), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class CardAttempt(Base):
    """Wrong PINs tried against one recharge card number per operator day, from any line.

    Keyed by the number as typed (no foreign key): a number that is no card counts the
    same, so that the limit does not tell which numbers are cards."""

    __tablename__ = "card_attempt"
    card: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class OneTimeCode(Base):
    """A login code sent by SMS: hashed, expiring, single use."""

    __tablename__ = "one_time_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0)


class OutboundSms(Base):
    """The outbox of notifications (MT SMS not sent as a direct reply).

    ``dedupe_key`` makes each notification at most once; ``not_before`` holds a
    message back (quiet hours). ``status``: ``queued`` → ``sending`` (claimed by one
    gateway, ``claimed_by``/``claimed_at``) → ``submitted`` (the SMSC accepted it:
    ``sent_at``, ``smsc_message_id``) → ``delivered`` / ``failed`` (``last_error``)
    from delivery receipts, refusals or the retry limit.
    """

    __tablename__ = "outbound_sms"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    sender: Mapped[str] = mapped_column(String(21))
    recipient: Mapped[str] = mapped_column(String(21))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    not_before: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default="queued", server_default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None]
    smsc_message_id: Mapped[str | None] = mapped_column(String(65))
    last_error: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None]
    __table_args__ = (
        Index("ix_outbound_sms_due", "sent_at", "not_before"),
        Index("ix_outbound_sms_status", "status", "not_before"),
        CheckConstraint(
            "status in ('queued','sending','submitted','delivered','failed')", name="status"
        ),
    )
