"""The subscriber's side of a chat: start (or resume), say something, read, close.

A message to the bot is answered by the channel's bot; asking for a person, or two
answers the bot does not have, hands the chat to a queue, or after hours to a call-back
ticket. Nothing the bot does happens inside the chat's transaction: the bot may run a
command that writes (an order, a confirmation) in its own.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.config import get_settings
from telcare.domain import chat as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import NotFound, UnknownSubscriber
from telcare.domain.messages import N_, render
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import surveys
from telcare.services.chat.common import (
    ChatView,
    Message,
    append,
    append_direct,
    locked,
    may_see,
    transcript,
    view,
)
from telcare.services.complaints import file_ticket_once, get_ticket
from telcare.store import chat_models as cm
from telcare.store import models as m
from telcare.store.uow import Database

Bot = Callable[[str], str | None]
"""A message in, the bot's answer out (None: it has none)."""


def _subscriber(msisdn: str) -> Principal:
    return Principal(Kind.SUBSCRIBER, msisdn, "")


def start(db: Database, msisdn: str) -> ChatView:
    """The subscriber's open chat, or a new one greeted by the bot."""
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        sub = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == msisdn))
        if sub is None:
            raise UnknownSubscriber(N_("subscriber.unknown"), msisdn=msisdn)
        open_chat = s.scalar(
            select(cm.ChatSession)
            .where(cm.ChatSession.msisdn == msisdn, cm.ChatSession.state != dc.State.CLOSED.value)
            .order_by(cm.ChatSession.id.desc())
            .limit(1)
        )
        if open_chat is not None:
            return view(open_chat)
        row = cm.ChatSession(
            msisdn=msisdn,
            province=sub.province_code,
            queue=dc.queue_for(sub.brand),
            state=dc.State.BOT.value,
            bot_misses=0,
            seq=0,
            created_at=now,
        )
        s.add(row)
        s.flush()
        append(s, row, dc.Role.BOT, "bot", render("chat.hello", sub.language), now)
        uow.commit()
        return view(row)


def say(db: Database, msisdn: str, chat_id: int, text: str, bot: Bot) -> list[Message]:
    """The subscriber's message and what answers it at once (the bot or the system)."""
    text = dc.check_text(text)
    direct = append_direct(db, dc.Role.SUBSCRIBER, msisdn, chat_id, text, clock.now())
    if direct is not None:  # to a person: one transaction
        return [direct]
    who = _subscriber(msisdn)
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        dc.require_open(row.state)
        said = [append(s, row, dc.Role.SUBSCRIBER, msisdn, text, clock.now())]
        with_bot = row.state == dc.State.BOT.value
        uow.commit()
    if not with_bot:
        return said
    if dc.wants_person(text):
        return said + hand_over(db, chat_id)
    answer = bot(text)  # outside the chat's transaction: a command writes in its own
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        if row.state != dc.State.BOT.value:  # handed over meanwhile
            return said
        if answer is None:
            row.bot_misses += 1
        if answer is None and row.bot_misses >= dc.BOT_MISSES_BEFORE_HANDOVER:
            uow.commit()
            return said + hand_over(db, chat_id)
        reply = answer if answer is not None else _text(s, row, N_("chat.unsure"))
        said.append(append(s, row, dc.Role.BOT, "bot", reply, clock.now()))
        uow.commit()
    return said


def _text(s: Session, row: cm.ChatSession, key: str, **params: object) -> str:
    lang = s.scalar(select(m.Subscriber.language).where(m.Subscriber.msisdn == row.msisdn))
    return render(key, lang or "zh", **params)


def hand_over(db: Database, chat_id: int) -> list[Message]:
    """To the queue when agents are at their desks; after hours a call-back ticket (filed
    once per chat, in its own transaction) and the end of the chat."""
    now = clock.now()
    local = now.astimezone(OPERATOR_TZ)
    with db.uow() as uow:
        s = uow.session
        row = s.get(cm.ChatSession, chat_id, with_for_update=True)
        if row is None or row.state != dc.State.BOT.value:
            return []
        if dc.staffed(local):
            row.state = dc.State.QUEUED.value
            row.queued_at = now
            said = [append(s, row, dc.Role.SYSTEM, "system", _text(s, row, N_("chat.queued")), now)]
            uow.commit()
            return said
        msisdn, summary = row.msisdn, _text(s, row, N_("chat.callback_summary"))
        history = transcript(s, chat_id)
    who = _subscriber(msisdn)
    ticket_id, _ = file_ticket_once(
        db,
        who,
        key=f"chat:{chat_id}:callback",
        node=get_settings().province.upper(),
        category="SVC.ONLINE.CALLBACK",
        summary=summary,
        description=history[-4000:],
        channel="hall",
    )
    deadline = dc.next_opening(local)
    if ticket_id is not None:
        deadline = max(deadline, get_ticket(db, who, ticket_id).respond_by.astimezone(OPERATOR_TZ))
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        if row.state == dc.State.CLOSED.value:
            return []
        row.ticket_id, row.state, row.closed_at = ticket_id, dc.State.CLOSED.value, now
        text = _text(
            s, row, N_("chat.after_hours"), ticket=ticket_id, deadline=f"{deadline:%m-%d %H:%M}"
        )
        said = [append(s, row, dc.Role.SYSTEM, "system", text, now)]
        uow.commit()
        return said


def view_of(db: Database, who: Principal, chat_id: int) -> ChatView:
    """One chat, if ``who`` may see it."""
    with db.uow() as uow:
        row = uow.session.get(cm.ChatSession, chat_id)
        if row is None or not may_see(who, row):
            raise NotFound(N_("chat.unknown"))
        return view(row)


def messages(db: Database, who: Principal, chat_id: int, after: int = 0) -> list[Message]:
    """The chat's messages after number ``after`` (to catch up after a dropped link)."""
    with db.uow() as uow:
        s = uow.session
        row = s.get(cm.ChatSession, chat_id)
        if row is None or not may_see(who, row):
            raise NotFound(N_("chat.unknown"))
        rows = s.scalars(
            select(cm.ChatMessage)
            .where(cm.ChatMessage.session_id == chat_id, cm.ChatMessage.seq > after)
            .order_by(cm.ChatMessage.seq)
        )
        return [Message(r.seq, r.role, r.author, r.text, r.at) for r in rows]


def close(db: Database, who: Principal, chat_id: int) -> ChatView:
    """End the chat (the subscriber, its agent, or a supervisor of its province); the
    subscriber is then sent the chat's satisfaction survey (once per chat, if sampled,
    under the survey rules: 7 days, quiet hours)."""
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        row = locked(s, who, chat_id)
        ended = row.state != dc.State.CLOSED.value
        if ended:
            row.state = dc.State.CLOSED.value
            row.closed_at = now
            append(s, row, dc.Role.SYSTEM, "system", _text(s, row, N_("chat.ended")), now)
        uow.commit()
        done = view(row)
    if ended:
        surveys.record_chat(
            db, done.msisdn, chat_id=done.id, province=done.province, agent=done.agent, now=now
        )
    return done
