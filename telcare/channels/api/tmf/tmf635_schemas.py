"""Pydantic shapes of TMF635 usage, the month summary and the data-reminder switch.

Money is an exact decimal string in yuan (``"5.00"``, or more decimals for a
record charged a fraction of a fen), never a float.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, StrictBool

from telcare.channels.api.tmf.schemas import CURRENCY, Ref, RelatedParty, Resource, Tmf

YUAN = r"^-?\d+\.\d{2,8}$"


class ExactMoney(Tmf):
    """TMF ``Money`` with the value as an exact decimal string in yuan."""

    unit: str = CURRENCY
    value: str = Field(pattern=YUAN, description="Yuan, exact (decimal string).")


class UsageQuantity(Tmf):
    amount: int
    units: str


class UsageCharacteristic(Tmf):
    name: str
    valueType: Literal["string", "integer", "boolean"]
    value: str | int | bool


class RatedProductUsage(Tmf):
    type_: str = Field(default="RatedProductUsage", serialization_alias="@type")
    usageRatingTag: Literal["included", "usage"] = Field(
        description="`included`: wholly covered by allowances; `usage`: charged in part or all."
    )
    isBilled: bool = True
    ratingAmountType: str = "total"
    taxIncludedRatingAmount: ExactMoney = Field(
        description="The exact charge of the record; the ledger rounds per day."
    )
    ratedQuantity: UsageQuantity = Field(description="KB, started minutes or messages.")
    coveredQuantity: UsageQuantity = Field(description="The part drawn from allowances.")
    coveredByAllowance: bool = Field(description="Wholly covered by package allowances.")


class Usage(Resource):
    usageDate: datetime | None = None
    usageType: Literal["data", "voice", "sms"] | None = None
    status: Literal["rated"] | None = None
    description: str | None = None
    usageCharacteristic: list[UsageCharacteristic] | None = None
    ratedProductUsage: list[RatedProductUsage] | None = None
    relatedParty: list[RelatedParty] | None = None
    usageSpecification: Ref | None = None


class UsageSpecification(Resource):
    name: str | None = None
    description: str | None = None
    usageType: Literal["data", "voice", "sms"] | None = None
    lastUpdate: datetime | None = None


class UsageSpecificationCreate(Tmf):
    name: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=2000)
    usageType: Literal["data", "voice", "sms"] = Field(description="The service it measures.")


class CharacteristicIn(Tmf):
    name: Literal["volume", "roaming", "peer"]
    value: str | int | bool


class PartyIn(Tmf):
    id: str = Field(min_length=11, max_length=20, description="The line's MSISDN.")


class UsageCreate(Tmf):
    usageDate: datetime | None = Field(default=None, description="Default: now.")
    usageType: Literal["data", "voice", "sms"] | None = None
    usageSpecification: Ref | None = Field(default=None, description="Or `usageType`.")
    usageCharacteristic: list[CharacteristicIn] = Field(
        default_factory=list,
        max_length=3,
        description="`volume` (KB, seconds or messages; default 1), `roaming`, `peer`.",
    )
    relatedParty: list[PartyIn] = Field(min_length=1, max_length=1)


class ServiceUse(Tmf):
    usageType: Literal["data", "voice", "sms"]
    quantity: UsageQuantity


class AllowanceLeft(Tmf):
    product: Ref
    usageType: Literal["data", "voice", "sms"]
    total: UsageQuantity
    used: UsageQuantity
    left: UsageQuantity
    validUntil: datetime | None = None


class ServiceCharge(Tmf):
    usageType: Literal["data", "voice", "sms"]
    amount: ExactMoney


class UsageSummary(Tmf):
    type_: str = Field(default="UsageSummary", serialization_alias="@type")
    msisdn: str
    month: str = Field(description="`YYYY-MM`, Asia/Shanghai.")
    usage: list[ServiceUse]
    allowances: list[AllowanceLeft]
    outOfPackageCharges: list[ServiceCharge] = Field(
        description="Per service: the month's exact charges rounded once (display)."
    )
    totalCharged: ExactMoney = Field(description="What the ledger holds (rounded per day).")


class DataReminder(Tmf):
    type_: str = Field(default="DataReminder", serialization_alias="@type")
    href: str
    msisdn: str
    enabled: bool


class DataReminderUpdate(Tmf):
    enabled: StrictBool
