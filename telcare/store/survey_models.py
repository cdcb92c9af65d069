"""Survey tables (templates and their versions, contacts, surveys, responses, replies)
and the customer club (members, events, attendance, opinion campaigns, submissions).

Surveys are kept in the province that sent them; like tickets they carry no foreign
key to the subscriber (the MSISDN is the key), so an HQ node may hold copies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class SurveyTemplate(Base):
    """A survey template's identity; its content lives in versions."""

    __tablename__ = "survey_template"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    owner: Mapped[str] = mapped_column(String(2))  # HQ or a province code
    latest_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class SurveyTemplateVersion(Base):
    """One immutable version of a template (questions, trigger, scope, window, share)."""

    __tablename__ = "survey_template_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_code: Mapped[str] = mapped_column(ForeignKey("survey_template.code"))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("template_code", "version"),)


class SurveyContact(Base):
    """A trigger: a shop visit, a hotline call, a closed ticket, a new G3 subscription.

    ``source_key`` makes recording idempotent (an event id, a call id …); ``outcome``
    says what became of it (surveyed, not_sampled, recent, no_template, unknown)."""

    __tablename__ = "survey_contact"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(120), unique=True)
    trigger: Mapped[str] = mapped_column(String(10))
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    province: Mapped[str] = mapped_column(String(2))
    shop_code: Mapped[str | None] = mapped_column(String(20))
    agent: Mapped[str | None] = mapped_column(String(40))
    ref: Mapped[str | None] = mapped_column(String(60))
    occurred_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(12))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id"))


class Survey(Base):
    """One survey sent (or opened online), answering one template version."""

    __tablename__ = "survey"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11))
    province: Mapped[str] = mapped_column(String(2))
    trigger: Mapped[str] = mapped_column(String(10))
    via: Mapped[str] = mapped_column(String(3))
    shop_code: Mapped[str | None] = mapped_column(String(20))
    template_code: Mapped[str] = mapped_column(String(30))
    template_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime]  # when it goes out (after quiet hours)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    score: Mapped[int | None] = mapped_column(Integer)  # the headline answer, 1-5
    comment: Mapped[str] = mapped_column(Text, default="")
    ticket_id: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (
        CheckConstraint("status in ('open','answered','expired')", name="status"),
        CheckConstraint("via in ('sms','web')", name="via"),
        Index("ix_survey_msisdn_sent", "msisdn", "sent_at"),
        Index("ix_survey_status_expires", "status", "expires_at"),
    )


class SurveyResponse(Base):
    """One answered question; ``template_version`` is the version it answered."""

    __tablename__ = "survey_response"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    question_id: Mapped[str] = mapped_column(String(20))
    template_version: Mapped[int] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("survey_id", "question_id"),)


class SurveyReply(Base):
    """Every SMS sent to 10086700, as received, with what it did (answered, malformed …)."""

    __tablename__ = "survey_reply"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id"))
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime]


# --- customer club and opinions ---------------------------------------------------


class ClubMember(Base):
    __tablename__ = "club_member"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11), unique=True)
    province: Mapped[str] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class ClubEvent(Base):
    """A member event: a shop visit, a hotline (call-centre) tour, a meeting."""

    __tablename__ = "club_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    province: Mapped[str] = mapped_column(String(2))
    starts_at: Mapped[datetime]
    capacity: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


class ClubAttendance(Base):
    __tablename__ = "club_attendance"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("club_event.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("club_member.id"))
    registered_at: Mapped[datetime]
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("event_id", "member_id"),)


class OpinionCampaign(Base):
    __tablename__ = "opinion_campaign"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    province: Mapped[str] = mapped_column(String(2))  # HQ for a national campaign
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class OpinionSubmission(Base):
    """An opinion (short) or an essay (a story) sent to a campaign, with its moderation."""

    __tablename__ = "opinion_submission"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("opinion_campaign.id"))
    msisdn: Mapped[str] = mapped_column(String(11))
    kind: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    moderated_by: Mapped[str | None] = mapped_column(String(40))
    moderated_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("kind in ('opinion','essay')", name="kind"),
        CheckConstraint("state in ('pending','approved','rejected','featured')", name="state"),
        Index("ix_opinion_submission_campaign_kind", "campaign_id", "kind"),
    )
