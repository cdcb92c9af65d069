"""Partner governance on SQLite and PostgreSQL: consent before any fee, the fee run,
cancels, the schema's guard, and a simulated quarter (the issue's "done when")."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from telcare.demo.partners import DEMO_PASSWORD, seed_partners
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import AlreadySubscribed, NothingPending
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import accounts, orders, partners
from telcare.services import complaints as tickets
from telcare.store import antispam_models as am
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database

BJ, GD, SH = "13800138000", "13900139000", "13700137000"
HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
GD_AGENT = Principal(Kind.STAFF, "gd-agent", "GD", "agent")
MUSIC, READ, MMS, WEATHER, GAME = (f"106600000{i}" for i in range(1, 6))


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=OPERATOR_TZ)


@pytest.fixture
def pdb(db: Database) -> Database:
    seed_partners(db, now=at(1, 1, 0) - timedelta(days=1))
    return db


def balance(db: Database, msisdn: str) -> int:
    with db.uow() as uow:
        sub = uow.session.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == msisdn))
        return uow.session.scalar(
            select(m.Account.balance_fen).where(m.Account.subscriber_id == sub.id)
        )


def subscribe(db: Database, msisdn: str, access: str, code: str, when: datetime) -> None:
    partners.request(db, msisdn, access, code, channel="sms", now=when)
    done = orders.confirm(db, msisdn, now=when + timedelta(minutes=1))
    assert done.message_key == "sp.subscribed"


def test_nothing_is_charged_before_y_and_y_charges_once(pdb: Database) -> None:
    before = balance(pdb, BJ)
    pending = partners.request(pdb, BJ, MUSIC, "yy", channel="web", now=at(1, 5))
    assert balance(pdb, BJ) == before
    assert partners.run_fees(pdb, "2026-01", now=at(1, 6)).charged == 0  # pending: no fee
    with pdb.uow() as uow:  # the confirmation SMS comes from 10086
        sms = uow.session.execute(
            select(m.OutboundSms.sender, m.OutboundSms.text).where(m.OutboundSms.recipient == BJ)
        ).all()
    assert any(sender == "10086" and "回复Y" in text for sender, text in sms)
    done = orders.confirm(pdb, BJ, now=at(1, 6, 9))  # within 24 hours
    assert done.subscription_id == pending.subscription_id and done.charged_fen == 300
    assert balance(pdb, BJ) == before - 300
    with pytest.raises(NothingPending):
        orders.confirm(pdb, BJ, now=at(1, 6, 9))
    with pytest.raises(AlreadySubscribed):
        partners.request(pdb, BJ, MUSIC, "YY", channel="api", now=at(1, 7))
    assert partners.run_fees(pdb, "2026-01", now=at(1, 8)).already == 1  # January paid at Y
    run = partners.run_fees(pdb, "2026-02", now=at(2, 1, 1))
    assert (run.charged, run.charged_fen) == (1, 300)
    assert partners.run_fees(pdb, "2026-02", now=at(2, 1, 2)).charged == 0  # idempotent
    assert balance(pdb, BJ) == before - 600


def test_a_late_y_or_a_cancel_before_y_charges_nothing(pdb: Database) -> None:
    before = balance(pdb, GD)
    partners.request(pdb, GD, MUSIC, "YY", channel="api", now=at(1, 5))
    with pytest.raises(Exception):  # noqa: B017 - expired after 24 hours
        orders.confirm(pdb, GD, now=at(1, 6, 11))
    partners.request(pdb, GD, MUSIC, "YY", channel="api", now=at(1, 7))
    partners.cancel(pdb, GD, MUSIC, channel="sms", now=at(1, 7, 11))
    with pytest.raises(NothingPending):
        orders.confirm(pdb, GD, now=at(1, 7, 12))
    assert balance(pdb, GD) == before
    assert partners.run_fees(pdb, "2026-02", now=at(2, 1)).charged == 0


def test_cancel_from_the_0000_menu_stops_the_next_fee(pdb: Database) -> None:
    subscribe(pdb, BJ, READ, "YD", at(1, 3))
    offers = orders.paid_menu(pdb, BJ, now=at(1, 4))
    index = [o.code for o in offers].index("YD") + 1
    (done,) = orders.cancel_from_menu(pdb, BJ, (index,), now=at(1, 4))
    assert done.offer.code == "YD" and done.effective_at == at(1, 4)
    assert "YD" not in [o.code for o in orders.paid_menu(pdb, BJ, now=at(1, 5))]
    assert partners.run_fees(pdb, "2026-02", now=at(2, 1)).charged == 0


def test_a_fee_without_its_subscriptions_consent_is_refused_by_the_schema(pdb: Database) -> None:
    subscribe(pdb, BJ, MUSIC, "YY", at(1, 3))
    partners.request(pdb, GD, MUSIC, "YY", channel="sms", now=at(1, 3))  # pending, no consent
    with pdb.uow() as uow:
        s = uow.session
        consent = s.scalars(select(pm.SpConsent)).one()
        other = s.scalar(select(pm.SpSubscription).where(pm.SpSubscription.state == "pending"))
        entry = s.scalars(select(m.LedgerEntry).order_by(m.LedgerEntry.id.desc())).first()
        s.add(
            pm.SpFee(
                subscription_id=other.id,
                consent_id=consent.id,  # BJ's consent, GD's subscription
                access_code=MUSIC,
                month="2026-02",
                amount_fen=300,
                ledger_entry_id=entry.id,
                created_at=at(2, 1),
            )
        )
        with pytest.raises(IntegrityError):
            s.flush()


def test_sp_sees_only_its_own(pdb: Database) -> None:
    who = partners.authenticate_sp(pdb, MUSIC, DEMO_PASSWORD)
    assert partners.overview(pdb, who, MUSIC).name == "悦听音乐"
    with pytest.raises(Exception, match="access"):
        partners.overview(pdb, who, GAME)


def _complaint(db: Database, msisdn: str, agent: Principal, node: str, when: datetime) -> None:
    caller = Principal(Kind.SUBSCRIBER, msisdn, node)
    t = tickets.file_ticket(
        db,
        caller,
        node=node,
        category="VAS.UNCONFIRMED.SP",
        summary="乐游游戏未经确认扣费",
        related_sp=GAME,
        now=when,
    )
    for step, action in enumerate(["acknowledge", "start", "resolve"], start=1):
        tickets.transition(db, agent, t.id, action, node=node, now=when + timedelta(hours=step))


def test_a_simulated_quarter(pdb: Database) -> None:
    accounts.recharge(pdb, SH, 10_000, idempotency_key="sh-top-up")
    accounts.recharge(pdb, GD, 10_000, idempotency_key="gd-top-up")
    # January: everybody subscribes through the consent path; ratings come in
    for msisdn, access, code in [
        (BJ, MUSIC, "YY"),
        (BJ, READ, "YD"),
        (BJ, GAME, "YX"),
        (GD, MUSIC, "YY"),
        (GD, WEATHER, "TQ"),
        (GD, MMS, "CX"),
        (GD, GAME, "YX"),
        (SH, WEATHER, "TQ"),
    ]:
        subscribe(pdb, msisdn, access, code, at(1, 3))
    for msisdn, access, score in [(BJ, MUSIC, 5), (GD, MUSIC, 5), (BJ, READ, 4)]:
        for month in (1, 2, 3):
            partners.rate(pdb, msisdn, access, score, now=at(month, 10))
    for month in (1, 2, 3):
        partners.rate(pdb, GD, WEATHER, 2, now=at(month, 10))
        partners.rate(pdb, SH, WEATHER, 3, now=at(month, 10))
    jan = {r.access_code: r for r in partners.run_month(pdb, "2026-01", now=at(2, 1, 0))}
    assert {c: r.tier for c, r in jan.items()} == {
        MUSIC: "A",
        READ: "A",
        MMS: "A",
        WEATHER: "B",  # satisfaction 2.5: 15 points off
        GAME: "A",
    }
    # February: fees; the MMS SP is flagged by the anti-spam platform
    assert partners.run_fees(pdb, "2026-02", now=at(2, 1, 1)).charged == 8
    with pdb.uow() as uow:
        uow.session.add(
            am.SpViolation(
                access_code=MMS,
                type="spam_reports",
                evidence={"reporters": 12},
                created_at=at(2, 14),
            )
        )
        uow.commit()
    feb = {r.access_code: r for r in partners.run_month(pdb, "2026-02", now=at(3, 1, 0))}
    assert (feb[MMS].tier, feb[MMS].action) == ("B", "suspend")
    assert feb[GAME].tier == "A"
    # March: fees (the suspended SP is not billed); the game SP's unconfirmed charges come out
    run = partners.run_fees(pdb, "2026-03", now=at(3, 1, 1))
    assert run.charged == 7
    with pdb.uow() as uow:
        uow.session.add(
            am.SpViolation(
                access_code=MMS,
                type="spam_reports",
                evidence={"reporters": 7},
                created_at=at(3, 9),
            )
        )
        uow.commit()
    _complaint(pdb, BJ, BJ_AGENT, "BJ", at(3, 5))
    _complaint(pdb, GD, GD_AGENT, "GD", at(3, 6))
    partners.record_inspection(
        pdb, HQ_ADMIN, GAME, "unconfirmed_charge", "拨测：未回复Y即扣费", now=at(3, 20)
    )
    before = {n: balance(pdb, n) for n in (BJ, GD)}
    mar = {r.access_code: r for r in partners.run_month(pdb, "2026-03", now=at(4, 1, 0))}
    assert {c: r.tier for c, r in mar.items()} == {
        MUSIC: "A",
        READ: "A",
        MMS: "B",
        WEATHER: "B",
        GAME: "D",
    }
    assert mar[GAME].action == "terminate" and mar[GAME].refunds == 2
    assert mar[MMS].action == "none"  # stays suspended
    assert [d.access_code for d in partners.disclosed(pdb)] == [MUSIC, READ]
    assert {n: balance(pdb, n) - before[n] for n in before} == {BJ: 800, GD: 800}
    # run again: nothing moves twice
    partners.run_month(pdb, "2026-03", now=at(4, 1, 1))
    with pdb.uow() as uow:
        s = uow.session
        refunds = s.scalar(
            select(func.count(m.LedgerEntry.id)).where(m.LedgerEntry.kind == "refund")
        )
        statuses = dict(
            s.execute(select(m.ServiceProvider.access_code, m.ServiceProvider.status)).all()
        )
        acts = s.execute(select(pm.SpAction.access_code, pm.SpAction.action)).all()
        told = s.scalars(
            select(m.OutboundSms.recipient).where(m.OutboundSms.dedupe_key.like("sp:terminated:%"))
        ).all()
        game_subs = s.scalars(
            select(pm.SpSubscription.state).where(pm.SpSubscription.access_code == GAME)
        ).all()
    assert refunds == 2
    assert statuses[MMS] == "suspended" and statuses[GAME] == "terminated"
    assert sorted(acts) == [(MMS, "suspend"), (GAME, "terminate")]
    assert sorted(told) == [BJ, GD]
    assert set(game_subs) == {"cancelled"}
    report = partners.yearly_report(pdb, 2026)
    assert (report.violations_handled, report.billing_violations) == (5, 3)
    assert (report.sps_suspended, report.sps_terminated, report.refunds) == (1, 1, 2)
    assert report.disclosed == 5 - 1  # A in some month: music, reading, MMS, game (not weather)


def test_a_survey_about_a_closed_sp_complaint_feeds_the_sps_satisfaction(pdb: Database) -> None:
    """Partners read the answered ticket surveys by SQL when they score a month."""
    from telcare.services import surveys
    from telcare.store.outbox import OutboxEvent

    subscribe(pdb, GD, WEATHER, "TQ", at(1, 3))
    partners.rate(pdb, SH, WEATHER, 5, now=at(1, 4))
    caller = Principal(Kind.SUBSCRIBER, GD, "GD")
    t = tickets.file_ticket(
        pdb, caller, node="GD", category="BIL.DISPUTE.PKG", summary="天气快讯包月费有疑问",
        related_sp=WEATHER, now=at(1, 5),
    )  # fmt: skip
    for step, action in enumerate(["acknowledge", "start", "resolve"], start=1):
        tickets.transition(
            pdb, GD_AGENT, t.id, action, node="GD", now=at(1, 5) + timedelta(hours=step)
        )
    tickets.transition(pdb, caller, t.id, "close", node="GD", now=at(1, 6))
    with pdb.uow() as uow:
        event = uow.session.scalars(
            select(OutboxEvent.payload).where(
                OutboxEvent.key == t.id, OutboxEvent.type == "ticket.closed"
            )
        ).one()
    sent = surveys.on_ticket_closed(pdb, event)
    assert sent is not None and sent.survey_id is not None
    surveys.handle_reply(pdb, GD, "不满意 还是没说清楚", now=at(1, 7))
    jan = {r.access_code: r for r in partners.run_month(pdb, "2026-01", now=at(2, 1, 0))}
    with pdb.uow() as uow:
        score = uow.session.get_one(pm.SpScore, (WEATHER, "2026-01"))
        music = uow.session.get(pm.SpScore, (MUSIC, "2026-01"))
    assert score.inputs["ratings"] == 2  # the sp_rating row and the survey (score 1)
    assert Decimal(score.inputs["satisfaction"]) == 3
    assert jan[WEATHER].score == 60  # 30 off for the complaint (1 of 1 subscriber), 10 × (4 − 3)
    assert music is None and jan[MUSIC].tier is None  # no subscriber: too little data
    feb = {r.access_code: r for r in partners.run_month(pdb, "2026-02", now=at(3, 1, 0))}
    assert feb[WEATHER].score == 100  # January's survey is not February's


def test_the_monthly_settlement_holds_by_tier_and_releases_later(pdb: Database) -> None:
    """Fees minus refunds per SP; a C month holds 30 %, the next A/B month releases it."""
    accounts.recharge(pdb, GD, 10_000, idempotency_key="gd-settle")
    subscribe(pdb, BJ, MUSIC, "YY", at(1, 3))  # 300 charged in January
    subscribe(pdb, GD, MUSIC, "YY", at(1, 3))
    subscribe(pdb, GD, READ, "YD", at(1, 3))  # 500
    with pdb.uow() as uow:  # the scores of January, as run_month would have saved them
        for code, tier in ((MUSIC, "C"), (READ, "A")):
            uow.session.add(
                pm.SpScore(access_code=code, month="2026-01", score=70 if tier == "C" else 95,
                           tier=tier, inputs={}, computed_at=at(2, 1, 0))
            )  # fmt: skip
        uow.commit()
    jan = {r.access_code: r for r in partners.run_settlement(pdb, "2026-01", now=at(2, 1, 1))}
    assert set(jan) == {MUSIC, READ}  # SPs without fees get no row
    assert (jan[MUSIC].fees_fen, jan[MUSIC].held_fen, jan[MUSIC].payable_fen) == (600, 180, 420)
    assert (jan[READ].held_fen, jan[READ].payable_fen) == (0, 500)
    assert partners.run_settlement(pdb, "2026-01", now=at(2, 1, 2)) == list(jan.values())
    # February: music is B again (no score: B) and one of its fees is refunded in February
    assert partners.run_fees(pdb, "2026-02", now=at(2, 1, 3)).charged == 3
    with pdb.uow() as uow:
        s = uow.session
        row = s.scalars(
            select(pm.SpSubscription).where(
                pm.SpSubscription.access_code == MUSIC, pm.SpSubscription.subscriber_id
                == s.scalar(select(m.Subscriber.id).where(m.Subscriber.msisdn == BJ))
            )
        ).one()  # fmt: skip
        partners.refund_fees(s, row, "2026-02", at(2, 10))
        uow.commit()
    feb = {r.access_code: r for r in partners.run_settlement(pdb, "2026-02", now=at(3, 1, 1))}
    music = feb[MUSIC]
    assert (music.fees_fen, music.refunds_fen, music.net_fen) == (600, 300, 300)
    assert (music.held_fen, music.released_fen, music.payable_fen) == (0, 180, 480)
    again = {r.access_code: r for r in partners.run_settlement(pdb, "2026-02", now=at(3, 1, 2))}
    assert again[MUSIC].released_fen == 180  # released once, in February
    march = partners.run_settlement(pdb, "2026-03", now=at(4, 1, 1))
    assert all(r.released_fen == 0 for r in march)
    shown = partners.settlements(pdb, HQ_ADMIN, "2026-01")
    assert [(r.access_code, r.released_in) for r in shown] == [(MUSIC, "2026-02"), (READ, None)]
