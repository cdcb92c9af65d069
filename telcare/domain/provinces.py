"""The 31 provincial companies and headquarters."""

from __future__ import annotations

from dataclasses import dataclass

HQ = "HQ"


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name_zh: str
    name_en: str


PROVINCES: tuple[Province, ...] = (
    Province("BJ", "北京", "Beijing"),
    Province("TJ", "天津", "Tianjin"),
    Province("HE", "河北", "Hebei"),
    Province("SX", "山西", "Shanxi"),
    Province("NM", "内蒙古", "Inner Mongolia"),
    Province("LN", "辽宁", "Liaoning"),
    Province("JL", "吉林", "Jilin"),
    Province("HL", "黑龙江", "Heilongjiang"),
    Province("SH", "上海", "Shanghai"),
    Province("JS", "江苏", "Jiangsu"),
    Province("ZJ", "浙江", "Zhejiang"),
    Province("AH", "安徽", "Anhui"),
    Province("FJ", "福建", "Fujian"),
    Province("JX", "江西", "Jiangxi"),
    Province("SD", "山东", "Shandong"),
    Province("HA", "河南", "Henan"),
    Province("HB", "湖北", "Hubei"),
    Province("HN", "湖南", "Hunan"),
    Province("GD", "广东", "Guangdong"),
    Province("GX", "广西", "Guangxi"),
    Province("HI", "海南", "Hainan"),
    Province("CQ", "重庆", "Chongqing"),
    Province("SC", "四川", "Sichuan"),
    Province("GZ", "贵州", "Guizhou"),
    Province("YN", "云南", "Yunnan"),
    Province("XZ", "西藏", "Tibet"),
    Province("SN", "陕西", "Shaanxi"),
    Province("GS", "甘肃", "Gansu"),
    Province("QH", "青海", "Qinghai"),
    Province("NX", "宁夏", "Ningxia"),
    Province("XJ", "新疆", "Xinjiang"),
)
HEADQUARTERS = Province(HQ, "总部", "Headquarters")
BY_CODE: dict[str, Province] = {p.code: p for p in (*PROVINCES, HEADQUARTERS)}


def is_province(code: str) -> bool:
    """True for one of the 31 provincial companies (not HQ)."""
    return code in BY_CODE and code != HQ
