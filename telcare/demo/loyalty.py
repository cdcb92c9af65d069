"""The loyalty demo data (``data/loyalty.yaml``) written into the database."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from telcare import clock
from telcare.demo import load
from telcare.domain import loyalty as rules
from telcare.services.hashing import hash_secret
from telcare.services.loyalty import put_address
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database


def seed_loyalty(db: Database) -> dict[str, str]:
    """Tiers, accrual rules, campaigns, two partner merchants with services, more gifts
    and a default address for 13800138000. Idempotent; returns new merchants' passwords."""
    data: dict[str, Any] = load("loyalty")
    passwords: dict[str, str] = {}
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        for tier in data["tiers"]:
            if s.get(lm.LoyaltyTier, tier["code"]) is None:
                s.add(
                    lm.LoyaltyTier(
                        code=tier["code"],
                        name_zh=tier["name_zh"],
                        name_en=tier["name_en"],
                        min_monthly_spend_fen=tier["min_monthly_spend_fen"],
                    )
                )
        s.flush()
        if s.scalar(select(func.count()).select_from(lm.AccrualRule)) == 0:
            for r in data["rules"]:
                s.add(
                    lm.AccrualRule(
                        source=r["source"],
                        brand=r["brand"],
                        tier=r["tier"],
                        points_per_yuan=Decimal(r["points_per_yuan"]),
                        valid_from=r["valid_from"],
                        valid_to=None,
                    )
                )
        for c in data["campaigns"]:
            if s.get(lm.LoyaltyCampaign, c["code"]) is None:
                s.add(
                    lm.LoyaltyCampaign(
                        code=c["code"],
                        name_zh=c["name_zh"],
                        name_en=c["name_en"],
                        source=c["source"],
                        brands=c["brands"],
                        starts_on=c["starts_on"],
                        ends_on=c["ends_on"],
                        multiplier=Decimal(c["multiplier"]),
                        bonus_per_yuan=Decimal(c["bonus_per_yuan"]),
                    )
                )
        for mc in data["merchants"]:
            if s.get(lm.Merchant, mc["code"]) is None:
                password = secrets.token_urlsafe(9)
                passwords[mc["code"]] = password
                s.add(
                    lm.Merchant(
                        code=mc["code"],
                        name_zh=mc["name_zh"],
                        name_en=mc["name_en"],
                        province_code=mc["province"],
                        password_hash=hash_secret(password),
                        settlement_fen_per_point=Decimal(mc["settlement_fen_per_point"]),
                        active=True,
                        created_at=now,
                    )
                )
        s.flush()
        service_ids: dict[tuple[str, str], int] = {}
        for sv in data["services"]:
            merchant, code = sv["merchant"], sv["code"]
            row = s.scalar(
                select(lm.MerchantService).where(
                    lm.MerchantService.merchant_code == merchant, lm.MerchantService.code == code
                )
            )
            if row is None:
                row = lm.MerchantService(
                    merchant_code=merchant,
                    code=code,
                    name_zh=sv["name_zh"],
                    name_en=sv["name_en"],
                    valid_days=sv["valid_days"],
                )
                s.add(row)
                s.flush()
            service_ids[(merchant, code)] = row.id
        for g in data["gifts"]:
            code, kind, service = g["code"], g["kind"], g["service"]
            if s.get(m.Gift, code) is not None:
                continue
            s.add(
                m.Gift(
                    code=code,
                    name_zh=g["name_zh"],
                    name_en=g["name_en"],
                    points=g["points"],
                    physical=kind == "physical",
                )
            )
            s.flush()
            service_id = service_ids[(service["merchant"], service["code"])] if service else None
            s.add(
                lm.GiftDetail(
                    gift_code=code,
                    kind=kind,
                    brands=None,
                    provinces=g["provinces"],
                    service_id=service_id,
                    active=True,
                    description_zh="",
                    description_en="",
                )
            )
            for province, qty in g["stock"].items():
                s.add(m.GiftStock(gift_code=code, province_code=province, quantity=qty))
        a = data["address"]
        sub = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == a["msisdn"]))
        if sub is not None and s.get(lm.DeliveryAddress, sub.id) is None:
            address = rules.Address(
                a["recipient"], a["phone"], a["province"], a["city"], a["street"]
            )
            put_address(s, sub.id, address, now)
        uow.commit()
    return passwords
