"""A base plan changed by SMS: ``KT`` + ``Y`` book it for the 1st, ``CXTC`` shows it,
``QXTCBG`` drops it; the renewals of the 1st start it and charge its first month."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from time_machine import TimeMachineFixture

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.services import cycle, orders, selfcare
from telcare.store.uow import Database
from tests.conftest import Templates, db_at

SEEDED = datetime(2026, 12, 10, 4, tzinfo=UTC)  # noon, 10 December (Beijing)
BJ, GD, SH = "13800138000", "13900139000", "13700137000"


@pytest.fixture
def pdb(
    templates: Templates, tmp_path: Path, time_machine: TimeMachineFixture
) -> Iterator[Database]:
    yield from db_at(SEEDED, "sqlite", templates, tmp_path, time_machine)


def sender(db: Database):  # type: ignore[no-untyped-def]
    dispatcher = SmsDispatcher(db)
    counter = iter(range(10**6))

    def send(msisdn: str, text: str) -> str:
        replies = dispatcher.handle(MoMessage(msisdn, "10086", text, f"p{next(counter)}"))
        return "".join(r.text for r in replies)

    return send


def test_kt_of_another_base_plan_takes_effect_on_the_first(
    pdb: Database, time_machine: TimeMachineFixture
) -> None:
    sms = sender(pdb)
    ask = sms(BJ, "KTQQT128")
    assert "全球通128套餐G3版" in ask and "2027-01-01生效" in ask and "128.00" in ask
    done = sms(BJ, "Y")
    assert "套餐变更" in done and "2027-01-01" in done
    assert selfcare.overview(pdb, BJ).balance_fen == 10000  # nothing charged now
    shown = sms(BJ, "CXTC")
    assert "全球通88套餐G3版" in shown and "待生效的套餐变更：全球通128套餐G3版" in shown
    assert "待生效的套餐变更" in sms(BJ, "KTQQT128")  # one pending change at a time
    time_machine.move_to(datetime.fromisoformat("2027-01-01T00:05:00+08:00"))
    run = cycle.renew_month(pdb, "2027-01")
    assert run.charged == 2  # BJ's new plan, GD's WLT
    assert selfcare.overview(pdb, BJ).balance_fen == 10000 - 12800  # the new plan, in full
    assert [p.code for p in selfcare.packages(pdb, BJ)] == ["QQT128"]
    assert orders.pending_change(pdb, BJ) is None
    assert cycle.renew_month(pdb, "2027-01").charged == 0


def test_a_plan_change_can_be_cancelled_before_the_first(pdb: Database) -> None:
    sms = sender(pdb)
    sms(BJ, "KTQQT128")
    sms(BJ, "Y")
    assert "已取消" in sms(BJ, "QXTCBG")
    assert "没有待生效的套餐变更" in sms(BJ, "取消套餐变更")
    assert "待生效" not in sms(BJ, "CXTC")
    assert orders.pending_change(pdb, BJ) is None
    sms(BJ, "KTQQT128")  # and a new one may be booked
    assert "2027-01-01" in sms(BJ, "Y")


def test_plan_change_refusals(pdb: Database) -> None:
    sms = sender(pdb)
    assert "已订购QQT88" in sms(BJ, "KTQQT88")  # the plan it has
    assert "不能办理WLT" in sms(BJ, "KTWLT")  # another brand's plan
    assert orders.pending_change(pdb, BJ) is None


def test_the_confirmation_states_the_first_month_terms(pdb: Database) -> None:
    sms = sender(pdb)
    ask = sms(BJ, "KTG3YH")
    assert "首月按整月收取1.00元" in ask and "每月1日自动续订" in ask
    assert "first month costs the full 1.00 yuan" in sms(GD, "KTG3YH")
