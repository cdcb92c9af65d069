"""The reference catalog (products and dated tariff prices) read from ``data/catalog.yaml``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from telcare.demo import load
from telcare.domain.catalog import (
    Allowance,
    Brand,
    FirstMonth,
    Period,
    Product,
    ProductKind,
    Service,
    TariffPrice,
)


def _tariff(row: dict[str, Any]) -> TariffPrice:
    return TariffPrice(
        code=row["code"],
        service=Service(row["service"]),
        unit=row["unit"],
        fen_per_unit=Decimal(str(row["fen_per_unit"])),
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
    )


def _product(row: dict[str, Any]) -> Product:
    """A product from its YAML row; the fields left out keep :class:`Product`'s defaults."""
    fields = dict(row)
    fields["kind"] = ProductKind(row["kind"])
    if "period" in row:
        fields["period"] = Period(row["period"])
    if "first_month" in row:
        fields["first_month"] = FirstMonth(row["first_month"])
    if "allowance" in row:
        fields["allowance"] = Allowance(**row["allowance"])
    if "brands" in row:
        fields["brands"] = frozenset(Brand(b) for b in row["brands"])
    if row.get("provinces") is not None:
        fields["provinces"] = frozenset(row["provinces"])
    return Product(**fields)


_DATA = load("catalog")
TARIFFS: tuple[TariffPrice, ...] = tuple(_tariff(row) for row in _DATA["tariffs"])
PRODUCTS: tuple[Product, ...] = tuple(_product(row) for row in _DATA["products"])
