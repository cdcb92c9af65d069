"""Issue #19: a subscriber's SMS to another subscriber goes through the firewall, over the
dispatcher every SMS adapter uses (SMPP, the API simulator, ``telcare sms``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from telcare import clock
from telcare.channels.sms.dispatcher import Outcome, SmsDispatcher
from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.domain.access import Kind, Principal
from telcare.domain.antispam_rules import (
    QUARANTINE_SCORE,
    REPORT_NUMBER,
    Action,
    Reason,
    SenderStatus,
)
from telcare.domain.sender_standing import BehaviourReason
from telcare.services import antispam
from telcare.store import antispam_models as am
from telcare.store import models as m
from telcare.store.uow import Database

BJ, GD, SH = "13800138000", "13900139000", "13700137000"
HAM = "明天上午十点开会，别迟到。"
SPAM = "恭喜您中奖了，请点击链接领取奖金 http://t.cn/abc"

Send = Callable[[str, str, str], Outcome]


@pytest.fixture
def send(sqlite_db: Database) -> Send:
    dispatcher = SmsDispatcher(sqlite_db)
    counter = iter(range(10**6))

    def run(sender: str, to: str, text: str) -> Outcome:
        return dispatcher.run(MoMessage(sender, to, text, message_id=f"fw{next(counter)}"))

    return run


def judged(db: Database, recipient: str) -> list[am.SpamMessage]:
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(am.SpamMessage)
            .where(am.SpamMessage.recipient == recipient)
            .order_by(am.SpamMessage.id)
        ).all()
        uow.session.expunge_all()
        return list(rows)


def test_a_stranger_s_sms_reaches_the_recipient(sqlite_db: Database, send: Send) -> None:
    labels = {"decision": "deliver", "rule": "clean"}
    before = REGISTRY.get_sample_value("telcare_sms_firewall_decisions_total", labels) or 0
    outcome = send(BJ, GD, HAM)
    after = REGISTRY.get_sample_value("telcare_sms_firewall_decisions_total", labels)
    assert after == before + 1  # /metrics counts person-to-person decisions too
    assert outcome.replies == [MtMessage(BJ, GD, HAM)]
    assert outcome.decision is not None and outcome.decision.reason is Reason.CLEAN
    [row] = judged(sqlite_db, GD)
    assert (row.sender, row.action, row.p2p) == (BJ, "deliver", True)
    assert row.minhash is not None


def test_blocked_sender_is_held_released_and_delivered(sqlite_db: Database, send: Send) -> None:
    antispam.block_sender(sqlite_db, GD, BJ)
    outcome = send(BJ, GD, HAM)
    assert outcome.replies == [] and outcome.held
    assert outcome.decision is not None and outcome.decision.reason is Reason.BLOCKED_NUMBER
    [held] = antispam.quarantine(sqlite_db, GD)
    assert (held.sender, held.text, held.reason) == (BJ, HAM, "blocked_number")
    antispam.release(sqlite_db, GD, held.message_id)
    assert antispam.quarantine(sqlite_db, GD) == []
    with sqlite_db.uow() as uow:
        queued = uow.session.execute(
            select(m.OutboundSms.sender, m.OutboundSms.text).where(m.OutboundSms.recipient == GD)
        ).all()
    assert (BJ, HAM) in [tuple(q) for q in queued]


def test_spam_text_is_held_and_reportable(sqlite_db: Database, send: Send) -> None:
    outcome = send(SH, GD, SPAM)
    assert outcome.held and outcome.replies == []
    assert outcome.decision is not None and outcome.decision.reason is Reason.CLASSIFIER
    assert (outcome.decision.score or 0) >= QUARANTINE_SCORE
    [held] = antispam.quarantine(sqlite_db, GD)
    result = antispam.report_quarantined(sqlite_db, GD, held.message_id)
    assert result.report_id
    [row] = [q for q in antispam.report_queue(sqlite_db, status=None) if q.sender == SH]
    assert row.reporter == GD


def test_transactional_and_personal_texts_pass(send: Send) -> None:
    for text in (
        "您的验证码是123456，5分钟内有效，请勿泄露给他人。【淘宝】",
        "您本月话费账单已出，总计58.30元，详情登录网上营业厅查询。【中国移动】",
        "Your verification code is 482913. Do not share it.",
        "妈妈，我已经到学校了，这周末不回家",
    ):
        outcome = send(BJ, GD, text)
        assert outcome.decision is not None and outcome.decision.delivered, text


def _subscribers(db: Database, count: int) -> list[str]:
    """``count`` more lines, like GD's, activated a year ago."""
    numbers = [f"1380013{i:04d}" for i in range(count)]
    with db.uow() as uow:
        s = uow.session
        like = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == GD))
        assert like is not None
        for number in numbers:
            s.add(
                m.Subscriber(
                    msisdn=number,
                    customer_id=like.customer_id,
                    brand=like.brand,
                    province_code=like.province_code,
                    created_at=clock.now() - timedelta(days=365),
                )
            )
        uow.commit()
    return numbers


def _age(db: Database, number: str, days: int) -> None:
    with db.uow() as uow:
        line = uow.session.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == number))
        assert line is not None
        line.created_at = clock.now() - timedelta(days=days)
        uow.commit()


def test_same_link_to_200_recipients_in_an_hour_restricts_the_sender(
    sqlite_db: Database, send: Send
) -> None:
    _age(sqlite_db, BJ, 400)  # an old line: only the same-text rule can stop it
    recipients = _subscribers(sqlite_db, 200)
    outcomes = [
        send(BJ, to, f"亲，你好{i}，周末聚会的照片在这里 http://t.cn/A6{i % 7}x")
        for i, to in enumerate(recipients)
    ]
    stopped = [o for o in outcomes if o.decision and o.decision.action is Action.STOP]
    assert stopped, "the sender was never restricted"
    assert len(stopped) >= 200 - 50  # restricted by the 50th recipient of the same text
    assert stopped[-1].replies[0].sender == REPORT_NUMBER
    assert antispam.sender_status(sqlite_db, BJ) == SenderStatus.RESTRICTED.value
    actions = [a for a in antispam.actions(sqlite_db) if a.sender == BJ]
    flag = next(a for a in actions if a.action == "flag")
    assert flag.detail["behaviour"] == BehaviourReason.SAME_TEXT.value
    # Nothing was silently dropped: every message is recorded with its reason.
    with sqlite_db.uow() as uow:
        rows = uow.session.scalars(select(am.SpamMessage).where(am.SpamMessage.sender == BJ)).all()
        assert len(rows) == 200
        assert {r.reason for r in rows if r.action == "stop"} == {"sender_restricted"}


def test_a_new_line_sending_bulk_is_restricted_and_staff_can_lift_it(
    sqlite_db: Database, send: Send
) -> None:
    recipients = _subscribers(sqlite_db, 40)
    for i, to in enumerate(recipients):
        send(GD, to, f"第{i}个不同的问候：今天天气真不错，记得吃饭 {i * 7919}")
    assert antispam.sender_status(sqlite_db, GD) == SenderStatus.RESTRICTED.value
    antispam.unflag_sender(sqlite_db, GD, who=Principal(Kind.STAFF, "hq-admin", "HQ", "admin"))
    assert send(GD, BJ, HAM).replies == [MtMessage(GD, BJ, HAM)]


def test_a_registered_enterprise_sender_is_not_judged_on_behaviour(
    sqlite_db: Database, send: Send
) -> None:
    antispam.register_enterprise(sqlite_db, GD, "Telcare notices", staff="hq-admin")
    for to in _subscribers(sqlite_db, 60):
        outcome = send(GD, to, "【中国移动】尊敬的客户，您的套餐将于下月起升级，详询10086。")
        assert outcome.decision is not None and outcome.decision.delivered
        assert outcome.decision.reason is Reason.ENTERPRISE
    assert antispam.sender_status(sqlite_db, GD) == SenderStatus.CLEAR.value


def test_unknown_recipient_is_told_not_dropped(send: Send) -> None:
    outcome = send(BJ, "13312345678", HAM)
    assert outcome.decision is None
    [reply] = outcome.replies
    assert reply.recipient == BJ and "13312345678" in reply.text


def test_redelivery_returns_the_first_decision(sqlite_db: Database) -> None:
    dispatcher = SmsDispatcher(sqlite_db)
    mo = MoMessage(BJ, GD, HAM, message_id="smsc-1")
    assert dispatcher.handle(mo) == dispatcher.handle(mo) == [MtMessage(BJ, GD, HAM)]
    assert len(judged(sqlite_db, GD)) == 1


def test_over_the_api_simulator_the_delivered_mt_comes_back(sqlite_db: Database) -> None:
    from fastapi.testclient import TestClient

    from telcare.channels.api.app import create_app

    client = TestClient(create_app(sqlite_db, demo=True))
    sent = client.post("/sms/mo", json={"sender": BJ, "recipient": GD, "text": HAM})
    assert sent.status_code == 200
    assert sent.json() == [{"sender": BJ, "recipient": GD, "text": HAM}]
    held = client.post("/sms/mo", json={"sender": SH, "recipient": GD, "text": SPAM})
    assert held.status_code == 200 and held.json() == []
    assert [m.text for m in antispam.quarantine(sqlite_db, GD)] == [SPAM]
