"""The three prohibitions the system did not detect before (issue #22): misleading sales,
forced bundles and charges the tariff does not allow, each found in hand-made data and
opening one discipline case (once, however often detection runs), through the job and
the worker too."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from telcare.demo.partners import seed_partners
from telcare.domain.access import Kind, Principal
from telcare.domain.ledger import EntryKind
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import cycle, lookups, orders, partners
from telcare.services.accounts import post_entry
from telcare.services.quality import discipline
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database

BJ, GD = "13800138000", "13900139000"
MUSIC, READER, GAME = "1066000001", "1066000002", "1066000005"
HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
NOW = datetime(2026, 3, 10, 10, tzinfo=OPERATOR_TZ)


@pytest.fixture
def pdb(db: Database) -> Database:
    seed_partners(db, now=NOW - timedelta(days=60))
    return db


def cases(db: Database, rule: str) -> list[discipline.CaseView]:
    return [c for c in discipline.list_cases(db, HQ_ADMIN) if c.rule == rule]


def subscribe(db: Database, msisdn: str, access: str, code: str, at: datetime) -> int:
    """A proper SP order: requested, confirmed with Y (a consent), the month charged."""
    held = partners.request(db, msisdn, access, code, channel="sms", now=at)
    orders.confirm(db, msisdn, now=at + timedelta(minutes=1))
    return held.subscription_id


def test_false_advertising_opens_a_misleading_sale_case(pdb: Database) -> None:
    partners.record_inspection(pdb, HQ_ADMIN, GAME, "false_advertising",
                               "拨测：宣传“免费试玩”，实际按月扣费", now=NOW)  # fmt: skip
    subscribe(pdb, BJ, MUSIC, "YY", NOW)  # an honest order: nothing to find
    assert discipline.detect(pdb, now=NOW) == 1
    assert discipline.detect(pdb, now=NOW) == 0  # once
    (case,) = cases(pdb, "misleading_sale")
    assert GAME in case.unit and case.evidence["sp"] == GAME and case.status == "open"


def test_a_fee_after_cancellation_or_above_the_price_opens_a_hidden_charge_case(
    pdb: Database,
) -> None:
    sid = subscribe(pdb, BJ, MUSIC, "YY", NOW)
    partners.cancel(pdb, BJ, MUSIC, "YY", channel="sms", now=NOW + timedelta(days=5))
    other = subscribe(pdb, GD, READER, "YD", NOW)
    assert discipline.detect(pdb, now=NOW) == 0  # proper fees only
    with pdb.uow() as uow:  # next month's fee posted although cancelled; GD charged 9.00
        s = uow.session
        sub = lookups.subscriber(s, BJ)
        account = lookups.account_for_update(s, sub.id)
        entry = post_entry(s, account, EntryKind.CHARGE, -300, reason="悦听音乐包 2026-04")
        consent = s.scalar(select(pm.SpConsent.id).where(pm.SpConsent.subscription_id == sid))
        s.add(pm.SpFee(subscription_id=sid, consent_id=consent, access_code=MUSIC,
                       month="2026-04", amount_fen=300, ledger_entry_id=entry.id,
                       created_at=NOW + timedelta(days=22)))  # fmt: skip
        fee = s.scalars(select(pm.SpFee).where(pm.SpFee.subscription_id == other)).one()
        fee.amount_fen = 900  # the service lists 5.00
        uow.commit()
    assert discipline.detect(pdb, now=NOW + timedelta(days=23)) == 2
    assert discipline.detect(pdb, now=NOW + timedelta(days=23)) == 0
    found = {c.province: c for c in cases(pdb, "hidden_charge")}
    assert found["BJ"].evidence["reasons"] == ["after_cancellation"]
    assert found["GD"].evidence["reasons"] == ["above_listed_price"]
    assert found["GD"].evidence["listed_fen"] == 500 and READER in found["GD"].unit


def test_two_subscriptions_on_one_confirmation_open_a_forced_bundle_case(
    pdb: Database,
) -> None:
    sid = subscribe(pdb, GD, MUSIC, "YY", NOW)
    subscribe(pdb, BJ, READER, "YD", NOW)  # another line, the same minute: no bundle
    with pdb.uow() as uow:  # the reading pack switched on with the same Y
        s = uow.session
        first = s.scalars(select(pm.SpConsent).where(pm.SpConsent.subscription_id == sid)).one()
        gd = lookups.subscriber(s, GD)
        svc = s.scalars(select(m.SpService).where(m.SpService.access_code == READER)).one()
        tied = pm.SpSubscription(subscriber_id=gd.id, service_id=svc.id, access_code=READER,
                                 state="active", channel="hall",
                                 requested_at=first.requested_at,
                                 activated_at=first.confirmed_at,
                                 needs_reconfirm=False)  # fmt: skip
        s.add(tied)
        s.flush()
        s.add(pm.SpConsent(subscription_id=tied.id, requested_at=first.requested_at,
                           confirmed_at=first.confirmed_at, answer="sms:Y"))  # fmt: skip
        uow.commit()
    assert discipline.detect(pdb, now=NOW) == 1
    assert discipline.detect(pdb, now=NOW) == 0
    (case,) = cases(pdb, "forced_bundle")
    assert case.province == "GD"
    assert case.evidence["items"] == [f"sp:{MUSIC}:YY", f"sp:{READER}:YD"]


def test_detection_is_a_worker_job(pdb: Database) -> None:
    partners.record_inspection(pdb, HQ_ADMIN, GAME, "false_advertising", "虚假宣传", now=NOW)
    ran = cycle.run_due(pdb, owner="w1", now=NOW + timedelta(days=1), only=["discipline_detect"])
    assert [(r.job, r.status, r.result) for r in ran] == [
        ("discipline_detect", "done", {"cases_opened": 1})
    ]
    assert len(cases(pdb, "misleading_sale")) == 1


def test_a_fee_on_a_consent_after_the_window_is_an_unconfirmed_fee(pdb: Database) -> None:
    sid = subscribe(pdb, BJ, MUSIC, "YY", NOW)
    assert discipline.detect(pdb, now=NOW) == 0
    with pdb.uow() as uow:  # the "Y" recorded two days after the request
        consent = uow.session.scalars(
            select(pm.SpConsent).where(pm.SpConsent.subscription_id == sid)
        ).one()
        consent.requested_at = consent.confirmed_at - timedelta(days=2)
        uow.commit()
    assert discipline.detect(pdb, now=NOW) == 1
    assert discipline.detect(pdb, now=NOW) == 0
    (case,) = cases(pdb, "unconfirmed_fee")
    assert case.province == "BJ" and case.ref.startswith("sp_fee_late:")
