"""Points redemption through the real SMS engine: DH<code>, Y/N, zh and en replies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from time_machine import TimeMachineFixture

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.demo.loyalty import seed_loyalty
from telcare.services import accounts, hall, loyalty, selfcare
from telcare.store.uow import Database
from tests.clock import LOYALTY_SEASON
from tests.conftest import Templates, db_at

BJ, GD, SH = "13800138000", "13900139000", "13700137000"


@pytest.fixture
def ldb(
    templates: Templates, tmp_path: Path, time_machine: TimeMachineFixture
) -> Iterator[Database]:
    """The demo seeded in the 2026 campaigns, with the test's clock starting there too."""
    for db in db_at(LOYALTY_SEASON, "sqlite", templates, tmp_path, time_machine):
        seed_loyalty(db)
        yield db


@pytest.fixture
def sms(ldb: Database):
    dispatcher = SmsDispatcher(ldb)
    counter = iter(range(10**6))

    def send(sender: str, text: str) -> str:
        mo = MoMessage(sender, "10086", text, message_id=f"l{next(counter)}")
        return "".join(r.text for r in dispatcher.handle(mo))

    return send


def test_redeem_gift_by_sms_with_confirmation(sms, ldb: Database) -> None:
    ask = sms(BJ, "DHG002")
    assert "600积分" in ask and "东长安街1号" in ask and "回复Y" in ask
    # DH first earns what is due: the 100.00 yuan opening top-up, 0.5 + 0.5 bonus a yuan
    before = selfcare.overview(ldb, BJ).points
    assert before == 5100  # nothing spent before Y
    done = sms(BJ, "Y")
    assert "兑换成功" in done and "浙江" in done  # shipped from the nearest stock, Zhejiang
    assert selfcare.overview(ldb, BJ).points == before - 600
    (order,) = loyalty.my_orders(ldb, BJ)
    assert order.state == "placed" and order.warehouse == "ZJ"
    assert "您没有待确认" in sms(BJ, "Y")  # a second Y does nothing


def test_partner_service_code_by_sms_in_english(sms, ldb: Database) -> None:
    accounts.recharge(ldb, GD, 500_000, idempotency_key="big")  # 5,000 yuan earns points
    ask = sms(GD, "dh m201")
    assert "one-time code" in ask
    done = sms(GD, "Y")
    code = re.search(r"code (\d{8})", done)
    assert code, done
    shown = loyalty.verify_code(ldb, "M0002", code.group(1))
    assert shown.msisdn_masked == "139****9000"


def test_decline_and_refusals(sms, ldb: Database) -> None:
    assert "回复Y" in sms(BJ, "兑换G001")
    assert "放弃" in sms(BJ, "N")
    assert selfcare.overview(ldb, BJ).points >= 5000
    assert "需要1000积分" in sms(SH, "DHG001")
    assert "needs a delivery address" in sms(GD, "DHG002")
    assert "没有代码为NOPE的礼品" in sms(BJ, "DHNOPE")
    assert "not offered in your province" in sms(GD, "DHM101")


def test_hall_confirm_of_a_pending_gift_does_not_break(ldb: Database) -> None:
    """The package page's generic confirm also carries out a pending redemption."""
    loyalty.request_redemption(ldb, BJ, "G001", channel="web")
    step = hall.confirm_order(ldb, BJ, idempotency_key="web:gift-1")
    assert step.code == "G001"
    assert loyalty.my_orders(ldb, BJ)[0].gift_code == "G001"


def test_cxjf_shows_what_a_redemption_would_spend(sms, ldb: Database) -> None:
    """CXJF used to show 5,000 while DH counted the pending accrual (5,100): they agree now."""
    shown = sms(BJ, "CXJF")
    assert "5100" in shown, shown
    assert "回复Y" in sms(BJ, "DHG002")
    sms(BJ, "Y")
    assert "4500" in sms(BJ, "CXJF")
