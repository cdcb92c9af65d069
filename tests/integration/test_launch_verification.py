"""The launch checklist verified by the system (issue #22): the test orders run on the
test lines through the real SMS dispatcher and the online hall's services, each check
recorded with its evidence; only a run that passed them all, both reviews and a second
person's approval put the item on sale. Tariff prices go through the same gate."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from telcare.channels.sms import launch_test
from telcare.demo.partners import seed_partners
from telcare.domain import launch as rules
from telcare.domain.access import Kind, Principal
from telcare.domain.catalog import Brand
from telcare.domain.errors import Conflict, InvalidInput, NotEligible
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import accounts, charging, orders, partners, selfcare
from telcare.services.catalog_admin import tariffs
from telcare.services.quality import launch
from telcare.store import models as m
from telcare.store.uow import Database

BJ, GD, SH = "13800138000", "13900139000", "13700137000"
MUSIC = "1066000001"
TESTER = Principal(Kind.STAFF, "hq-tester", "HQ", "admin")
APPROVER = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")


def review_and_approve(db: Database, kind: str, item: str) -> launch.ChecklistView:
    for step in rules.REVIEWS:
        launch.record_step(db, TESTER, kind, item, step, ok=True, note="文字已核对")
    return launch.approve(db, APPROVER, kind, item)


def test_an_sp_service_is_verified_through_sms_and_the_web(db: Database) -> None:
    seed_partners(db)
    partners.launch_service(db, Principal(Kind.SP, MUSIC, "HQ"), MUSIC, "NEWS", "音乐快讯",
                            "Music news", 300)  # fmt: skip
    item = f"{MUSIC}:NEWS"
    launch.start(db, TESTER, "sp_service", item, [BJ, GD])
    with pytest.raises(InvalidInput, match=r"launch\.automatic"):  # typed by hand: refused
        launch.record_step(db, TESTER, "sp_service", item, "sms_charge", ok=True)
    for step in rules.REVIEWS:
        launch.record_step(db, TESTER, "sp_service", item, step, ok=True)
    with pytest.raises(Conflict, match=r"launch\.incomplete"):  # nothing run yet
        launch.approve(db, APPROVER, "sp_service", item)
    before = {n: selfcare.overview(db, n).balance_fen for n in (BJ, GD)}
    done = launch_test.run(db, TESTER, "sp_service", item)
    failed = {k: v["evidence"] for k, v in done.steps.items() if k in rules.ORDER_STEPS
              and not v["ok"]}  # fmt: skip
    assert failed == {} and done.missing == []
    sms, web = done.steps["sms_confirmation"], done.steps["web_confirmation"]
    assert "音乐快讯" in sms["evidence"]["reply"] and sms["line"] == BJ
    assert "Music news" in sms["evidence"]["texts"]["en"] and web["line"] == GD
    assert done.steps["sms_charge"]["evidence"]["entries"][0]["amount_fen"] == -300
    assert done.steps["web_refund"]["evidence"]["refunded_fen"] == 300
    assert done.steps["sms_order"]["by"] == rules.AUTO_BY
    assert {n: selfcare.overview(db, n).balance_fen for n in (BJ, GD)} == before  # refunded
    with pytest.raises(Conflict, match=r"launch\.four_eyes"):
        launch.approve(db, TESTER, "sp_service", item)
    assert launch.approve(db, APPROVER, "sp_service", item).status == "passed"
    partners.request(db, SH, MUSIC, "NEWS", channel="sms")  # on sale


def test_a_failed_test_order_keeps_a_product_off_sale(db: Database) -> None:
    with db.uow() as uow:
        uow.session.add(m.Product(code="LT5", name_zh="上线测试包", name_en="Launch pack",
                                  kind="addon", price_fen=500, period="monthly",
                                  validity_days=None, data_kb=1024, brands=[b.value for b in Brand],
                                  provinces=None, charged=True, active=True))  # fmt: skip
        uow.commit()
    with pytest.raises(NotEligible, match=r"launch\.not_on_sale"):
        orders.request_subscription(db, GD, "LT5", channel="sms")
    launch.start(db, TESTER, "product", "LT5", [SH])  # 神州行 with 0.50 yuan: cannot pay 5
    run = launch_test.run(db, TESTER, "product", "LT5")
    assert run.steps["sms_order"]["ok"] and "5.00" in run.steps["sms_order"]["evidence"]["reply"]
    confirmation = run.steps["sms_confirmation"]
    assert not confirmation["ok"] and "余额不足" in confirmation["evidence"]["reply"]
    assert not run.steps["sms_charge"]["ok"] and run.steps["last_run"]["passed"] is False
    assert "sms_confirmation" in run.missing and "web_charge" in run.missing
    with pytest.raises(Conflict, match=r"launch\.incomplete"):  # reviewed, the run failed
        review_and_approve(db, "product", "LT5")
    accounts.recharge(db, SH, 2000, idempotency_key="lt5-topup")
    run = launch_test.run(db, TESTER, "product", "LT5")
    assert run.missing == [] and run.steps["last_run"]["passed"], run.steps
    assert run.steps["web_charge"]["evidence"]["entries"][0]["amount_fen"] == -500
    assert launch.approve(db, APPROVER, "product", "LT5").status == "passed"
    assert isinstance(orders.request_subscription(db, BJ, "LT5", channel="sms"), orders.Pending)


HEADER = "record_id,msisdn,service,started_at,volume,roaming,peer"


def _usage(tmp: Path, name: str, when: str) -> Path:
    path = tmp / f"{name}.csv"
    path.write_text(f"{HEADER}\n{name},{GD},data,{when},10,1,\n", encoding="utf-8")
    return path


def test_a_new_tariff_price_rates_nothing_until_its_launch_passed(
    db: Database, tmp_path: Path
) -> None:
    now = datetime(2026, 10, 20, 12, tzinfo=OPERATOR_TZ)
    item = tariffs.add_price(db, APPROVER, "DATA_STD", Decimal("2"), now.date() - timedelta(10),
                             name_zh="新数据资费", name_en="New data rate")  # fmt: skip
    assert item == "DATA_STD@2026-10-10"
    first = charging.ingest(db, _usage(tmp_path, "u1", "2026-10-15 10:00:00"), now=now)
    assert first.charged_fen == 10  # roaming 10 KB at the price in force: 0.01 yuan/KB
    launch.start(db, TESTER, "tariff", item, [GD])
    run = launch_test.run(db, TESTER, "tariff", item)
    rate = run.steps["rate"]
    assert rate["ok"] and rate["evidence"]["charged_ufen"] == 1024 * 2_000_000
    assert rate["evidence"]["in_force_before_launch_ufen"] == 1_000_000
    assert review_and_approve(db, "tariff", item).status == "passed"
    second = charging.ingest(db, _usage(tmp_path, "u2", "2026-10-16 10:00:00"), now=now)
    assert second.charged_fen == 20  # launched: the new price rates


def test_a_new_base_plan_is_gated_and_verified_as_a_plan_change(db: Database) -> None:
    with db.uow() as uow:
        uow.session.add(m.Product(code="QQT58", name_zh="全球通58套餐", name_en="GoTone 58",
                                  kind="base_plan", price_fen=5800, period="monthly",
                                  validity_days=None, data_kb=0, brands=[b.value for b in Brand],
                                  provinces=None, charged=True, active=True))  # fmt: skip
        uow.commit()
    with pytest.raises(NotEligible, match=r"launch\.not_on_sale"):  # plan changes are gated
        orders.request_subscription(db, SH, "QQT58", channel="sms")
    launch.start(db, TESTER, "product", "QQT58", [BJ, GD])
    run = launch_test.run(db, TESTER, "product", "QQT58")
    assert run.missing == list(rules.REVIEWS), run.steps
    assert run.steps["sms_charge"]["evidence"]["charged_now"] == []  # charged on the 1st
    assert "全球通58套餐" in run.steps["sms_confirmation"]["evidence"]["reply"]
    assert orders.pending_change(db, BJ) is None  # the booked change was dropped
    assert review_and_approve(db, "product", "QQT58").status == "passed"
    assert isinstance(orders.request_subscription(db, SH, "QQT58", channel="sms"), orders.Pending)
