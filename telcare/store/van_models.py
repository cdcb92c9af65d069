"""Tables of the G3 after-sales service van: stops, slots and bookings.

``van_slot.booked`` counts live bookings; it is raised with a conditional UPDATE
(``booked < capacity``), so a slot is never overbooked even when requests race.
One row per subscriber and stop (``uq_van_booking_stop_id``): a cancelled booking
is reused when the subscriber books that stop again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import Base


class VanStop(Base):
    """The van at one place on one day."""

    __tablename__ = "van_stop"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(40))
    place: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(200), default="")
    day: Mapped[date]
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("province", "city", "place", "day"),)


class VanSlot(Base):
    __tablename__ = "van_slot"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stop_id: Mapped[int] = mapped_column(ForeignKey("van_stop.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        UniqueConstraint("stop_id", "starts_at"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="room"),
    )


class VanBooking(Base):
    """A subscriber's booking; staff close it with an outcome, like a ticket."""

    __tablename__ = "van_booking"
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    stop_id: Mapped[int] = mapped_column(ForeignKey("van_stop.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("van_slot.id"), index=True)
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("stop_id", "msisdn"),
        CheckConstraint("state in ('booked','cancelled','closed')", name="state"),
    )
