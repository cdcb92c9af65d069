"""Accrual rules, tiers and campaigns, as HQ lists and edits them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from telcare.domain import loyalty as rules
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.domain.messages import N_
from telcare.store import loyalty_models as lm
from telcare.store.uow import Database

from .admin import _bad, _brands, _code_of, _decimal, _hq, _name


@dataclass(frozen=True, slots=True)
class RuleView:
    id: int
    source: str
    brand: str | None
    tier: str | None
    points_per_yuan: Decimal
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class CampaignView:
    code: str
    name_zh: str
    name_en: str
    source: str
    brands: list[str] | None
    starts_on: date
    ends_on: date
    multiplier: Decimal
    bonus_per_yuan: Decimal

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def accrual_rules(db: Database) -> list[RuleView]:
    """Every accrual rule, by source, brand and tier."""
    with db.uow() as uow:
        rows = uow.session.scalars(select(lm.AccrualRule).order_by(lm.AccrualRule.id))
        return [
            RuleView(
                r.id,
                r.source,
                r.brand,
                r.tier,
                Decimal(r.points_per_yuan),
                r.valid_from,
                r.valid_to,
            )
            for r in rows
        ]


def tiers(db: Database) -> list[str]:
    """The tier codes, lowest first."""
    with db.uow() as uow:
        return list(
            uow.session.scalars(
                select(lm.LoyaltyTier.code).order_by(lm.LoyaltyTier.min_monthly_spend_fen)
            )
        )


def _source(text: str) -> str:
    try:
        return rules.Source(text.strip()).value
    except ValueError as exc:
        raise _bad("source", text) from exc


def save_rule(
    db: Database,
    who: Principal,
    *,
    rule_id: int | None,
    source: str,
    brand: str | None,
    tier: str | None,
    points_per_yuan: str,
    valid_from: date,
    valid_to: date | None,
) -> RuleView:
    """Create an accrual rule, or edit rule ``rule_id`` (HQ). End a rule with ``valid_to``."""
    _hq(who, "loyalty.accrual_rules.edit")
    src = _source(source)
    brands = _brands([brand] if brand else None)
    rate = _decimal(points_per_yuan, "points_per_yuan", Decimal(0), Decimal(1000))
    if valid_to is not None and valid_to < valid_from:
        raise _bad("valid_to", valid_to)
    with db.uow() as uow:
        s = uow.session
        tier = (tier or "").strip() or None
        if tier is not None and s.get(lm.LoyaltyTier, tier) is None:
            raise _bad("tier", tier)
        if rule_id is None:
            row = lm.AccrualRule()
            s.add(row)
        else:
            found = s.get(lm.AccrualRule, rule_id)
            if found is None:
                raise NotFound(N_("loyalty.rule_unknown"), id=rule_id)
            row = found
        row.source, row.brand, row.tier = src, brands[0] if brands else None, tier
        row.points_per_yuan, row.valid_from, row.valid_to = rate, valid_from, valid_to
        s.flush()
        view = RuleView(row.id, src, row.brand, tier, rate, valid_from, valid_to)
        uow.commit()
        return view


def campaigns(db: Database) -> list[CampaignView]:
    """Every campaign, latest start first."""
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(lm.LoyaltyCampaign).order_by(
                lm.LoyaltyCampaign.starts_on.desc(), lm.LoyaltyCampaign.code
            )
        )
        return [
            CampaignView(
                c.code,
                c.name_zh,
                c.name_en,
                c.source,
                c.brands,
                c.starts_on,
                c.ends_on,
                Decimal(c.multiplier),
                Decimal(c.bonus_per_yuan),
            )
            for c in rows
        ]


def save_campaign(db: Database, who: Principal, c: CampaignView) -> CampaignView:
    """Create or edit a campaign (HQ): days (both included), source, brands, multiplier
    and bonus points per yuan."""
    _hq(who, "loyalty.campaign.edit")
    code = _code_of(c.code)
    if c.ends_on < c.starts_on:
        raise _bad("ends_on", c.ends_on)
    mult = _decimal(str(c.multiplier), "multiplier", Decimal(0), Decimal(100))
    bonus = _decimal(str(c.bonus_per_yuan), "bonus_per_yuan", Decimal(0), Decimal(1000))
    clean = CampaignView(
        code,
        _name(c.name_zh, 60, "name_zh"),
        _name(c.name_en, 80, "name_en"),
        _source(c.source),
        _brands(c.brands),
        c.starts_on,
        c.ends_on,
        mult,
        bonus,
    )
    with db.uow() as uow:
        s = uow.session
        row = s.get(lm.LoyaltyCampaign, code)
        if row is None:
            row = lm.LoyaltyCampaign(code=code)
            s.add(row)
        row.name_zh, row.name_en, row.source = clean.name_zh, clean.name_en, clean.source
        row.brands, row.starts_on, row.ends_on = clean.brands, clean.starts_on, clean.ends_on
        row.multiplier, row.bonus_per_yuan = mult, bonus
        uow.commit()
    return clean
