"""Online chat end to end: the bot (commands through the SMS engine, questions from the
knowledge base), hand-over to a queue, the agent desk, tickets from chats, after hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.web.chat.bot import bot_for
from telcare.domain.access import Kind, Principal
from telcare.domain.chat import Role
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from telcare.services import chat, complaints, selfcare
from telcare.services.chat.common import append_many
from telcare.store import models as m
from telcare.store.uow import Database

BJ, GD = "13800138000", "13900139000"  # GoTone (the G3 desk) in Beijing; M-Zone in Guangdong
BEIJING = timezone(timedelta(hours=8))
NOON = datetime(2026, 12, 2, 12, tzinfo=BEIJING)
NIGHT = datetime(2026, 12, 2, 23, 30, tzinfo=BEIJING)
BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
GD_AGENT = Principal(Kind.STAFF, "gd-agent", "GD", "agent")
HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")


def bot(db: Database, msisdn: str) -> chat.Bot:
    return bot_for(db, SmsDispatcher(db), msisdn, selfcare.overview(db, msisdn).language)


def say(db: Database, msisdn: str, text: str) -> list[chat.Message]:
    return chat.say(db, msisdn, chat.start(db, msisdn).id, text, bot(db, msisdn))


def entries(db: Database) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(m.LedgerEntry)) or 0


@pytest.fixture
def noon(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOON)


@pytest.mark.usefixtures("noon")
def test_the_bot_answers_questions_and_runs_commands_with_their_confirmation(db: Database) -> None:
    first = chat.start(db, BJ)
    assert chat.start(db, BJ).id == first.id  # the open chat is resumed
    assert "10086" in chat.messages(db, Principal(Kind.SUBSCRIBER, BJ, ""), first.id)[0].text
    answer = say(db, BJ, "怎么查流量")
    assert answer[-1].role == "bot" and "CXLL" in answer[-1].text
    assert "100.00" in say(db, BJ, "CXYE")[-1].text
    before, balance = entries(db), selfcare.overview(db, BJ).balance_fen
    asked = say(db, BJ, "KTG3YH")[-1].text
    assert "Y" in asked and entries(db) == before  # nothing charged without the Y
    say(db, BJ, "Y")
    assert selfcare.overview(db, BJ).balance_fen == balance - 100


@pytest.mark.usefixtures("noon")
def test_a_person_takes_the_chat_and_files_a_ticket_with_the_transcript(db: Database) -> None:
    say(db, BJ, "我的流量扣费不对")
    handed = say(db, BJ, "人工")
    assert handed[-1].role == "system" and chat.start(db, BJ).state == "queued"
    chat_id = chat.start(db, BJ).id
    with pytest.raises(NotFound):
        chat.take(db, GD_AGENT, chat_id)  # another province's chat
    assert [c.id for c in chat.queue(db, BJ_AGENT)] == [chat_id]
    chat.take(db, BJ_AGENT, chat_id)
    chat.reply(db, BJ_AGENT, chat_id, "您好，我来帮您查一下。")
    with pytest.raises(Forbidden):
        chat.reply(db, HQ_ADMIN, chat_id, "not mine")
    said = say(db, BJ, "好的，谢谢")
    assert said[-1].role == "subscriber"  # with an agent: no bot answer
    seen = chat.messages(db, Principal(Kind.SUBSCRIBER, BJ, ""), chat_id)
    assert [x.role for x in seen][-3:] == ["system", "agent", "subscriber"]
    ticket_id = chat.to_ticket(db, BJ_AGENT, chat_id, "BIL.DISPUTE.DATA", "流量扣费争议")
    assert chat.to_ticket(db, BJ_AGENT, chat_id, "BIL.DISPUTE.DATA", "流量扣费争议") == ticket_id
    ticket = complaints.get_ticket(db, HQ_ADMIN, ticket_id)
    assert ticket.msisdn == BJ and "我的流量扣费不对" in ticket.description
    chat.close(db, BJ_AGENT, chat_id)
    with pytest.raises(Conflict):
        chat.reply(db, BJ_AGENT, chat_id, "too late")
    assert chat.start(db, BJ).id != chat_id  # a new chat next time


@pytest.mark.usefixtures("noon")
def test_the_g3_desk_goes_first_and_an_agent_who_leaves_returns_the_chat(db: Database) -> None:
    say(db, GD, "agent")
    say(db, BJ, "转人工")
    queued = chat.queue(db, HQ_ADMIN)
    assert [(c.msisdn, c.queue) for c in queued] == [(BJ, "G3"), (GD, "GEN")]
    chat.take(db, HQ_ADMIN, queued[0].id)
    assert [c.msisdn for c in chat.queue(db, HQ_ADMIN)] == [GD]
    chat.leave(db, HQ_ADMIN, queued[0].id)
    assert [c.msisdn for c in chat.queue(db, HQ_ADMIN)] == [BJ, GD]


@pytest.mark.usefixtures("noon")
def test_the_bot_hands_over_when_it_has_no_answer_twice(db: Database) -> None:
    assert say(db, BJ, "今天天气怎么样")[-1].role == "bot"
    assert chat.start(db, BJ).state == "bot"
    say(db, BJ, "明天会下雨吗")
    assert chat.start(db, BJ).state == "queued"


def test_after_hours_a_request_for_a_person_becomes_a_call_back(
    db: Database, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(NIGHT)
    say(db, BJ, "我要投诉营业厅")
    chat_id = chat.start(db, BJ).id
    end = say(db, BJ, "人工")[-1]
    assert end.role == "system" and "8:00" in end.text
    closed = chat.view_of(db, HQ_ADMIN, chat_id)
    assert closed.state == "closed" and closed.ticket_id is not None
    ticket = complaints.get_ticket(db, HQ_ADMIN, closed.ticket_id)
    assert ticket.category == "SVC.ONLINE.CALLBACK" and "我要投诉营业厅" in ticket.description
    assert closed.ticket_id in end.text


@pytest.mark.usefixtures("noon")
@pytest.mark.parametrize("bad", ["", "   ", "x" * 1001, "a\x00b", "\x1b[31m"])
def test_bad_messages_are_refused_and_nothing_is_written(db: Database, bad: str) -> None:
    chat_id = chat.start(db, BJ).id
    with pytest.raises(InvalidInput):
        chat.say(db, BJ, chat_id, bad, bot(db, BJ))
    assert len(chat.messages(db, Principal(Kind.SUBSCRIBER, BJ, ""), chat_id)) == 1


@pytest.mark.usefixtures("noon")
def test_each_sees_only_their_own_chat(db: Database) -> None:
    mine = chat.start(db, BJ).id
    with pytest.raises(NotFound):
        chat.messages(db, Principal(Kind.SUBSCRIBER, GD, ""), mine)
    with pytest.raises(NotFound):
        chat.say(db, GD, mine, "hello", bot(db, GD))
    with pytest.raises(NotFound):
        chat.messages(db, GD_AGENT, mine)
    assert chat.messages(db, BJ_AGENT, mine)  # Beijing's staff see Beijing's chats


@pytest.mark.usefixtures("noon")
def test_the_desk_is_for_staff_in_the_service_too(db: Database) -> None:
    chat_id = chat.start(db, BJ).id
    for outsider in (Principal(Kind.SUBSCRIBER, BJ, "BJ"), Principal(Kind.SP, "1066000001", "")):
        with pytest.raises(Forbidden):
            chat.queue(db, outsider)
        with pytest.raises(Forbidden):
            chat.take(db, outsider, chat_id)


@pytest.mark.usefixtures("noon")
def test_messages_written_together_keep_their_order_and_each_its_refusal(db: Database) -> None:
    """The sockets' short way (a batch per round trip on PostgreSQL, one transaction on
    SQLite): numbered in order; a message to a chat in no state for it is refused alone."""
    say(db, BJ, "人工")
    say(db, GD, "CXYE")  # GD's chat is with the bot: not the short way
    bj, gd = chat.start(db, BJ).id, chat.start(db, GD).id
    chat.take(db, BJ_AGENT, bj)
    now = datetime(2026, 12, 2, 4, 1, tzinfo=UTC)
    before = chat.messages(db, BJ_AGENT, bj)[-1].seq
    written = append_many(
        db,
        [
            (Role.SUBSCRIBER, BJ, bj, "一", now),
            (Role.AGENT, "bj-agent", bj, "二", now),
            (Role.SUBSCRIBER, GD, gd, "bot", now),
            (Role.AGENT, "gd-agent", bj, "not mine", now),
            (Role.SUBSCRIBER, BJ, bj, "三", now),
        ],
    )
    assert [w.seq if w else None for w in written] == [
        before + 1,
        before + 2,
        None,
        None,
        before + 3,
    ]
    texts = [x.text for x in chat.messages(db, BJ_AGENT, bj, before)]
    assert texts == ["一", "二", "三"]
