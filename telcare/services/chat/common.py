"""What the chat modules share: views, reading a chat under a lock, appending a message
(and the short way for a person's message)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from telcare.domain import chat as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import NotFound
from telcare.store import chat_models as cm
from telcare.store.uow import Database


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
        raise NotFound("chat.unknown")
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


_S, _M = cm.ChatSession.__table__, cm.ChatMessage.__table__
_NEXT_SEQ = {
    # a subscriber's message to a person (waiting or answered), an agent's in their chat
    dc.Role.SUBSCRIBER: update(_S)
    .where(
        _S.c.id == bindparam("chat"),
        _S.c.msisdn == bindparam("who"),
        _S.c.state.in_((dc.State.QUEUED.value, dc.State.AGENT.value)),
    )
    .values(seq=_S.c.seq + 1)
    .returning(_S.c.seq),
    dc.Role.AGENT: update(_S)
    .where(
        _S.c.id == bindparam("chat"),
        _S.c.agent == bindparam("who"),
        _S.c.state == dc.State.AGENT.value,
    )
    .values(seq=_S.c.seq + 1)
    .returning(_S.c.seq),
}
_ADD = insert(_M)


def append_direct(
    db: Database, role: dc.Role, who: str, chat_id: int, text: str, now: datetime
) -> Message | None:
    """The common case of a person's message, as two statements in one transaction (no
    read, no lock taken first): a subscriber's to a chat with (or waiting for) a person,
    an agent's to their own chat. None when the chat is in no such state (then the caller
    takes the long way, which also says why it refuses)."""
    with db.uow() as uow:
        s = uow.session
        seq = s.execute(_NEXT_SEQ[role], {"chat": chat_id, "who": who}).scalar()
        if seq is None:
            return None
        row = {"session_id": chat_id, "seq": seq, "role": role.value, "author": who}
        s.execute(_ADD, {**row, "text": text, "at": now})
        uow.commit()
    return Message(seq, role.value, who, text, now)


def transcript(s: Session, chat_id: int) -> str:
    """The chat as text, one ``[HH:MM role author] text`` line per message."""
    rows = s.scalars(
        select(cm.ChatMessage)
        .where(cm.ChatMessage.session_id == chat_id)
        .order_by(cm.ChatMessage.seq)
    )
    return "\n".join(f"[{r.at:%Y-%m-%d %H:%M} {r.role} {r.author}] {r.text}" for r in rows)
