"""What the chat modules share: views, reading a chat under a lock, appending a message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import chat as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import NotFound
from telcare.domain.messages import N_
from telcare.store import chat_models as cm


@dataclass(frozen=True, slots=True)
class Message:
    seq: int
    role: str
    author: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ChatView:
    id: int
    msisdn: str
    province: str
    queue: str
    state: str
    agent: str | None
    ticket_id: str | None
    created_at: datetime
    queued_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None


def view(row: cm.ChatSession) -> ChatView:
    return ChatView(
        row.id,
        row.msisdn,
        row.province,
        row.queue,
        row.state,
        row.agent,
        row.ticket_id,
        row.created_at,
        row.queued_at,
        row.answered_at,
        row.closed_at,
    )


def may_see(who: Principal, row: cm.ChatSession) -> bool:
    """The subscriber sees their own chats; staff the chats of their province (HQ: all)."""
    if who.kind is Kind.SUBSCRIBER:
        return who.subject == row.msisdn
    if who.kind is Kind.STAFF:
        return who.is_headquarters or who.province == row.province
    return False


def locked(s: Session, who: Principal, chat_id: int) -> cm.ChatSession:
    """The chat, locked for this transaction; NotFound also for a chat ``who`` may not see."""
    row = s.get(cm.ChatSession, chat_id, with_for_update=True)
    if row is None or not may_see(who, row):
        raise NotFound(N_("chat.unknown"))
    return row


def append(
    s: Session, row: cm.ChatSession, role: dc.Role, author: str, text: str, now: datetime
) -> Message:
    row.seq += 1
    s.add(
        cm.ChatMessage(
            session_id=row.id, seq=row.seq, role=role.value, author=author, text=text, at=now
        )
    )
    return Message(row.seq, role.value, author, text, now)


def transcript(s: Session, chat_id: int) -> str:
    """The chat as text, one ``[HH:MM role author] text`` line per message."""
    rows = s.scalars(
        select(cm.ChatMessage)
        .where(cm.ChatMessage.session_id == chat_id)
        .order_by(cm.ChatMessage.seq)
    )
    return "\n".join(f"[{r.at:%Y-%m-%d %H:%M} {r.role} {r.author}] {r.text}" for r in rows)
