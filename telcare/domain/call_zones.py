"""Where a call goes: local, domestic long distance or roaming, and what products make of it.

A line's **home city** is its number's 归属地 and a called number's city is its
归属地 too, both from ``phonenumbers``' China number-block data (mobile blocks of
seven digits, fixed-line area codes). A call made while roaming is a roaming call
whatever it calls; otherwise it is local when the called number belongs to the
home city, long distance when it belongs to another city of the mainland. A
number without a mainland city (empty, malformed, abroad) keeps the standard
voice tariff, as before this rule.

Products change the zone, each at most to something cheaper, in this order:

1. **两城一家** (``LCYJ``; the second city is the capital of the line's province):
   calls to either city are local, and roaming (taken to be in the second city)
   costs no roaming charge: a roaming call to any other city is long distance.
2. **非常假期** (``FCJQ``) on a public holiday: long-distance and roaming calls
   are charged as local.
3. **长途一费制** (``LDYKJ``, and the 全球通 plans, whose minutes are domestic):
   long-distance and roaming calls at the single long-distance rate.

Prices: local ``VOICE_LOCAL``, long distance ``VOICE_LD``, roaming
``VOICE_ROAMING``, single rate ``VOICE_LD_SINGLE`` (the dated tariffs of the catalog).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import phonenumbers


class Zone(enum.StrEnum):
    LOCAL = "local"
    LONG_DISTANCE = "long_distance"
    ROAMING = "roaming"
    SINGLE_RATE = "single_rate"  # long distance or roaming under 长途一费制


ZONE_TARIFF: dict[Zone, str] = {
    Zone.LOCAL: "VOICE_LOCAL",
    Zone.LONG_DISTANCE: "VOICE_LD",
    Zone.ROAMING: "VOICE_ROAMING",
    Zone.SINGLE_RATE: "VOICE_LD_SINGLE",
}

SINGLE_RATE_PRODUCTS = frozenset({"LDYKJ", "QQT88", "QQT128"})
TWO_CITIES_PRODUCTS = frozenset({"LCYJ"})
HOLIDAY_PRODUCTS = frozenset({"FCJQ"})
VOICE_PRODUCTS = SINGLE_RATE_PRODUCTS | TWO_CITIES_PRODUCTS | HOLIDAY_PRODUCTS

# The capital of each province as phonenumbers names mobile blocks (两城一家's second city).
PROVINCE_CAPITAL: dict[str, str] = {
    "BJ": "北京市",
    "TJ": "天津市",
    "HE": "河北省石家庄市",
    "SX": "山西省太原市",
    "NM": "内蒙古呼和浩特市",
    "LN": "辽宁省沈阳市",
    "JL": "吉林省长春市",
    "HL": "黑龙江省哈尔滨市",
    "SH": "上海市",
    "JS": "江苏省南京市",
    "ZJ": "浙江省杭州市",
    "AH": "安徽省合肥市",
    "FJ": "福建省福州市",
    "JX": "江西省南昌市",
    "SD": "山东省济南市",
    "HA": "河南省郑州市",
    "HB": "湖北省武汉市",
    "HN": "湖南省长沙市",
    "GD": "广东省广州市",
    "GX": "广西南宁市",
    "HI": "海南省海口市",
    "CQ": "重庆市",
    "SC": "四川省成都市",
    "GZ": "贵州省贵阳市",
    "YN": "云南省昆明市",
    "XZ": "西藏拉萨市",
    "SN": "陕西省西安市",
    "GS": "甘肃省兰州市",
    "QH": "青海省西宁市",
    "NX": "宁夏银川市",
    "XJ": "新疆乌鲁木齐市",
}


def never_holiday(_day: date) -> bool:
    """A calendar without holidays (the ingest passes the operator's calendar)."""
    return False


@lru_cache(maxsize=65536)
def city_of(number: str) -> str | None:
    """The mainland city (归属地, as ``phonenumbers`` names it in Chinese) of ``number``;
    ``None`` for an empty, malformed or foreign number."""
    # phonenumbers' geocoding data takes seconds to import: only when a call is rated
    from phonenumbers import geocoder

    digits = number.strip()
    if not digits:
        return None
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        return None
    return geocoder.description_for_number(parsed, "zh") or None


@dataclass(frozen=True, slots=True)
class VoiceTerms:
    """The products of a line that change how its calls are rated, at one instant."""

    single_rate: bool = False
    second_city: str | None = None  # 两城一家
    holiday_local: bool = False  # 非常假期

    @classmethod
    def of(cls, codes: Iterable[str], province: str, on_holiday: bool) -> VoiceTerms:
        """The terms of the products ``codes`` in force, for a line of ``province``."""
        held = set(codes)
        return cls(
            single_rate=bool(held & SINGLE_RATE_PRODUCTS),
            second_city=PROVINCE_CAPITAL.get(province) if held & TWO_CITIES_PRODUCTS else None,
            holiday_local=on_holiday and bool(held & HOLIDAY_PRODUCTS),
        )


def zone(home: str | None, called: str | None, roaming: bool, terms: VoiceTerms) -> Zone | None:
    """The zone a call is rated in; ``None`` when it cannot be told (standard tariff)."""
    if roaming:
        found = Zone.ROAMING
    elif home is None or called is None:
        return None
    else:
        found = Zone.LOCAL if called == home else Zone.LONG_DISTANCE
    if terms.second_city is not None and (roaming or found is Zone.LONG_DISTANCE):
        cities = {home, terms.second_city}
        found = Zone.LOCAL if called in cities else Zone.LONG_DISTANCE
    if terms.holiday_local and found in (Zone.LONG_DISTANCE, Zone.ROAMING):
        found = Zone.LOCAL
    if terms.single_rate and found in (Zone.LONG_DISTANCE, Zone.ROAMING):
        found = Zone.SINGLE_RATE
    return found


def call_zone(
    caller: str,
    called: str,
    roaming: bool,
    codes: Iterable[str],
    province: str,
    day: date,
    is_holiday: Callable[[date], bool] = never_holiday,
) -> Zone | None:
    """:func:`zone` of a call from ``caller`` (holding products ``codes``) to ``called``."""
    held = list(codes)
    on_holiday = bool(set(held) & HOLIDAY_PRODUCTS) and is_holiday(day)
    terms = VoiceTerms.of(held, province, on_holiday)
    return zone(city_of(caller), city_of(called), roaming, terms)
