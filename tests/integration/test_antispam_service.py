"""Anti-spam services on SQLite and PostgreSQL: filter, quarantine, rules, reports, flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from telcare.demo.seed import seed_demo
from telcare.domain import antispam_rules as r
from telcare.domain import sender_standing as antispam_standing
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, NotFound
from telcare.services import antispam, notify
from telcare.store import antispam_models as am
from telcare.store import models as m
from telcare.store.uow import Database

BJ, GD, SH = "13800138000", "13900139000", "13700137000"
SP = "1066000001"
OFF_NET = "13512345678"
SPAM = "【澳门金沙】注册即送888元彩金，点击 www.xx.com 立即领取"
HAM = "晚上一起吃饭吗？"
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)

HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")


def outbox(db: Database, recipient: str) -> list[str]:
    with db.uow() as uow:
        return list(
            uow.session.scalars(
                select(m.OutboundSms.text)
                .where(m.OutboundSms.recipient == recipient)
                .order_by(m.OutboundSms.id)
            )
        )


def bulk_subscriber(db: Database) -> str:
    """An on-net line other than the three demo subscribers."""
    seed_demo(db, subscribers=4)
    with db.uow() as uow:
        return (
            uow.session.scalars(
                select(m.Subscriber.msisdn).where(m.Subscriber.msisdn.not_in([BJ, GD, SH]))
            ).first()
            or ""
        )


def test_filter_records_each_decision_and_is_idempotent(db: Database) -> None:
    first = antispam.deliver_mt(db, OFF_NET, BJ, SPAM, message_id="m1", now=NOW)
    again = antispam.deliver_mt(db, OFF_NET, BJ, "changed", message_id="m1", now=NOW)
    clean = antispam.deliver_mt(db, "+86 135 1234 5678", BJ, HAM, message_id="m2", now=NOW)
    assert first.action is r.Action.QUARANTINE and first.reason is r.Reason.CLASSIFIER
    assert again == first
    assert clean.delivered and clean.score is not None and clean.score < 0.5
    received = antispam.received(db, BJ)
    assert [(x.message_id, x.sender, x.action) for x in received] == [
        ("m2", OFF_NET, "deliver"),
        ("m1", OFF_NET, "quarantine"),
    ]
    assert [x.message_id for x in antispam.quarantine(db, BJ, now=NOW)] == ["m1"]


def test_sensitivity_off_delivers_spam_and_strict_is_stricter(db: Database) -> None:
    antispam.set_sensitivity(db, GD, "off")
    assert antispam.deliver_mt(db, OFF_NET, GD, SPAM, message_id="a").delivered
    antispam.set_sensitivity(db, GD, "STRICT")
    assert antispam.list_rules(db, GD).sensitivity is r.Sensitivity.STRICT
    with pytest.raises(Exception, match="sensitivity"):
        antispam.set_sensitivity(db, GD, "max")


def test_release_allowlists_and_keeps_feedback(db: Database) -> None:
    antispam.deliver_mt(db, OFF_NET, BJ, SPAM, message_id="m1")
    antispam.block_sender(db, BJ, OFF_NET)
    antispam.release(db, BJ, "m1")
    antispam.release(db, BJ, "m1")  # twice: no second effect
    assert antispam.quarantine(db, BJ) == []
    rules = antispam.list_rules(db, BJ)
    assert rules.allow == [OFF_NET] and rules.numbers == []
    with db.uow() as uow:
        feedback = uow.session.execute(
            select(am.SpamFeedback.msisdn, am.SpamFeedback.sender, am.SpamFeedback.label)
        ).all()
    assert [tuple(f) for f in feedback] == [(BJ, OFF_NET, "ham")]
    assert antispam.deliver_mt(db, OFF_NET, BJ, SPAM, message_id="m3").reason is (
        r.Reason.ALLOWLIST
    )
    with pytest.raises(NotFound):
        antispam.release(db, GD, "m1")  # not GD's message


def test_personal_rules_and_limits(db: Database) -> None:
    assert antispam.block_sender(db, SH, "+8613512345678") == (OFF_NET, True)
    assert antispam.block_sender(db, SH, OFF_NET) == (OFF_NET, False)
    assert antispam.block_prefix(db, SH, "10659") == ("10659", True)
    assert antispam.block_keyword(db, SH, "贷款") == ("贷款", True)
    decision = antispam.deliver_mt(db, "10659000001", SH, HAM, message_id="p")
    assert decision.reason is r.Reason.BLOCKED_PREFIX
    assert antispam.deliver_mt(db, "13600000000", SH, "低息贷款", message_id="k").reason is (
        r.Reason.KEYWORD
    )
    assert antispam.unblock_sender(db, SH, OFF_NET) == (OFF_NET, True)
    assert antispam.unblock_sender(db, SH, OFF_NET) == (OFF_NET, False)
    with db.uow() as uow:
        for i in range(r.MAX_KEYWORD_RULES - 1):
            uow.session.add(am.SpamRule(msisdn=SH, kind="keyword", value=f"w{i}", created_at=NOW))
        uow.commit()
    with pytest.raises(Conflict) as err:
        antispam.block_keyword(db, SH, "one more")
    assert err.value.key == "antispam.limit_keywords"
    assert antispam.block_keyword(db, SH, "贷款")[1] is False  # existing: not over the limit


def test_text_only_report_matches_the_last_received_message(db: Database) -> None:
    antispam.deliver_mt(db, "13600000001", BJ, SPAM, message_id="old", now=NOW)
    antispam.deliver_mt(db, OFF_NET, BJ, SPAM, message_id="new", now=NOW + timedelta(minutes=1))
    result = antispam.report(
        db, BJ, " 【澳门金沙】注册即送888元彩金，点击  www.xx.com 立即领取", channel="sms"
    )
    assert result.sender == OFF_NET and not result.duplicate
    assert antispam.report(db, BJ, SPAM).duplicate
    unmatched = antispam.report(db, BJ, "never received this")
    assert unmatched.sender == ""
    acks = outbox(db, BJ)
    assert len(acks) == 2 and OFF_NET in acks[0] and "号码*短信内容" in acks[1]
    with db.uow() as uow:
        row = uow.session.get(am.SpamReport, result.report_id)
        assert row is not None and row.score is not None and row.score > 0.9
        assert (row.reporter, row.channel, row.status) == (BJ, "sms", "open")


def test_reports_from_enough_subscribers_restrict_an_on_net_sender(db: Database) -> None:
    spammer = bulk_subscriber(db)
    for i, who in enumerate([BJ, GD, SH]):
        antispam.deliver_mt(db, spammer, who, SPAM, message_id=f"s{i}", now=NOW)
        antispam.report(db, who, SPAM, sender=spammer, now=NOW + timedelta(minutes=i))
    assert antispam.sender_status(db, spammer) == "restricted"
    assert antispam.is_restricted(db, spammer)
    stopped = antispam.deliver_mt(db, spammer, BJ, HAM, message_id="later")
    assert stopped.action is r.Action.STOP
    assert [o.split("，")[0] for o in outbox(db, BJ)][-1].startswith("您举报的号码")
    assert "can no longer send SMS" in outbox(db, GD)[-1]
    assert {q.status for q in antispam.report_queue(db, status=None)} == {"handled"}
    assert [a.action for a in antispam.actions(db)][:2] in (
        ["restrict_outbound", "flag"],
        ["flag", "restrict_outbound"],
    )
    # staff reverse it; the sender is delivered again and old reports no longer count
    antispam.unflag_sender(db, spammer, who=HQ_ADMIN)
    assert antispam.deliver_mt(db, spammer, BJ, HAM, message_id="after").delivered
    assert antispam.evaluate(db, spammer) == "clear"
    with pytest.raises(Conflict):
        antispam.unflag_sender(db, spammer, who=HQ_ADMIN)


def test_reports_spread_over_more_than_a_day_do_not_flag(db: Database) -> None:
    for i, who in enumerate([BJ, GD, SH]):
        antispam.report(db, who, HAM, sender=OFF_NET, now=NOW + timedelta(days=2 * i))
    assert antispam.sender_status(db, OFF_NET) == "clear"
    ranking = antispam.sender_ranking(db, now=NOW + timedelta(days=4))
    assert [(x.sender, x.reports, x.reporters, x.reporters_24h) for x in ranking] == [
        (OFF_NET, 3, 3, 1)
    ]


def test_flagged_sp_gets_a_violation_that_unflag_revokes(db: Database) -> None:
    antispam.report(db, BJ, SPAM, sender=SP)
    assert antispam.flag_sender(db, SP, who=HQ_ADMIN) == "flagged"
    with pytest.raises(Conflict):
        antispam.flag_sender(db, SP, who=HQ_ADMIN)
    [violation] = antispam.violations(db, SP)
    assert violation.type == "spam_reports" and violation.revoked_at is None
    assert violation.evidence["reason"] == "staff" and violation.evidence["reports"]
    assert antispam.deliver_mt(db, SP, GD, HAM, message_id="sp1").reason is (
        r.Reason.SENDER_FLAGGED
    )
    assert "violation" in outbox(db, BJ)[-1] or "违规" in outbox(db, BJ)[-1]
    antispam.unflag_sender(db, SP, who=HQ_ADMIN)
    assert antispam.violations(db, SP)[0].revoked_at is not None
    assert antispam.actions(db)[0].action == "unflag"


def test_dismiss_tells_reporters_no_violation(db: Database) -> None:
    antispam.report(db, GD, HAM, sender=OFF_NET)
    assert antispam.dismiss_reports(db, OFF_NET, who=HQ_ADMIN) == 1
    assert antispam.dismiss_reports(db, OFF_NET, who=HQ_ADMIN) == 0
    assert "no violation" in outbox(db, GD)[-1]


def test_click_report_from_quarantine(db: Database) -> None:
    antispam.deliver_mt(db, OFF_NET, GD, SPAM, message_id="c1")
    result = antispam.report_quarantined(db, GD, "c1")
    assert (result.sender, result.duplicate) == (OFF_NET, False)
    assert antispam.quarantine(db, GD)[0].reported_at is not None
    assert antispam.report_quarantined(db, GD, "c1").duplicate


def test_purge_after_thirty_days(db: Database) -> None:
    antispam.deliver_mt(db, OFF_NET, BJ, SPAM, message_id="o", now=NOW - timedelta(days=31))
    antispam.deliver_mt(db, OFF_NET, BJ, SPAM, message_id="n", now=NOW - timedelta(days=29))
    assert [x.message_id for x in antispam.quarantine(db, BJ, now=NOW)] == ["n"]
    assert antispam.purge(db, now=NOW) == 1
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(am.SpamMessage)) == 1


def test_statistics_per_day_and_keywords(db: Database) -> None:
    antispam.report(db, BJ, SPAM, sender=OFF_NET, now=NOW - timedelta(days=1))
    antispam.report(db, GD, "澳门金沙 彩金 免费领取", sender=OFF_NET, now=NOW)
    antispam.dismiss_reports(db, OFF_NET, who=HQ_ADMIN, now=NOW)
    stats = antispam.statistics(db, days=3, now=NOW)
    assert [(d.reported, d.handled) for d in stats.days] == [(0, 0), (1, 0), (1, 2)]
    words = dict(stats.top_keywords)
    assert words.get("金沙") == 2 and stats.open_reports == 0
    notify.due(db)  # the acknowledgements and outcomes are queued


def test_texts_with_nul_or_lone_surrogates_are_stored(db: Database) -> None:
    antispam.deliver_mt(db, OFF_NET, BJ, "a\x00b\ud800c", message_id="nul")
    assert antispam.received(db, BJ)[0].text == "ab?c"
    assert not antispam.report(db, BJ, "x\x00y", sender="135\x0012345678").duplicate


def test_firewall_on_both_databases_restricts_a_bulk_sender(db: Database) -> None:
    """The P2P firewall's window query and MinHash blobs on SQLite and PostgreSQL."""
    policy = antispam_standing.StandingPolicy(same_text_recipients=2, new_line_recipients=99)
    first = antispam.deliver_p2p(db, BJ, GD, HAM, message_id="p1", now=NOW, policy=policy)
    assert first.decision.delivered
    again = antispam.deliver_p2p(db, BJ, SH, HAM, message_id="p2", now=NOW, policy=policy)
    assert again.restricted_now is antispam_standing.BehaviourReason.SAME_TEXT
    assert again.decision.action is r.Action.STOP
    assert antispam.sender_status(db, BJ) == r.SenderStatus.RESTRICTED.value
    assert [i.sender for i in antispam.review_queue(db)] == [BJ]
    feed = antispam.decisions(db, sender=BJ, p2p=True)
    assert [(d.action, d.reason) for d in feed] == [
        ("stop", "sender_restricted"),
        ("deliver", "clean"),
    ]
