"""Anti-spam tables: filter rules, received/quarantined messages, reports, flags, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class SpamRule(Base):
    """One subscriber's allowlist entry, blocked number or prefix, or keyword."""

    __tablename__ = "spam_rule"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("msisdn", "kind", "value"),
        CheckConstraint("kind in ('allow','number','prefix','keyword')", name="kind"),
    )


class SpamSetting(Base):
    """A subscriber's filter sensitivity (no row: normal)."""

    __tablename__ = "spam_setting"
    msisdn: Mapped[str] = mapped_column(String(11), primary_key=True)
    sensitivity: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("sensitivity in ('strict','normal','off')", name="sensitivity"),
    )


class SpamMessage(Base):
    """Every MT SMS the filter judged: delivered ones are the subscriber's received messages
    (a text-only report is matched against them), quarantined ones the quarantine box."""

    __tablename__ = "spam_message"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    sender: Mapped[str] = mapped_column(String(21))
    recipient: Mapped[str] = mapped_column(String(11))
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(40), default="")
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
    reported_at: Mapped[datetime | None]
    p2p: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Sent by a subscriber to another subscriber through the firewall."""
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The text's MinHash signature (uint32 values) for near-identical texts of one sender."""
    __table_args__ = (
        CheckConstraint("action in ('deliver','quarantine','stop')", name="action"),
        Index("ix_spam_message_sender_created", "sender", "created_at"),
        Index("ix_spam_message_recipient_hash", "recipient", "text_hash"),
        Index("ix_spam_message_recipient_action", "recipient", "action", "created_at"),
        Index("ix_spam_message_created", "created_at"),
    )


class SpamFeedback(Base):
    """A subscriber's "not spam" on a quarantined message (training feedback)."""

    __tablename__ = "spam_feedback"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11))
    sender: Mapped[str] = mapped_column(String(21))
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(4))
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


class SpamReport(Base):
    """One report, de-duplicated per reporter, sender and text (``sender`` '' = unknown)."""

    __tablename__ = "spam_report"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    reporter: Mapped[str] = mapped_column(String(11))
    sender: Mapped[str] = mapped_column(String(21))
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="open")
    outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
    __table_args__ = (
        UniqueConstraint("reporter", "sender", "text_hash"),
        CheckConstraint("status in ('open','handled')", name="status"),
        Index("ix_spam_report_sender_created", "sender", "created_at"),
        Index("ix_spam_report_status_created", "status", "created_at"),
    )


class SpamSender(Base):
    """A reported sender's standing: flagged (and restricted) or clear again."""

    __tablename__ = "spam_sender"
    sender: Mapped[str] = mapped_column(String(21), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="clear")
    reason: Mapped[str | None] = mapped_column(String(12))
    flagged_at: Mapped[datetime | None]
    flagged_by: Mapped[str | None] = mapped_column(String(40))
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (CheckConstraint("status in ('clear','flagged','restricted')", name="status"),)


class SpamEnterpriseSender(Base):
    """A registered enterprise sender (e.g. 10086's notices): not judged on behaviour or text."""

    __tablename__ = "spam_enterprise_sender"
    sender: Mapped[str] = mapped_column(String(21), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(40))


class SpViolation(Base):
    """A violation by an SP access code; the partner-governance capability consumes these."""

    __tablename__ = "sp_violation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    access_code: Mapped[str] = mapped_column(String(20), index=True)
    type: Mapped[str] = mapped_column(String(30))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SpamAction(Base):
    """The audit trail of the reporting platform: who did what to which sender, and when."""

    __tablename__ = "spam_action"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    sender: Mapped[str] = mapped_column(String(21), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(index=True)
