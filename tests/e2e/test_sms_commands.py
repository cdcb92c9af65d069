"""Every 10086 command through the real dispatcher, as a subscriber would send it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.services import cards, loyalty, orders, selfcare
from telcare.store import models as m
from telcare.store.uow import Database

BJ, GD, SH = "13800138000", "13900139000", "13700137000"


@pytest.fixture
def sms(sqlite_db: Database):
    dispatcher = SmsDispatcher(sqlite_db)
    counter = iter(range(10**6))

    def send(sender: str, text: str, to: str = "10086") -> str:
        replies = dispatcher.handle(MoMessage(sender, to, text, message_id=f"t{next(counter)}"))
        assert all(r.sender == to and r.recipient == sender for r in replies)
        assert len(replies) <= 1  # one message however long: the SMS adapter concatenates
        return "".join(r.text for r in replies)

    return send


def balance(db: Database, msisdn: str) -> int:
    return selfcare.overview(db, msisdn).balance_fen


def entries(db: Database) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(m.LedgerEntry)) or 0


def test_queries_in_zh_and_en(sms, sqlite_db: Database) -> None:
    assert sms(BJ, "CXYE") == "尊敬的客户，您的账户余额为100.00元。【中国移动】"
    assert "100.00" in sms(BJ, " 余额 ")
    # spendable points: the seed's 5,000 and what the opening top-up accrues under the
    # rules in force that day (a campaign may double it), as a redemption would spend (#22)
    shown = sms(BJ, "cxjf")
    points = loyalty.spendable_points(sqlite_db, BJ)
    assert points > 5000 and f"{points}分" in shown
    assert "全球通88套餐G3版" in sms(BJ, "CXTC")
    assert sms(GD, "ＣＸＹＥ") == "Your balance is 30.00 yuan. [China Mobile]"
    gd_points = loyalty.spendable_points(sqlite_db, GD)
    assert gd_points > 800 and f"{gd_points} points" in sms(GD, "积分")


def test_unknown_and_malformed_get_help(sms) -> None:
    assert "CXYE" in sms(BJ, "what?")
    assert "CXYE" in sms(BJ, "")
    assert "KTG3YH" in sms(BJ, "KT")  # the right command with nothing after it
    assert "16" in sms(BJ, "CZ12345")


def test_not_a_subscriber(sms) -> None:
    assert "仅对中国移动在用客户开放" in sms("13512345678", "CXYE")


def test_charged_pack_needs_y_and_charges_once(sms, sqlite_db: Database) -> None:
    before, n = balance(sqlite_db, BJ), entries(sqlite_db)
    ask = sms(BJ, "kt g3yh")
    assert "1.00" in ask and "回复Y" in ask
    assert balance(sqlite_db, BJ) == before and entries(sqlite_db) == n  # nothing charged yet
    assert "扣费1.00元" in sms(BJ, "Y")
    assert balance(sqlite_db, BJ) == before - 100 and entries(sqlite_db) == n + 1
    assert "没有待确认" in sms(BJ, "Y")  # a second Y charges nothing
    assert balance(sqlite_db, BJ) == before - 100
    assert "已订购" in sms(BJ, "KTG3YH")


def test_n_declines_and_a_new_order_replaces_the_pending_one(sms, sqlite_db: Database) -> None:
    before = balance(sqlite_db, GD)
    assert "Reply Y" in sms(GD, "KTG3YH")
    replaced = sms(GD, "KTFCJQ")
    assert "replaces your pending 1-yuan G3 data pack" in replaced and "60 days" in replaced
    assert "not ordered" in sms(GD, "n")
    assert "nothing waiting" in sms(GD, "Y")
    assert balance(sqlite_db, GD) == before


def test_expired_confirmation_charges_nothing(sqlite_db: Database) -> None:
    before = balance(sqlite_db, BJ)
    past = datetime.now(UTC) - timedelta(hours=25)
    orders.request_subscription(sqlite_db, BJ, "G3YH", channel="sms", now=past)
    dispatcher = SmsDispatcher(sqlite_db)
    reply = dispatcher.handle(MoMessage(BJ, "10086", "Y"))[0].text
    assert "超过24小时" in reply
    assert balance(sqlite_db, BJ) == before


def test_insufficient_balance_keeps_the_order_pending(sms, sqlite_db: Database) -> None:
    assert "1.00" in sms(SH, "KTG3YH")  # 神州行 with 0.50 yuan
    assert "余额不足" in sms(SH, "Y")
    assert balance(sqlite_db, SH) == 50
    assert "成功" in sms(SH, "CZ1000000000000001123456")
    assert "扣费1.00元" in sms(SH, "Y")
    assert balance(sqlite_db, SH) == 50 + 5000 - 100


def test_a_price_change_after_the_quote_charges_nothing(sms, sqlite_db: Database) -> None:
    assert "1.00" in sms(BJ, "KTG3YH")
    before = balance(sqlite_db, BJ)
    with sqlite_db.uow() as uow:
        uow.session.execute(update(m.Product).where(m.Product.code == "G3YH").values(price_fen=200))
        uow.commit()
    assert "资费已调整" in sms(BJ, "Y")
    assert balance(sqlite_db, BJ) == before
    assert "没有待确认" in sms(BJ, "Y")  # the stale order is gone
    assert "2.00" in sms(BJ, "KTG3YH")  # ordering again quotes the new price
    assert "扣费2.00元" in sms(BJ, "Y")
    assert balance(sqlite_db, BJ) == before - 200


def test_0000_lists_and_cancels_by_number(sms, sqlite_db: Database) -> None:
    sms(BJ, "KTG3YH")
    sms(BJ, "Y")
    assert "没有付费业务" not in sms(BJ, "0000")
    listing = sms(BJ, "00000")
    assert "【1】1元G3优惠包" in listing
    assert "序号2无效" in sms(BJ, "QX2")
    assert "退订1元G3优惠包" in sms(BJ, "QX1")
    assert "没有付费业务" in sms(BJ, "0000")
    with sqlite_db.uow() as uow:
        row = uow.session.scalar(
            select(m.Subscription).where(m.Subscription.product_code == "G3YH")
        )
        assert row.state == "cancelled" and row.ends_at is not None


def test_qxall_cancels_every_paid_monthly_package(sms) -> None:
    sms(BJ, "KTG3YH")
    sms(BJ, "Y")
    assert "退订" in sms(BJ, "QXALL")
    assert "没有付费业务" in sms(BJ, "QXALL")


def test_free_and_ineligible_products(sms) -> None:
    assert "不能办理LCYJ" in sms(BJ, "KTLCYJ")  # 两城一家 is for 神州行
    assert "没有代码为NOPE的业务" in sms(BJ, "KTNOPE")
    assert "成功开通长途一口价" in sms(BJ, "KTLDYKJ")  # free: no confirmation
    assert "不能退订" in sms(BJ, "QXQQT88")


def test_recharge_card_once_and_pin_attempts_limited(sms, sqlite_db: Database) -> None:
    # BJ guesses another number: five wrong PINs on card 1 itself would lock it for GD too
    for left in (4, 3, 2, 1, 0):
        assert f"还可尝试{left}次" in sms(BJ, "CZ1000000000000002000000")
    assert "请明日再试" in sms(BJ, "CZ1000000000000001123456")  # locked even with the right PIN
    assert cards.failures_today(sqlite_db, BJ) == 5
    assert "Recharged 50.00 yuan" in sms(GD, "CZ 1000000000000001 123456")
    assert "already been used" in sms(GD, "CZ1000000000000001123456")
    assert balance(sqlite_db, GD) == 3000 + 5000


def test_redelivered_recharge_has_one_effect(sqlite_db: Database) -> None:
    dispatcher = SmsDispatcher(sqlite_db)
    mo = MoMessage(GD, "10086", "CZ1000000000000001123456", message_id="smsc-42")
    first = dispatcher.handle(mo)[0].text
    again = dispatcher.handle(mo)[0].text
    assert first == again and "80.00" in again
    assert balance(sqlite_db, GD) == 8000


def test_other_service_numbers_are_not_10086(sms) -> None:
    assert sms(BJ, "CXYE", to="10010") == ""
