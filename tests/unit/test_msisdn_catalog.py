from datetime import date, datetime
from decimal import Decimal

import pytest

from telcare.demo import catalog as demo_catalog
from telcare.domain import catalog
from telcare.domain.errors import InvalidMsisdn, NotEligible, UnknownProduct
from telcare.domain.msisdn import is_msisdn, normalise_msisdn
from telcare.domain.provinces import BY_CODE, PROVINCES, is_province


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("13800138000", "13800138000"),
        ("+8613900139000", "13900139000"),
        ("86 137 0013 7000", "13700137000"),
        ("0086-13800138000", "13800138000"),
    ],
)
def test_msisdn_normalised(raw: str, number: str) -> None:
    assert normalise_msisdn(raw) == number


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "10086",
        "1380013800",
        "138001380000",
        "12800138000",
        "23800138000",
        "1380013800x",
        "１３８００１３８０００x",
        None,
        "+1 415 555 0100",
    ],
)
def test_invalid_msisdn_refused(bad: object) -> None:
    with pytest.raises(InvalidMsisdn):
        normalise_msisdn(bad)  # type: ignore[arg-type]
    assert not is_msisdn(str(bad))


def test_thirty_one_provinces_and_headquarters() -> None:
    assert len(PROVINCES) == 31
    assert len({p.code for p in PROVINCES}) == 31
    assert "HQ" in BY_CODE and not is_province("HQ") and is_province("GD")


def test_data_tariff_history_rates_at_its_own_price() -> None:
    cut = catalog.DATA_PRICE_CUT
    before = catalog.price_at(demo_catalog.TARIFFS, catalog.DATA_TARIFF, date(cut.year, 1, 1))
    after = catalog.price_at(demo_catalog.TARIFFS, catalog.DATA_TARIFF, cut)
    now = catalog.price_at(demo_catalog.TARIFFS, catalog.DATA_TARIFF, datetime(2026, 11, 25))
    assert before.fen_per_unit == Decimal(3)  # 0.03 yuan/KB, superseded
    assert after.fen_per_unit == now.fen_per_unit == Decimal(1)  # 0.01 yuan/KB
    with pytest.raises(UnknownProduct):
        catalog.price_at(demo_catalog.TARIFFS, catalog.DATA_TARIFF, date(1999, 1, 1))


def test_seed_catalog_has_the_seed_offers() -> None:
    codes = {p.code for p in demo_catalog.PRODUCTS}
    assert {"QQT88", "WLT", "G3YH", "LCYJ", "FCJQ", "LDYKJ"} <= codes
    g3yh = catalog.find_product(demo_catalog.PRODUCTS, "G3YH")
    assert g3yh.price_fen == 100 and g3yh.needs_confirmation
    assert not catalog.find_product(demo_catalog.PRODUCTS, "LDYKJ").needs_confirmation


def test_eligibility_by_brand() -> None:
    lcyj = catalog.find_product(demo_catalog.PRODUCTS, "LCYJ")  # 神州行 only
    catalog.check_eligible(lcyj, catalog.Brand.EASYOWN, "SH")
    with pytest.raises(NotEligible):
        catalog.check_eligible(lcyj, catalog.Brand.GOTONE, "BJ")
    eligible = catalog.eligible_products(demo_catalog.PRODUCTS, catalog.Brand.MZONE, "GD")
    assert {p.code for p in eligible} >= {"WLT", "FCJQ", "G3YH"}
    assert "QQT88" not in {p.code for p in eligible}


def test_province_eligibility() -> None:
    local = catalog.Product(
        "BJX",
        "北京专享",
        "Beijing only",
        catalog.ProductKind.ADDON,
        100,
        provinces=frozenset({"BJ"}),
    )
    catalog.check_eligible(local, catalog.Brand.GOTONE, "BJ")
    with pytest.raises(NotEligible):
        catalog.check_eligible(local, catalog.Brand.GOTONE, "GD")
