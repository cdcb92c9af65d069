"""What the chat modules share: views, reading a chat under a lock, appending a message
(and the short way for a person's message)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Update, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from telcare.domain import chat as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import NotFound
from telcare.domain.messages import N_
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


_S, _M = cm.ChatSession.__table__, cm.ChatMessage.__table__
_NEXT_SEQ = {
    # a subscriber's message to a person (waiting or answered), an agent's in their chat
    dc.Role.SUBSCRIBER: update(_S)
    .where(
        _S.c.id == bindparam("chat"),
        _S.c.msisdn == bindparam("who"),
        or_(_S.c.state == dc.State.QUEUED.value, _S.c.state == dc.State.AGENT.value),
    )
    .values(seq=_S.c.seq + 1)
    .returning(_S.c.id, _S.c.seq),
    dc.Role.AGENT: update(_S)
    .where(
        _S.c.id == bindparam("chat"),
        _S.c.agent == bindparam("who"),
        _S.c.state == dc.State.AGENT.value,
    )
    .values(seq=_S.c.seq + 1)
    .returning(_S.c.id, _S.c.seq),
}
_ADD = insert(_M)
_FIELDS = ("role", "author", "text", "at")


def _in_one(bump: Update) -> ReturningInsert[tuple[int]]:
    """Number the message and store it in one statement (PostgreSQL: a data-modifying CTE)."""
    c = bump.cte("numbered")
    values = [bindparam(f, type_=_M.c[f].type) for f in _FIELDS]
    picked = select(c.c.id, c.c.seq, *values)
    return _ADD.from_select(["session_id", "seq", *_FIELDS], picked).returning(_M.c.seq)


_IN_ONE = {role: _in_one(bump) for role, bump in _NEXT_SEQ.items()}


Said = tuple[dc.Role, str, int, str, datetime]
"""A person's message for :func:`append_many`: role, who (msisdn or agent), chat, text, at."""


def append_many(db: Database, said: Sequence[Said]) -> list[Message | None]:
    """:func:`append_direct` for messages that arrived together, in one transaction (one
    commit, one thread); each None where its chat is in no such state."""
    if db.is_postgresql:
        return _pipelined(db, said)
    out: list[Message | None] = []
    with db.uow() as uow:
        s = uow.session
        for role, who, chat_id, text, now in said:
            params = {"chat": chat_id, "who": who, "role": role.value, "author": who}
            params |= {"text": text, "at": now}
            if db.is_postgresql:
                seq = s.execute(_IN_ONE[role], params).scalar()
            else:
                numbered = s.execute(_NEXT_SEQ[role], params).first()
                seq = None if numbered is None else numbered.seq
                if seq is not None:
                    fields = {f: params[f] for f in _FIELDS}
                    s.execute(_ADD, {"session_id": chat_id, "seq": seq, **fields})
            out.append(None if seq is None else Message(seq, role.value, who, text, now))
        uow.commit()
    return out


def _pipelined(db: Database, said: Sequence[Said]) -> list[Message | None]:
    """On PostgreSQL: every statement sent at once (psycopg's pipeline), one round trip."""
    if not _SQL:
        for role, stmt in _IN_ONE.items():
            done = stmt.compile(
                dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
            )
            _SQL[role] = (str(done), dict(done.construct_params(_check=False)))
    raw = db.engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        cursors = []
        with conn.pipeline():
            for role, who, chat_id, text, now in said:
                sql, fixed = _SQL[role]
                params = fixed | {"chat": chat_id, "who": who, "role": role.value}
                params |= {"author": who, "text": text, "at": now}
                cur = conn.cursor()
                cur.execute(sql, params)
                cursors.append(cur)
        seqs = [cur.fetchone() for cur in cursors]
        conn.commit()
    finally:
        raw.close()
    return [
        None if row is None else Message(row[0], role.value, who, text, now)
        for row, (role, who, _, text, now) in zip(seqs, said, strict=True)
    ]


_SQL: dict[dc.Role, tuple[str, dict[str, Any]]] = {}


def append_direct(
    db: Database, role: dc.Role, who: str, chat_id: int, text: str, now: datetime
) -> Message | None:
    """The common case of a person's message, without a read or a lock taken first: a
    subscriber's to a chat with (or waiting for) a person, an agent's in their own chat.
    On PostgreSQL one statement that commits by itself, elsewhere one transaction of two.
    None when the chat is in no such state (the caller then takes the long way, which
    also says why it refuses)."""
    params = {"chat": chat_id, "who": who, "role": role.value, "author": who}
    params |= {"text": text, "at": now}
    single = db.single_statement()
    if single is not None:
        with single as conn:
            seq = conn.execute(_IN_ONE[role], params).scalar()
    else:
        with db.uow() as uow:
            s = uow.session
            numbered = s.execute(_NEXT_SEQ[role], params).first()
            seq = None if numbered is None else numbered.seq
            if seq is not None:
                fields = {f: params[f] for f in _FIELDS}
                s.execute(_ADD, {"session_id": chat_id, "seq": seq, **fields})
                uow.commit()
    return None if seq is None else Message(seq, role.value, who, text, now)


def transcript(s: Session, chat_id: int) -> str:
    """The chat as text, one ``[HH:MM role author] text`` line per message."""
    rows = s.scalars(
        select(cm.ChatMessage)
        .where(cm.ChatMessage.session_id == chat_id)
        .order_by(cm.ChatMessage.seq)
    )
    return "\n".join(f"[{r.at:%Y-%m-%d %H:%M} {r.role} {r.author}] {r.text}" for r in rows)
