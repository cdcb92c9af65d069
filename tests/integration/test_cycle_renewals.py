"""Monthly renewals on both backends: once per subscription and month, lapses, resume."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from time_machine import TimeMachineFixture

from telcare.services import accounts, cycle, orders, selfcare
from telcare.services.cycle import covered, renewals
from telcare.store import models as m
from telcare.store.cycle_models import Renewal
from telcare.store.tmf_models import BalanceReservation
from telcare.store.uow import Database
from tests.conftest import BACKENDS, Templates, db_at

SEEDED = datetime(2026, 12, 10, 4, tzinfo=UTC)  # noon in Beijing, 10 December
NEW_YEAR = datetime.fromisoformat("2027-01-01T00:05:00+08:00")
BJ, GD, SH = "13800138000", "13900139000", "13700137000"


@pytest.fixture(params=BACKENDS)
def cdb(
    request: pytest.FixtureRequest,
    templates: Templates,
    tmp_path: Path,
    time_machine: TimeMachineFixture,
) -> Iterator[Database]:
    """The demo seeded on 10 December 2026, with add-ons ordered that month."""
    for db in db_at(SEEDED, request.param, templates, tmp_path, time_machine):
        _order(db, BJ, "G3YH")  # 100.00 -> 99.00
        _order(db, GD, "G3YH")  # 30.00 -> 29.00, then cancelled: ends at the 1st
        orders.cancel(db, GD, "G3YH")
        accounts.recharge(db, SH, 500, idempotency_key="sh-topup")  # 0.50 -> 5.50
        _order(db, SH, "LCYJ")  # 5.50 -> 0.50: January's 5.00 is not covered
        time_machine.move_to(NEW_YEAR)
        yield db


def _order(db: Database, msisdn: str, code: str) -> None:
    orders.request_subscription(db, msisdn, code, channel="sms")
    orders.confirm(db, msisdn)


def balance(db: Database, msisdn: str) -> int:
    return selfcare.overview(db, msisdn).balance_fen


def ledger_matches(db: Database) -> None:
    with db.read() as uow:
        for account in uow.session.scalars(select(m.Account)):
            total = uow.session.scalar(
                select(func.coalesce(func.sum(m.LedgerEntry.amount_fen), 0)).where(
                    m.LedgerEntry.account_id == account.id
                )
            )
            assert account.balance_fen == total


def renewal_entries(db: Database) -> list[str]:
    with db.read() as uow:
        return list(
            uow.session.scalars(
                select(m.LedgerEntry.reference).where(m.LedgerEntry.reference.like("renewal:%"))
            )
        )


def test_new_year_renews_each_product_once(cdb: Database) -> None:
    assert balance(cdb, BJ) == 9900
    run = cycle.renew_month(cdb, "2027-01")
    assert balance(cdb, BJ) == 9900 - 8800 - 100  # QQT88 88.00 and G3YH 1.00
    assert balance(cdb, GD) == 2900 - 2000  # WLT 20.00; the cancelled G3YH is not renewed
    assert balance(cdb, SH) == 50  # SZXBZ is free; LCYJ lapsed
    assert run.lapsed == 1 and run.charged >= 3
    again = cycle.renew_month(cdb, "2027-01")
    assert (again.charged, again.free, again.lapsed, again.fee_fen) == (0, 0, 0, 0)
    assert balance(cdb, BJ) == 1000
    refs = renewal_entries(cdb)
    assert len(refs) == len(set(refs)) == run.charged
    ledger_matches(cdb)


def test_a_covered_line_posted_as_a_set_reads_like_one_decided_alone(cdb: Database) -> None:
    """BJ's balance covers both fees, so the set path posts them: base plan first, each
    entry with the balance after it, the reference and reason the per-line path writes."""
    cycle.renew_month(cdb, "2027-01")
    with cdb.read() as uow:
        s = uow.session
        rows = s.execute(
            select(m.LedgerEntry, m.Subscription.product_code)
            .join(m.Account, m.Account.id == m.LedgerEntry.account_id)
            .join(m.Subscriber, m.Subscriber.id == m.Account.subscriber_id)
            .join(
                m.Subscription,
                m.LedgerEntry.reference
                == "renewal:" + func.cast(m.Subscription.id, m.String) + ":2027-01",
            )
            .where(m.Subscriber.msisdn == BJ)
            .order_by(m.LedgerEntry.id)
        ).all()
        got = [
            (code, e.kind, e.amount_fen, e.balance_after_fen, e.reason.split()[:2])
            for e, code in rows
        ]
        assert got == [
            ("QQT88", "charge", -8800, 1100, ["月租", "QQT88"]),
            ("G3YH", "charge", -100, 1000, ["月租", "G3YH"]),
        ]
        outcomes = s.execute(
            select(Renewal.product_code, Renewal.outcome, Renewal.fee_fen)
            .join(m.Subscriber, m.Subscriber.id == Renewal.subscriber_id)
            .where(m.Subscriber.msisdn == BJ)
            .order_by(Renewal.product_code)
        ).all()
        assert [tuple(o) for o in outcomes] == [
            ("G3YH", "charged", 100),
            ("QQT88", "charged", 8800),
        ]


def test_a_live_reservation_is_not_spent_by_the_renewals(cdb: Database) -> None:
    """BJ holds 10.50 of its 99.00 for online charging: the base plan (88.00) is posted,
    and the add-on (1.00) lapses, as the per-line rule says, because only 0.50 is left."""
    with cdb.uow() as uow:
        sub = uow.session.scalars(select(m.Subscriber).where(m.Subscriber.msisdn == BJ)).one()
        uow.session.add(
            BalanceReservation(
                subscriber_id=sub.id,
                amount_fen=1050,
                status="created",
                reason="ocs",
                created_by="test",
                created_at=NEW_YEAR,
                expires_at=NEW_YEAR + timedelta(hours=1),
                updated_at=NEW_YEAR,
            )
        )
        uow.commit()
    cycle.renew_month(cdb, "2027-01")
    assert balance(cdb, BJ) == 9900 - 8800
    with cdb.read() as uow:
        outcome = uow.session.scalar(
            select(Renewal.outcome).where(Renewal.product_code == "G3YH", Renewal.fee_fen == 0)
        )
    assert outcome == "lapsed"
    ledger_matches(cdb)


def test_an_addon_the_balance_cannot_cover_lapses_with_an_sms(cdb: Database) -> None:
    cycle.renew_month(cdb, "2027-01")
    with cdb.read() as uow:
        s = uow.session
        lcyj = s.scalars(select(m.Subscription).where(m.Subscription.product_code == "LCYJ")).one()
        assert lcyj.state == "expired"
        assert lcyj.ends_at == datetime.fromisoformat("2027-01-01T00:00:00+08:00")
        sms = s.scalars(
            select(m.OutboundSms).where(m.OutboundSms.dedupe_key.like("lapsed:%"))
        ).one()
        assert sms.recipient == SH and "两城一家" in sms.text and "KTLCYJ" in sms.text
        assert sms.not_before == datetime.fromisoformat("2027-01-01T08:00:00+08:00")  # quiet


def test_the_base_plan_fee_is_posted_into_a_negative_balance_and_bars(cdb: Database) -> None:
    accounts.charge(cdb, GD, 2800, idempotency_key="gd-spend")  # 29.00 -> 1.00
    cycle.renew_month(cdb, "2027-01")
    assert balance(cdb, GD) == 100 - 2000
    with cdb.read() as uow:
        s = uow.session
        account = s.scalars(
            select(m.Account).join(m.Subscriber).where(m.Subscriber.msisdn == GD)
        ).one()
        assert account.barring_pending
        notice = s.scalars(
            select(m.OutboundSms).where(m.OutboundSms.dedupe_key.like("barring:renewal:%"))
        ).one()
        assert notice.recipient == GD and "-19.00" in notice.text
    ledger_matches(cdb)


def test_nothing_is_renewed_for_a_closed_line(cdb: Database) -> None:
    with cdb.uow() as uow:
        uow.session.execute(
            update(m.Subscriber).where(m.Subscriber.msisdn == BJ).values(status="closed")
        )
        uow.commit()
    cycle.renew_month(cdb, "2027-01")
    with cdb.read() as uow:
        renewed = uow.session.scalars(
            select(Renewal.product_code)
            .join(m.Subscriber, m.Subscriber.id == Renewal.subscriber_id)
            .where(m.Subscriber.msisdn == BJ)
        ).all()
    assert renewed == []


def test_a_month_not_begun_is_refused(cdb: Database) -> None:
    from telcare.domain.errors import InvalidInput

    with pytest.raises(InvalidInput):
        cycle.renew_month(cdb, "2027-02")


@pytest.mark.parametrize(
    ("path", "dies_on"),
    [(covered, "renew_covered"), (renewals, "_renew_lines")],
    ids=["set-path", "per-line-path"],
)
def test_a_run_killed_mid_batch_resumes_without_charging_twice(
    cdb: Database, monkeypatch: pytest.MonkeyPatch, path: object, dies_on: str
) -> None:
    """Killed after a batch's postings, before its commit: in the set path (BJ's and
    GD's lines, covered) on its third batch, or in the per-line path (SH's)."""
    real = getattr(path, dies_on)
    calls = {"n": 0}
    fatal = 3 if dies_on == "renew_covered" else 1

    def dies(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        done = real(*args, **kwargs)
        if calls["n"] == fatal:
            raise RuntimeError("killed mid-batch")  # after the postings, before the commit
        return done

    monkeypatch.setattr(path, dies_on, dies)
    with pytest.raises(RuntimeError):
        cycle.renew_month(cdb, "2027-01", batch=1)
    with cdb.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Renewal)) > 0
    monkeypatch.setattr(path, dies_on, real)
    cycle.renew_month(cdb, "2027-01", batch=1)
    assert balance(cdb, BJ) == 1000 and balance(cdb, GD) == 900 and balance(cdb, SH) == 50
    with cdb.read() as uow:
        per_sub = uow.session.execute(
            select(Renewal.subscription_id, func.count()).group_by(Renewal.subscription_id)
        ).all()
    assert per_sub and all(n == 1 for _, n in per_sub)
    refs = renewal_entries(cdb)
    assert len(refs) == len(set(refs))
    ledger_matches(cdb)


def test_the_january_statement_shows_the_fees_and_equals_the_ledger(cdb: Database) -> None:
    cycle.renew_month(cdb, "2027-01")
    st = cycle.statement(cdb, BJ, "2027-01")
    assert (st.totals.opening_fen, st.totals.fees_fen, st.totals.closing_fen) == (9900, 8900, 1000)
    assert st.totals.balanced and st.totals.closing_fen == balance(cdb, BJ)
    assert [(i.heading, i.amount_fen) for i in st.items] == [("fees", -8800), ("fees", -100)]
    december = cycle.statement(cdb, BJ, "2026-12")
    dec = december.totals  # seeded on 10 December with 100.00, then G3YH ordered
    assert (dec.opening_fen, dec.recharges_fen, dec.fees_fen) == (0, 10000, 100)
    assert december.totals.closing_fen == st.totals.opening_fen
    csv_text = cycle.ledger_csv(st)
    assert "-88.00" in csv_text and ",closing,,,10.00" in csv_text
    sent = cycle.notify_ready(cdb, "2026-12")
    assert sent >= 3 and cycle.notify_ready(cdb, "2026-12") == 0  # once per line and month


def test_fee_reminders_before_the_first(cdb: Database, time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(datetime.fromisoformat("2027-01-25T10:00:00+08:00"))
    cycle.renew_month(cdb, "2027-01")
    # February: BJ has 10.00 for 89.00 of fees, GD 9.00 for 20.00; SH's LCYJ lapsed
    assert cycle.remind_fees(cdb, "2027-01") == 2
    assert cycle.remind_fees(cdb, "2027-01") == 0  # once per line and month
    with cdb.read() as uow:
        texts = {
            sms.recipient: sms.text
            for sms in uow.session.scalars(
                select(m.OutboundSms).where(m.OutboundSms.dedupe_key.like("fee_reminder:%"))
            )
        }
    assert set(texts) == {BJ, GD}
    assert "2027-02-01将扣除套餐及业务月费89.00元，您当前余额10.00元" in texts[BJ]
