"""The demo operator: complete, spread across brands and provinces, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from telcare.demo.seed import DEMO_SUBSCRIBERS, seed_demo
from telcare.domain.provinces import PROVINCES
from telcare.services import selfcare
from telcare.services.hashing import verify_secret
from telcare.store import models as m
from telcare.store.uow import Database


def counts(db: Database) -> dict[str, int]:
    with db.uow() as uow:
        s = uow.session
        return {
            table.__tablename__: s.scalar(select(func.count()).select_from(table)) or 0
            for table in (
                m.Province,
                m.Subscriber,
                m.Account,
                m.LedgerEntry,
                m.PointsEntry,
                m.Product,
                m.TariffPrice,
                m.Subscription,
                m.StaffUser,
                m.Gift,
                m.GiftStock,
                m.RechargeCard,
                m.ServiceProvider,
                m.SpService,
            )
        }


def test_demo_operator_is_complete_and_idempotent(empty_db: Database) -> None:
    seed_demo(empty_db)
    first = counts(empty_db)
    assert first["province"] == 32
    assert first["subscriber"] == DEMO_SUBSCRIBERS >= 2000
    again = seed_demo(empty_db)
    assert again.created == {} and again.staff_passwords == {}
    assert counts(empty_db) == first
    with empty_db.uow() as uow:
        s = uow.session
        provinces = s.scalar(select(func.count(func.distinct(m.Subscriber.province_code))))
        brands = set(s.scalars(select(m.Subscriber.brand).distinct()))
        assert provinces == len(PROVINCES)
        assert brands == {"GOTONE", "EASYOWN", "MZONE"}
        card = s.get(m.RechargeCard, "1000000000000001")
        assert card is not None and card.face_value_fen == 5000 and card.status == "unused"
        assert verify_secret("123456", card.pin_hash) and not verify_secret("654321", card.pin_hash)
        assert s.get(m.Gift, "G001").points == 1000
        assert s.scalar(select(func.count()).where(m.GiftStock.gift_code == "G001")) >= 3
        yy = s.scalar(select(m.SpService).where(m.SpService.access_code == "1066000001"))
        assert yy.code == "YY" and yy.price_fen == 300


def test_demo_fixtures(db: Database) -> None:
    bj = selfcare.overview(db, "13800138000")
    assert (bj.brand.value, bj.province, bj.language, bj.balance_fen, bj.points) == (
        "GOTONE",
        "BJ",
        "zh",
        10000,
        5000,
    )
    gd = selfcare.overview(db, "13900139000")
    assert (gd.brand.value, gd.province, gd.language, gd.balance_fen, gd.points) == (
        "MZONE",
        "GD",
        "en",
        3000,
        800,
    )
    sh = selfcare.overview(db, "13700137000")
    assert (sh.brand.value, sh.province, sh.balance_fen) == ("EASYOWN", "SH", 50)
    assert [p.code for p in selfcare.packages(db, "13800138000")] == ["QQT88"]
