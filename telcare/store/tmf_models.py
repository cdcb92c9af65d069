"""What the TMF management APIs keep beyond the core tables: catalog drafts (TMF620
product specifications, offerings and prices before launch), usage specifications
(TMF635) and balance reservations for online charging (TMF654)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base, Money

LIFECYCLE = "'inStudy','inDesign','inTest','active','launched','retired','obsolete','rejected'"


class ProductSpec(Base):
    """A TMF620 product specification: what an offering sells."""

    __tablename__ = "product_spec"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    brand: Mapped[str] = mapped_column(String(40), default="")
    lifecycle_status: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    last_update: Mapped[datetime]
    __table_args__ = (CheckConstraint(f"lifecycle_status in ({LIFECYCLE})", name="lifecycle"),)


class OfferingDraft(Base):
    """A TMF620 offering made through the API. It is on sale (a ``product`` row) only once
    launched; ``product_code`` is then the code it sells under."""

    __tablename__ = "offering_draft"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    lifecycle_status: Mapped[str] = mapped_column(String(10))
    spec_id: Mapped[int | None] = mapped_column(ForeignKey("product_spec.id"))
    product_code: Mapped[str | None] = mapped_column(ForeignKey("product.code"))
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    last_update: Mapped[datetime]
    __table_args__ = (CheckConstraint(f"lifecycle_status in ({LIFECYCLE})", name="lifecycle"),)


class OfferingPriceDraft(Base):
    """A TMF620 product offering price; it charges only once its offering is launched."""

    __tablename__ = "offering_price_draft"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    price_type: Mapped[str] = mapped_column(String(10))
    price_fen: Mapped[int | None] = mapped_column(Money)
    lifecycle_status: Mapped[str] = mapped_column(String(10))
    offering_id: Mapped[int | None] = mapped_column(ForeignKey("offering_draft.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    last_update: Mapped[datetime]
    __table_args__ = (
        CheckConstraint(f"lifecycle_status in ({LIFECYCLE})", name="lifecycle"),
        CheckConstraint("price_type in ('recurring','oneTime','usage')", name="price_type"),
        CheckConstraint("price_fen is null or price_fen >= 0", name="price"),
    )


class UsageSpec(Base):
    """A TMF635 usage specification: a kind of usage event (``service``: data, voice, sms)."""

    __tablename__ = "usage_spec"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    service: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    last_update: Mapped[datetime]
    __table_args__ = (CheckConstraint("service in ('data','voice','sms')", name="service"),)


class BalanceReservation(Base):
    """Money held on a line's balance for online charging (TMF654 ``reserveBalance``):
    ``created`` holds it until committed (a ledger charge), released or expired."""

    __tablename__ = "balance_reservation"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"))
    amount_fen: Mapped[int] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(200), default="")
    ledger_entry_id: Mapped[int | None] = mapped_column(BIG_ID)
    committed_fen: Mapped[int | None] = mapped_column(Money)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint("status in ('created','committed','released','expired')", name="status"),
        Index("ix_balance_reservation_subscriber_status", "subscriber_id", "status"),
    )
