"""Online chats between a subscriber, the bot and agents, and their messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class ChatSession(Base):
    """One chat. ``state``: bot, queued, agent, closed; ``seq`` counts its messages."""

    __tablename__ = "chat_session"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    province: Mapped[str] = mapped_column(String(3))
    queue: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    agent: Mapped[str | None] = mapped_column(String(40))
    bot_misses: Mapped[int] = mapped_column(default=0)
    seq: Mapped[int] = mapped_column(default=0)
    ticket_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_chat_session_queue", "state", "province", "queued_at"),)


class ChatMessage(Base):
    """One message of a chat, numbered within it (``seq``); nothing changes a message."""

    __tablename__ = "chat_message"
    session_id: Mapped[int] = mapped_column(ForeignKey("chat_session.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
