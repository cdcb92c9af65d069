"""TMF620 shapes of catalog management: product specifications, offering prices, and
what HQ catalog staff send to create or change them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from telcare.channels.api.tmf.schemas import Money, Ref, Resource, Tmf

Name = Field(min_length=1, max_length=80)
Text = Field(default="", max_length=2000)
Status = Field(default="inStudy", min_length=1, max_length=20, description="e.g. `inStudy`.")


class ProductSpecification(Resource):
    name: str | None = None
    description: str | None = None
    brand: str | None = None
    lifecycleStatus: str | None = None
    lastUpdate: datetime | None = None


class ProductSpecificationCreate(Tmf):
    name: str = Name
    description: str = Text
    brand: str = Field(default="", max_length=40)


class ProductOfferingPrice(Resource):
    name: str | None = None
    isBundle: bool | None = None
    priceType: str | None = None
    recurringChargePeriodType: str | None = None
    price: Money | None = None
    lifecycleStatus: str | None = None
    lastUpdate: datetime | None = None
    productOffering: Ref | None = None


class PriceIn(Tmf):
    unit: Literal["CNY"] = "CNY"
    value: Decimal = Field(ge=0, le=100_000, decimal_places=2, description="Yuan.")


class ProductOfferingPriceCreate(Tmf):
    name: str = Name
    isBundle: Literal[False] = False
    priceType: Literal["recurring", "oneTime", "usage"]
    price: PriceIn | None = None
    lifecycleStatus: str = Status
    productOffering: Ref | None = Field(default=None, description="A draft offering.")


class ProductOfferingPriceUpdate(Tmf):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    priceType: Literal["recurring", "oneTime", "usage"] | None = None
    price: PriceIn | None = None
    lifecycleStatus: str | None = Field(default=None, min_length=1, max_length=20)


class ProductOfferingCreate(Tmf):
    name: str = Name
    description: str = Text
    lifecycleStatus: str = Status
    productSpecification: Ref | None = None


class ProductOfferingUpdate(Tmf):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    description: str | None = Field(default=None, max_length=2000)
    lifecycleStatus: str | None = Field(
        default=None, min_length=1, max_length=20, description="`launched` puts it on sale."
    )
