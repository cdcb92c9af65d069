"""The agent desk: queues by skill (the G3 desk first), taking a chat, replying, leaving,
transferring, a ticket from a chat with its transcript, and the supervisor's view.

Staff work the chats of their province (headquarters: every province); an agent holds at
most :data:`~telcare.domain.chat.MAX_CHATS_PER_AGENT` chats at once.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, select, true

from telcare import clock
from telcare.config import get_settings
from telcare.domain import chat as dc
from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.messages import N_, render
from telcare.services.chat.common import (
    ChatView,
    Message,
    append,
    append_direct,
    locked,
    transcript,
    view,
)
from telcare.services.complaints import file_ticket_once
from telcare.store import chat_models as cm
from telcare.store.uow import Database

_G3_FIRST = case((cm.ChatSession.queue == "G3", 0), else_=1)


def _staff(who: Principal, action: str = "chat.handle") -> None:
    """The role matrix's word on ``who`` (staff of any post work the desk)."""
    roles.require(who, action)


def _scope(who: Principal) -> ColumnElement[bool]:
    return true() if who.is_headquarters else cm.ChatSession.province == who.province


def queue(db: Database, who: Principal) -> list[ChatView]:
    """Chats waiting for an agent in ``who``'s scope: the G3 desk first, then oldest first."""
    _staff(who, "chat.desk.view")
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(cm.ChatSession)
            .where(cm.ChatSession.state == dc.State.QUEUED.value, _scope(who))
            .order_by(_G3_FIRST, cm.ChatSession.queued_at, cm.ChatSession.id)
        )
        return [view(r) for r in rows]


def mine(db: Database, who: Principal) -> list[ChatView]:
    """The chats ``who`` is in."""
    _staff(who, "chat.desk.view")
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(cm.ChatSession)
            .where(
                cm.ChatSession.state == dc.State.AGENT.value, cm.ChatSession.agent == who.subject
            )
            .order_by(cm.ChatSession.answered_at)
        )
        return [view(r) for r in rows]


def supervise(db: Database, who: Principal) -> list[ChatView]:
    """Every open chat in ``who``'s scope (a supervisor's view): bot, waiting or answered."""
    _staff(who, "chat.desk.view")
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(cm.ChatSession)
            .where(cm.ChatSession.state != dc.State.CLOSED.value, _scope(who))
            .order_by(_G3_FIRST, cm.ChatSession.id)
        )
        return [view(r) for r in rows]


def _text(key: str, **params: object) -> str:
    return f"{render(key, 'zh', **params)} / {render(key, 'en', **params)}"


def take(db: Database, who: Principal, chat_id: int) -> ChatView:
    """Answer a waiting chat (one of ``who``'s province)."""
    _staff(who)
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        if row.state == dc.State.AGENT.value and row.agent == who.subject:
            return view(row)  # a retried take
        if row.state != dc.State.QUEUED.value:
            raise InvalidInput(N_("chat.not_waiting"))
        active = s.scalar(
            select(func.count())
            .select_from(cm.ChatSession)
            .where(
                cm.ChatSession.state == dc.State.AGENT.value, cm.ChatSession.agent == who.subject
            )
        )
        dc.require_capacity(active or 0)
        row.state, row.agent = dc.State.AGENT.value, who.subject
        row.answered_at = row.answered_at or now
        append(s, row, dc.Role.SYSTEM, "system", _text(N_("chat.joined"), agent=who.subject), now)
        uow.commit()
        return view(row)


def reply(db: Database, who: Principal, chat_id: int, text: str) -> Message:
    """The agent's message in a chat they are in."""
    text = dc.check_text(text)
    _staff(who)
    direct = append_direct(db, dc.Role.AGENT, who.subject, chat_id, text, clock.now())
    if direct is not None:
        return direct
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        dc.require_open(row.state)
        dc.require_own(row.agent, who.subject)
        said = append(s, row, dc.Role.AGENT, who.subject, text, clock.now())
        uow.commit()
        return said


def leave(db: Database, who: Principal, chat_id: int) -> ChatView:
    """The agent leaves (or drops): the chat goes back to the front of its queue."""
    return transfer(db, who, chat_id, None)


def transfer(db: Database, who: Principal, chat_id: int, to_queue: str | None) -> ChatView:
    """Hand the chat to another queue (``None``: the same one) for the next agent."""
    _staff(who)
    if to_queue is not None and to_queue not in dc.QUEUES:
        raise InvalidInput(N_("chat.queue_unknown"))
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        dc.require_open(row.state)
        if row.agent is not None and row.agent != who.subject and who.role != "admin":
            raise Forbidden(N_("chat.not_yours"))
        row.state, row.agent = dc.State.QUEUED.value, None
        row.queue = to_queue or row.queue
        row.queued_at = row.queued_at or now
        append(s, row, dc.Role.SYSTEM, "system", _text(N_("chat.returned")), now)
        uow.commit()
        return view(row)


def to_ticket(db: Database, who: Principal, chat_id: int, category: str, summary: str) -> str:
    """File a ticket for the chat's subscriber with the transcript attached (once per chat)."""
    _staff(who)
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        msisdn, history = row.msisdn, transcript(s, chat_id)
    ticket_id, _ = file_ticket_once(
        db,
        who,
        key=f"chat:{chat_id}:ticket",
        node=get_settings().province.upper(),
        category=category,
        summary=summary,
        description=history[-4000:],
        channel="console",
        msisdn=msisdn,
    )
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        if ticket_id is not None and row.ticket_id != ticket_id:
            row.ticket_id = ticket_id
            append(
                s,
                row,
                dc.Role.SYSTEM,
                "system",
                _text(N_("chat.ticket"), ticket=ticket_id),
                clock.now(),
            )
        uow.commit()
    return ticket_id or ""
