"""The quality loop's tables: network KPIs, improvement actions (PDCA), monthly quality
meetings, incidents (linked to tickets), launch checklists and discipline cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class NetworkKpi(Base):
    """One cell's call counters for one day, imported from the network (feeds NET_DROP)."""

    __tablename__ = "network_kpi"
    cell: Mapped[str] = mapped_column(String(30), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    province: Mapped[str] = mapped_column(String(2))
    drops: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("drops >= 0 and attempts >= drops", name="counts"),
        Index("ix_network_kpi_province_day", "province", "day"),
    )


class QualityMeeting(Base):
    """A province's (or HQ's) monthly quality meeting: who came and what was decided."""

    __tablename__ = "quality_meeting"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    province: Mapped[str] = mapped_column(String(2))
    month: Mapped[str] = mapped_column(String(7))
    held_on: Mapped[date] = mapped_column(Date)
    chair: Mapped[str] = mapped_column(String(60))
    attendees: Mapped[list[str]] = mapped_column(JSON)
    decisions: Mapped[list[str]] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("province", "month", name="uq_quality_meeting_month"),)


class Incident(Base):
    """A service incident and who answers for it: what, when, impact, root cause, the
    responsible unit and person, the penalty."""

    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    province: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime]
    impact: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(60))
    person: Mapped[str] = mapped_column(String(60))
    penalty: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    __table_args__ = (Index("ix_incident_province_occurred_at", "province", "occurred_at"),)


class IncidentTicket(Base):
    """A ticket (e.g. a major complaint) that an incident accounts for."""

    __tablename__ = "incident_ticket"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("ticket.id"), primary_key=True)
    __table_args__ = (Index("ix_incident_ticket_ticket_id", "ticket_id"),)


class ImprovementAction(Base):
    """A PDCA improvement action: why it was opened (``source``/``source_ref``, unique, so
    opening is idempotent), its owner, plan, due date, evidence and verification."""

    __tablename__ = "improvement_action"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    source: Mapped[str] = mapped_column(String(12))
    source_ref: Mapped[str] = mapped_column(String(80), unique=True)
    province: Mapped[str] = mapped_column(String(2))
    month: Mapped[str] = mapped_column(String(7))  # the month whose figure (or event) opened it
    indicator: Mapped[str | None] = mapped_column(String(30))  # verified by its next figure
    title: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(60))
    owner: Mapped[str] = mapped_column(String(60))
    plan: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[str] = mapped_column(Text, default="")
    verification: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    escalation: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None]
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("quality_meeting.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint(
            "source in ('indicator','standard','complaint','incident','meeting','discipline')",
            name="source",
        ),
        CheckConstraint("status in ('open','done','closed')", name="status"),
        Index("ix_improvement_action_province_status", "province", "status"),
    )


class LaunchChecklist(Base):
    """The launch test of a product/tariff (``product``), SP service (``sp_service``,
    ``item`` = ``access_code:code``) or dated tariff price (``tariff``, ``item`` =
    ``CODE@valid_from``): test orders on test lines, both languages reviewed,
    approval by a second person. Only a ``passed`` checklist puts the item on sale."""

    __tablename__ = "launch_checklist"
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    item: Mapped[str] = mapped_column(String(60), primary_key=True)
    test_lines: Mapped[list[str]] = mapped_column(JSON)
    steps: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))
    prepared_by: Mapped[str] = mapped_column(String(60))
    approved_by: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime]
    passed_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("kind in ('product','sp_service','tariff')", name="kind"),
        CheckConstraint("status in ('testing','passed')", name="status"),
        CheckConstraint("approved_by is null or approved_by <> prepared_by", name="four_eyes"),
    )


class DisciplineCase(Base):
    """A breach of the five prohibitions found by the system, against a unit or staff
    member (``rule``/``ref`` unique: each finding opens one case)."""

    __tablename__ = "discipline_case"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    rule: Mapped[str] = mapped_column(String(30))
    ref: Mapped[str] = mapped_column(String(80))
    province: Mapped[str] = mapped_column(String(2))
    unit: Mapped[str] = mapped_column(String(60))
    staff: Mapped[str | None] = mapped_column(String(60))
    found_at: Mapped[datetime]
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    finding: Mapped[str] = mapped_column(Text, default="")
    penalty: Mapped[str] = mapped_column(Text, default="")
    handled_by: Mapped[str | None] = mapped_column(String(60))
    closed_at: Mapped[datetime | None]
    __table_args__ = (
        UniqueConstraint("rule", "ref", name="uq_discipline_case_finding"),
        CheckConstraint("status in ('open','investigating','upheld','dismissed')", name="status"),
        Index("ix_discipline_case_province_found_at", "province", "found_at"),
    )
