"""The SMSC's message ids of notification parts, so a delivery receipt finds its row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class OutboundSmsPart(Base):
    """One accepted submit_sm of an ``outbound_sms`` row (one per concatenated part)."""

    __tablename__ = "outbound_sms_part"
    message_id: Mapped[str] = mapped_column(String(65), primary_key=True)
    outbound_sms_id: Mapped[int] = mapped_column(BIG_ID, ForeignKey("outbound_sms.id"))
    accepted_at: Mapped[datetime]
    receipt: Mapped[str | None] = mapped_column(String(10))
    """The receipt's ``stat`` (DELIVRD, UNDELIV, EXPIRED, ...) once one arrived."""
    __table_args__ = (Index("ix_outbound_sms_part_row", "outbound_sms_id"),)
