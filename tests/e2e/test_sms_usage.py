"""CXLL and the reminder switch through the SMS engine, after a usage file is rated."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import update

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import charging
from telcare.store.models import Subscription
from telcare.store.uow import Database

BJ = "13800138000"


def sms(db: Database, text: str, sender: str = BJ) -> str:
    return "".join(r.text for r in SmsDispatcher(db).handle(MoMessage(sender, "10086", text)))


def test_cxll_shows_use_allowance_left_and_charges(sqlite_db: Database, tmp_path: Path) -> None:
    month_start = datetime.now(OPERATOR_TZ).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    with sqlite_db.uow() as uow:
        uow.session.execute(update(Subscription).values(starts_at=month_start))
        uow.commit()
    plan_kb = 150 * 1024
    at = month_start.replace(hour=9).isoformat()
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "record_id,msisdn,service,started_at,volume,roaming,peer\n"
        f"u1,{BJ},data,{at},{plan_kb - 1024},0,\n"  # all but 1 MB of the plan
        f"u2,{BJ},data,{at},{1024 + 500},0,\n"  # the last MB, then 500 KB at 0.01 yuan
        f"u3,{BJ},voice,{at},60,1,13900139000\n"  # roaming call: 0.19 yuan, not a data fee
    )
    summary = charging.ingest(sqlite_db, usage)
    assert summary.rated == 3
    reply = sms(sqlite_db, "CXLL")
    assert f"{month_start.year}年{month_start.month}月" in reply
    assert "已用数据流量150.5MB" in reply and "剩余0MB" in reply and "5.00元" in reply
    english = "".join(
        r.text for r in SmsDispatcher(sqlite_db).handle(MoMessage("13900139000", "10086", "流量"))
    )
    assert "300 MB left" in english


def test_reminder_switch_by_sms(sqlite_db: Database) -> None:
    assert "已关闭" in sms(sqlite_db, "QXLLTX")
    assert charging.reminder_enabled(sqlite_db, BJ) is False
    assert "已开通" in sms(sqlite_db, "ktlltx")
    assert charging.reminder_enabled(sqlite_db, BJ) is True
