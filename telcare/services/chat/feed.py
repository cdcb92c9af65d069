"""Reads behind live delivery: a socket catching up, a chat's new messages, and where
every chat watched on this node stands (one statement for all of them)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.services.chat.common import Message, may_see
from telcare.store import chat_models as cm
from telcare.store.uow import Database

_S, _M = cm.ChatSession.__table__, cm.ChatMessage.__table__
_SINCE = (
    select(_M.c.seq, _M.c.role, _M.c.author, _M.c.text, _M.c.at)
    .where(_M.c.session_id == bindparam("chat"), _M.c.seq > bindparam("after"))
    .order_by(_M.c.seq)
)
_SEQS = select(_S.c.id, _S.c.seq).where(_S.c.id.in_(bindparam("ids", expanding=True)))


def catch_up(db: Database, who: Principal, chat_id: int, after: int) -> tuple[list[Message], int]:
    """The messages after ``after`` of a chat ``who`` may see, and the chat's last number."""
    with db.read() as uow:
        s = uow.session
        row = s.get(cm.ChatSession, chat_id)
        if row is None or not may_see(who, row):
            raise NotFound("chat.unknown")
        fresh = since_in(s, chat_id, after)
        return fresh, max(row.seq, fresh[-1].seq if fresh else 0)


def since(db: Database, chat_id: int, after: int) -> list[Message]:
    """A chat's messages after number ``after`` (for a node's reader of the chat: the
    sockets it feeds were admitted by :func:`catch_up`)."""
    with db.read() as uow:
        return since_in(uow.session, chat_id, after)


def since_in(s: Session, chat_id: int, after: int) -> list[Message]:
    """:func:`since` inside a unit of work."""
    rows = s.execute(_SINCE, {"chat": chat_id, "after": after})
    return [Message(r.seq, r.role, r.author, r.text, r.at) for r in rows]


def last_numbers(db: Database, chat_ids: Iterable[int]) -> dict[int, int]:
    """Each chat's last message number (one statement, however many chats)."""
    ids = list(chat_ids)
    if not ids:
        return {}
    with db.read() as uow:
        return {r.id: r.seq for r in uow.session.execute(_SEQS, {"ids": ids})}
