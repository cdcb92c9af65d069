"""Product catalog rules: brands, offers, allowances, eligibility and dated tariffs."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from telcare.domain.errors import NotEligible, UnknownProduct
from telcare.domain.messages import N_


class Brand(enum.StrEnum):
    GOTONE = "GOTONE"  # 全球通
    EASYOWN = "EASYOWN"  # 神州行
    MZONE = "MZONE"  # 动感地带


BRAND_NAMES: dict[Brand, dict[str, str]] = {
    Brand.GOTONE: {"zh": "全球通", "en": "GoTone"},
    Brand.EASYOWN: {"zh": "神州行", "en": "Easy Own"},
    Brand.MZONE: {"zh": "动感地带", "en": "M-Zone"},
}


class ProductKind(enum.StrEnum):
    BASE_PLAN = "base_plan"
    ADDON = "addon"
    PROMOTION = "promotion"


class Period(enum.StrEnum):
    MONTHLY = "monthly"  # renews each calendar month until cancelled
    ONCE = "once"  # one payment, valid for ``validity_days``


class FirstMonth(enum.StrEnum):
    """What a monthly product costs in the month it starts (the renewals charge the rest)."""

    FULL = "full"  # the whole month's fee, whatever the day
    PRORATED = "prorated"  # the fee times the days left (the start day included) / days


class Service(enum.StrEnum):
    DATA = "data"
    VOICE = "voice"
    SMS = "sms"


@dataclass(frozen=True, slots=True)
class Allowance:
    """What a product includes each period."""

    data_kb: int = 0
    voice_min: int = 0
    sms: int = 0


@dataclass(frozen=True, slots=True)
class Product:
    code: str
    name_zh: str
    name_en: str
    kind: ProductKind
    price_fen: int
    period: Period = Period.MONTHLY
    validity_days: int | None = None
    allowance: Allowance = Allowance()
    brands: frozenset[Brand] = frozenset(Brand)
    provinces: frozenset[str] | None = None  # None: every province
    charged: bool = True
    description_zh: str = ""
    description_en: str = ""
    last_update: datetime | None = None  # when the catalog entry last changed
    first_month: FirstMonth = FirstMonth.FULL

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @property
    def needs_confirmation(self) -> bool:
        """Anything that costs money needs the subscriber's explicit confirmation."""
        return self.charged and self.price_fen > 0


def check_eligible(product: Product, brand: Brand, province: str) -> None:
    """Raise :class:`NotEligible` unless a subscriber of ``brand`` in ``province`` may take it."""
    if brand not in product.brands:
        raise NotEligible(N_("product.brand_not_eligible"), code=product.code, brand=brand.value)
    if product.provinces is not None and province not in product.provinces:
        raise NotEligible(N_("product.province_not_eligible"), code=product.code, province=province)


def find_product(products: Iterable[Product], code: str) -> Product:
    for product in products:
        if product.code == code:
            return product
    raise UnknownProduct(N_("product.unknown"), code=code)


@dataclass(frozen=True, slots=True)
class TariffPrice:
    """A standard price per unit, in force over ``[valid_from, valid_to)``.

    ``fen_per_unit`` is a :class:`Decimal` because some unit prices are fractions of
    a fen; the rating engine accumulates them exactly and rounds once.
    """

    code: str
    service: Service
    unit: str
    fen_per_unit: Decimal
    valid_from: date
    valid_to: date | None = None
    name_zh: str = ""
    name_en: str = ""

    def in_force(self, when: date) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when < self.valid_to)


def price_at(prices: Iterable[TariffPrice], code: str, when: date | datetime) -> TariffPrice:
    """The price of tariff ``code`` in force at ``when`` (history rates at its own price)."""
    day = when.date() if isinstance(when, datetime) else when
    for price in prices:
        if price.code == code and price.in_force(day):
            return price
    raise UnknownProduct(N_("tariff.not_in_force"), code=code, when=day.isoformat())


# The standard tariffs (their dated prices are reference data: telcare/demo/data/catalog.yaml).
DATA_TARIFF = "DATA_STD"
VOICE_TARIFF = "VOICE_LD_SINGLE"
SMS_TARIFF = "SMS_STD"
DATA_PRICE_CUT = date(2009, 10, 1)  # 0.03 -> 0.01 yuan/KB

BASE_PLAN_FOR_BRAND: dict[Brand, str] = {
    Brand.GOTONE: "QQT88",
    Brand.MZONE: "WLT",
    Brand.EASYOWN: "SZXBZ",
}


def eligible_products(
    products: Iterable[Product], brand: Brand, province: str
) -> tuple[Product, ...]:
    """The products a subscriber of ``brand`` in ``province`` may take."""
    out = []
    for product in products:
        try:
            check_eligible(product, brand, province)
        except NotEligible:
            continue
        out.append(product)
    return tuple(out)
