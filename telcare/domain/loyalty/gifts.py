"""The points mall's gifts: kinds, offers, who may redeem one, and search."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from telcare.domain.errors import NotEligible
from telcare.domain.messages import N_


class GiftKind(enum.StrEnum):
    PHYSICAL = "physical"  # delivered to an address from a warehouse
    EVOUCHER = "evoucher"  # a code used at a partner (online shop, bookstore)
    SERVICE = "service"  # a partner merchant's service (restaurant, health check)


@dataclass(frozen=True, slots=True)
class GiftOffer:
    code: str
    name_zh: str
    name_en: str
    points: int
    kind: GiftKind
    brands: frozenset[str] | None = None
    provinces: frozenset[str] | None = None  # where it is honoured (services); None: all
    active: bool = True

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @property
    def delivered(self) -> bool:
        return self.kind is GiftKind.PHYSICAL


def check_can_redeem(gift: GiftOffer, brand: str, province: str, points: int) -> None:
    """Raise unless a subscriber of ``brand`` in ``province`` with ``points`` may redeem."""
    if not gift.active:
        raise NotEligible(N_("loyalty.gift_unknown"), code=gift.code)
    if gift.brands is not None and brand not in gift.brands:
        raise NotEligible(N_("loyalty.gift_brand"), code=gift.code)
    if gift.provinces is not None and province not in gift.provinces:
        raise NotEligible(N_("loyalty.gift_province"), code=gift.code)
    if points < gift.points:
        raise NotEligible(N_("loyalty.points_short"), code=gift.code, need=gift.points, have=points)


def search(gifts: Iterable[GiftOffer], query: str) -> list[GiftOffer]:
    """Gifts whose code or either name contains every word of ``query`` (case-blind)."""
    words = query.casefold().split()
    return [
        g for g in gifts if all(w in f"{g.code} {g.name_zh} {g.name_en}".casefold() for w in words)
    ]
