"""Calls rated by where they go: hand-checked cases for each zone and each product."""

from __future__ import annotations

from datetime import date

import pytest

from telcare.domain import call_zones as cz
from telcare.domain.call_zones import Zone

BJ_LINE = "13800138000"  # 北京市
SH_NUMBER = "13900139000"  # 上海市
BJ_NUMBER = "13910001234"  # 北京市
FUSHUN_LINE = "13700137000"  # 辽宁省抚顺市 (a Shanghai-province line in the demo)
GZ_NUMBER = "15800001111"  # 广东省广州市
BJ_FIXED = "01068881234"  # 北京市, a fixed line
NEW_YEAR = date(2027, 1, 1)
WORKDAY = date(2027, 1, 5)


def holidays(day: date) -> bool:
    return day == NEW_YEAR


def test_cities_come_from_the_number_blocks() -> None:
    assert cz.city_of(BJ_LINE) == "北京市"
    assert cz.city_of(SH_NUMBER) == "上海市"
    assert cz.city_of(FUSHUN_LINE) == "辽宁省抚顺市"
    assert cz.city_of(GZ_NUMBER) == "广东省广州市" == cz.PROVINCE_CAPITAL["GD"]
    assert cz.city_of(BJ_FIXED) == "北京市"
    assert cz.city_of("") is None and cz.city_of("12345") is None
    assert cz.city_of("+85291234567") is None  # not the mainland


def test_every_capital_is_a_city_the_number_data_names() -> None:
    assert len(cz.PROVINCE_CAPITAL) == 31
    assert all(c.endswith("市") for c in cz.PROVINCE_CAPITAL.values())


# (caller, called, roaming, products, province, day, zone, tariff)
CASES = [
    # no product: local / long distance / roaming
    (FUSHUN_LINE, "13704130000", False, [], "SH", WORKDAY, Zone.LOCAL, "VOICE_LOCAL"),
    (BJ_LINE, BJ_NUMBER, False, ["WLT"], "BJ", WORKDAY, Zone.LOCAL, "VOICE_LOCAL"),
    (BJ_LINE, BJ_FIXED, False, [], "BJ", WORKDAY, Zone.LOCAL, "VOICE_LOCAL"),
    (BJ_LINE, SH_NUMBER, False, [], "BJ", WORKDAY, Zone.LONG_DISTANCE, "VOICE_LD"),
    (BJ_LINE, SH_NUMBER, True, [], "BJ", WORKDAY, Zone.ROAMING, "VOICE_ROAMING"),
    (BJ_LINE, BJ_NUMBER, True, [], "BJ", WORKDAY, Zone.ROAMING, "VOICE_ROAMING"),
    (BJ_LINE, "", False, [], "BJ", WORKDAY, None, None),  # no peer: standard tariff
    (BJ_LINE, "", True, [], "BJ", WORKDAY, Zone.ROAMING, "VOICE_ROAMING"),
    # 长途一费制: long distance and roaming at the single rate; local stays local
    (BJ_LINE, SH_NUMBER, False, ["LDYKJ"], "BJ", WORKDAY, Zone.SINGLE_RATE, "VOICE_LD_SINGLE"),
    (BJ_LINE, SH_NUMBER, True, ["QQT88"], "BJ", WORKDAY, Zone.SINGLE_RATE, "VOICE_LD_SINGLE"),
    (BJ_LINE, BJ_NUMBER, False, ["QQT88"], "BJ", WORKDAY, Zone.LOCAL, "VOICE_LOCAL"),
    # 两城一家, a Fushun number on a Shanghai-province line: Fushun and Shanghai are one
    (FUSHUN_LINE, SH_NUMBER, False, ["LCYJ"], "SH", WORKDAY, Zone.LOCAL, "VOICE_LOCAL"),
    (FUSHUN_LINE, GZ_NUMBER, False, ["LCYJ"], "SH", WORKDAY, Zone.LONG_DISTANCE, "VOICE_LD"),
    (FUSHUN_LINE, SH_NUMBER, True, ["LCYJ"], "SH", WORKDAY, Zone.LOCAL, "VOICE_LOCAL"),
    (FUSHUN_LINE, GZ_NUMBER, True, ["LCYJ"], "SH", WORKDAY, Zone.LONG_DISTANCE, "VOICE_LD"),
    (FUSHUN_LINE, SH_NUMBER, False, [], "SH", WORKDAY, Zone.LONG_DISTANCE, "VOICE_LD"),
    # 非常假期: long distance and roaming as local on a holiday only
    (BJ_LINE, SH_NUMBER, False, ["FCJQ"], "BJ", NEW_YEAR, Zone.LOCAL, "VOICE_LOCAL"),
    (BJ_LINE, SH_NUMBER, True, ["FCJQ"], "BJ", NEW_YEAR, Zone.LOCAL, "VOICE_LOCAL"),
    (BJ_LINE, SH_NUMBER, False, ["FCJQ"], "BJ", WORKDAY, Zone.LONG_DISTANCE, "VOICE_LD"),
    (BJ_LINE, SH_NUMBER, True, [], "BJ", NEW_YEAR, Zone.ROAMING, "VOICE_ROAMING"),
    # the cheapest wins: holiday local beats the single rate
    (BJ_LINE, SH_NUMBER, True, ["FCJQ", "LDYKJ"], "BJ", NEW_YEAR, Zone.LOCAL, "VOICE_LOCAL"),
    (BJ_LINE, SH_NUMBER, True, ["FCJQ", "LDYKJ"], "BJ", WORKDAY, Zone.SINGLE_RATE,
     "VOICE_LD_SINGLE"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("caller", "called", "roaming", "codes", "province", "day", "zone", "tariff"), CASES
)
def test_hand_checked_calls(
    caller: str,
    called: str,
    roaming: bool,
    codes: list[str],
    province: str,
    day: date,
    zone: Zone | None,
    tariff: str | None,
) -> None:
    found = cz.call_zone(caller, called, roaming, codes, province, day, holidays)
    assert found == zone
    assert (cz.ZONE_TARIFF[found] if found else None) == tariff


def test_the_default_calendar_has_no_holidays() -> None:
    assert cz.call_zone(BJ_LINE, SH_NUMBER, False, ["FCJQ"], "BJ", NEW_YEAR) == Zone.LONG_DISTANCE
