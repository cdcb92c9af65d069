"""Product catalog rules: brands, offers, allowances, eligibility and dated tariffs."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from telcare.domain.errors import NotEligible, UnknownProduct


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

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @property
    def needs_confirmation(self) -> bool:
        """Anything that costs money needs the subscriber's explicit confirmation."""
        return self.charged and self.price_fen > 0


def check_eligible(product: Product, brand: Brand, province: str) -> None:
    """Raise :class:`NotEligible` unless a subscriber of ``brand`` in ``province`` may take it."""
    if brand not in product.brands:
        raise NotEligible("product.brand_not_eligible", code=product.code, brand=brand.value)
    if product.provinces is not None and province not in product.provinces:
        raise NotEligible("product.province_not_eligible", code=product.code, province=province)


def find_product(products: Iterable[Product], code: str) -> Product:
    for product in products:
        if product.code == code:
            return product
    raise UnknownProduct("product.unknown", code=code)


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
    raise UnknownProduct("tariff.not_in_force", code=code, when=day.isoformat())


DATA_TARIFF = "DATA_STD"
VOICE_TARIFF = "VOICE_LD_SINGLE"
SMS_TARIFF = "SMS_STD"
DATA_PRICE_CUT = date(2009, 10, 1)  # 0.03 -> 0.01 yuan/KB

SEED_TARIFFS: tuple[TariffPrice, ...] = (
    TariffPrice(
        DATA_TARIFF,
        Service.DATA,
        "KB",
        Decimal(3),
        date(2003, 1, 1),
        DATA_PRICE_CUT,
        "标准数据资费",
        "Standard data rate",
    ),
    TariffPrice(
        DATA_TARIFF,
        Service.DATA,
        "KB",
        Decimal(1),
        DATA_PRICE_CUT,
        None,
        "标准数据资费",
        "Standard data rate",
    ),
    TariffPrice(
        VOICE_TARIFF,
        Service.VOICE,
        "min",
        Decimal(19),
        date(2008, 1, 1),
        None,
        "长途一口价",
        "Long-distance single rate",
    ),
    TariffPrice(
        SMS_TARIFF,
        Service.SMS,
        "msg",
        Decimal(10),
        date(2003, 1, 1),
        None,
        "标准短信资费",
        "Standard SMS rate",
    ),
)

_MB = 1024
SEED_PRODUCTS: tuple[Product, ...] = (
    Product(
        "QQT88",
        "全球通88套餐G3版",
        "GoTone 88 plan (G3)",
        ProductKind.BASE_PLAN,
        8800,
        allowance=Allowance(data_kb=150 * _MB, voice_min=450, sms=100),
        brands=frozenset({Brand.GOTONE}),
        description_zh="每月88元，含国内通话450分钟、数据150MB、短信100条",
        description_en="88 yuan a month: 450 domestic minutes, 150 MB data, 100 SMS",
    ),
    Product(
        "WLT",
        "动感地带网聊套餐G3版",
        "M-Zone web-chat plan (G3)",
        ProductKind.BASE_PLAN,
        2000,
        allowance=Allowance(data_kb=300 * _MB, voice_min=50, sms=200),
        brands=frozenset({Brand.MZONE}),
        description_zh="每月20元，含数据300MB、通话50分钟、短信200条",
        description_en="20 yuan a month: 300 MB data, 50 minutes, 200 SMS",
    ),
    Product(
        "SZXBZ",
        "神州行标准资费",
        "Easy Own standard",
        ProductKind.BASE_PLAN,
        0,
        brands=frozenset({Brand.EASYOWN}),
        charged=False,
        description_zh="无月租，按标准资费计费",
        description_en="No monthly fee, standard rates",
    ),
    Product(
        "G3YH",
        "1元G3优惠包",
        "1-yuan G3 data pack",
        ProductKind.ADDON,
        100,
        allowance=Allowance(data_kb=30 * _MB),
        description_zh="每月1元，含G3数据30MB",
        description_en="1 yuan a month: 30 MB G3 data",
    ),
    Product(
        "LCYJ",
        "两城一家",
        "Two cities, one home",
        ProductKind.ADDON,
        500,
        brands=frozenset({Brand.EASYOWN}),
        description_zh="每月5元，两个城市之间通话按本地计费",
        description_en="5 yuan a month: calls between your two cities at local rates",
    ),
    Product(
        "FCJQ",
        "非常假期",
        "Super holiday",
        ProductKind.PROMOTION,
        1000,
        period=Period.ONCE,
        validity_days=60,
        allowance=Allowance(data_kb=200 * _MB, voice_min=100),
        brands=frozenset({Brand.MZONE}),
        description_zh="学生寒暑假专享，10元60天，含数据200MB、通话100分钟",
        description_en="Students' holidays: 10 yuan for 60 days, 200 MB data, 100 minutes",
    ),
    Product(
        "LDYKJ",
        "长途一口价",
        "Long-distance single rate",
        ProductKind.PROMOTION,
        0,
        charged=False,
        description_zh="国内长途0.19元/分钟，无需月租",
        description_en="Domestic long distance 0.19 yuan/min, no monthly fee",
    ),
)

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
