"""Pydantic shapes of the TMF Open API resources we serve (apart from the ORM models).

Field names follow the TM Forum specifications (``id``, ``href``, ``@type``,
``state``, ...). Every output field but ``id``/``href``/``@type`` is optional, so a
``fields=`` selection still matches the schema.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CURRENCY = "CNY"


class Tmf(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


def _nothing_required(schema: dict[str, Any]) -> None:
    schema.pop("required", None)  # ``fields=`` may leave out any attribute, id too


class Resource(Tmf):
    """A TMF entity: ``id``, ``href`` and the polymorphism attributes (``@type``,
    ``@baseType``, ``@schemaLocation``: the schema in our OpenAPI document)."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra=_nothing_required)

    id: str
    href: str
    type_: str = Field(serialization_alias="@type")
    base_type: str | None = Field(default=None, serialization_alias="@baseType")
    schema_location: str | None = Field(default=None, serialization_alias="@schemaLocation")

    def model_post_init(self, context: Any, /) -> None:
        if self.base_type is None:
            self.base_type = self.type_
        if self.schema_location is None:
            self.schema_location = f"/openapi.json#/components/schemas/{type(self).__name__}"


# --- common parts --------------------------------------------------------------------


class Money(Tmf):
    unit: str = CURRENCY
    value: float


class Quantity(Tmf):
    amount: float
    units: str


class Ref(Tmf):
    id: str
    href: str | None = None
    name: str | None = None
    referred_type: str | None = Field(default=None, serialization_alias="@referredType")


class RelatedParty(Ref):
    role: str | None = None


class TimePeriod(Tmf):
    startDateTime: datetime | None = None
    endDateTime: datetime | None = None


class Characteristic(Tmf):
    name: str
    valueType: str = "string"
    value: str | int


class Note(Tmf):
    text: str


class Price(Tmf):
    taxIncludedAmount: Money


# --- TMF620 product catalog ------------------------------------------------------------


class OfferingPrice(Tmf):
    type_: str = Field(default="ProductOfferingPrice", serialization_alias="@type")
    name: str
    priceType: Literal["recurring", "oneTime"]
    recurringChargePeriodType: str | None = None
    recurringChargePeriodLength: int | None = None
    price: Money


class OfferingTerm(Tmf):
    name: str
    duration: Quantity


class CharValue(Tmf):
    value: int
    unitOfMeasure: str


class CharValueUse(Tmf):
    name: str
    valueType: str = "integer"
    productSpecCharacteristicValue: list[CharValue]


class ProductOffering(Resource):
    name: str | None = None
    description: str | None = None
    lifecycleStatus: str | None = None
    lastUpdate: datetime | None = None
    productSpecification: Ref | None = None
    isBundle: bool | None = None
    isSellable: bool | None = None
    requiresConfirmation: bool | None = Field(
        default=None, description="Charged: an order waits for the subscriber's confirmation."
    )
    category: list[Ref] | None = None
    marketSegment: list[Ref] | None = None
    place: list[Ref] | None = None
    productOfferingPrice: list[OfferingPrice] | None = None
    productOfferingTerm: list[OfferingTerm] | None = None
    prodSpecCharValueUse: list[CharValueUse] | None = None


# --- TMF622 product ordering -----------------------------------------------------------

Id = Annotated[str, Field(min_length=1, max_length=40)]


class RefIn(Tmf):
    id: Id


class RelatedPartyIn(Tmf):
    id: Id = Field(description="The line's MSISDN.", examples=["13800138000"])
    role: str | None = Field(default=None, max_length=40, examples=["customer"])
    referred_type: str | None = Field(default=None, max_length=40, alias="@referredType")


class OrderItemIn(Tmf):
    id: str = Field(default="1", min_length=1, max_length=20)
    action: Literal["add", "delete"]
    productOffering: RefIn | None = Field(
        default=None, description="For `add`: the offering (product code)."
    )
    product: RefIn | None = Field(
        default=None, description="For `delete`: the inventory product (TMF637 id)."
    )


class ProductOrderCreate(Tmf):
    externalId: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=500)
    relatedParty: list[RelatedPartyIn] = Field(
        default_factory=list,
        max_length=5,
        description="The line ordered for (`id` = MSISDN); a subscriber may leave it out.",
    )
    productOrderItem: list[OrderItemIn] = Field(min_length=1, max_length=1)


class ProductOrderUpdate(Tmf):
    """Confirm (`inProgress`) or decline (`cancelled`) a `pending` order."""

    state: Literal["inProgress", "cancelled"]


class OrderItemPrice(Tmf):
    priceType: Literal["recurring", "oneTime"]
    recurringChargePeriod: str | None = None
    price: Price


class OrderItem(Tmf):
    id: str
    action: Literal["add", "delete"]
    state: str
    quantity: int = 1
    productOffering: Ref
    product: Ref | None = None
    itemPrice: list[OrderItemPrice] | None = None


class ProductOrder(Resource):
    state: (
        Literal["acknowledged", "pending", "inProgress", "completed", "cancelled", "failed"] | None
    ) = None
    orderDate: datetime | None = None
    completionDate: datetime | None = None
    requestedCompletionDate: datetime | None = None
    confirmationDeadline: datetime | None = Field(
        default=None, description="A pending order is cancelled if not confirmed by then."
    )
    channel: list[Ref] | None = None
    relatedParty: list[RelatedParty] | None = None
    productOrderItem: list[OrderItem] | None = None
    note: list[Note] | None = None


# --- TMF637 product inventory ----------------------------------------------------------


class ProductPrice(Tmf):
    priceType: Literal["recurring", "oneTime"]
    recurringChargePeriod: str | None = None
    price: Price


class Product(Resource):
    name: str | None = None
    status: (
        Literal["created", "pendingActive", "active", "pendingTerminate", "terminated"] | None
    ) = None
    isBundle: bool | None = None
    startDate: datetime | None = None
    terminationDate: datetime | None = None
    productOffering: Ref | None = None
    productPrice: list[ProductPrice] | None = None
    productCharacteristic: list[Characteristic] | None = None
    billingAccount: Ref | None = Field(default=None, description="The line's prepaid account.")
    relatedParty: list[RelatedParty] | None = None


# --- TMF654 prepay balance -------------------------------------------------------------


class AmountIn(Tmf):
    amount: Decimal = Field(gt=0, le=100_000, decimal_places=2, description="Yuan.")
    units: Literal["CNY"] = "CNY"


class SignedAmountIn(Tmf):
    amount: Decimal = Field(
        ge=-100_000, le=100_000, decimal_places=2, description="Yuan; negative debits."
    )
    units: Literal["CNY"] = "CNY"


class TopupBalanceCreate(Tmf):
    bucket: RefIn = Field(description="The bucket (line) to credit.")
    amount: AmountIn | None = Field(default=None, description="Staff cash top-ups only.")
    voucher: str | None = Field(
        default=None, pattern=r"^\d{10,20}$", description="Recharge card number."
    )
    voucherPin: str | None = Field(default=None, pattern=r"^\d{4,12}$")
    reason: str | None = Field(default=None, max_length=100)


class AdjustBalanceCreate(Tmf):
    bucket: RefIn
    amount: SignedAmountIn
    usageType: Literal["monetary"] = "monetary"
    reason: str | None = Field(default=None, min_length=1, max_length=100)


class Bucket(Resource):
    name: str | None = None
    description: str | None = None
    status: Literal["active", "suspended", "expired"] | None = None
    usageType: Literal["monetary"] | None = None
    isShared: bool | None = None
    confirmationDate: datetime | None = Field(
        default=None, description="When the bucket was opened (the line's activation)."
    )
    remainingValue: Quantity | None = None
    remainingValueName: str | None = None
    relatedParty: list[RelatedParty] | None = None


class BalanceAction(Resource):
    status: Literal["created", "completed", "failed", "cancelled"] | None = None
    amount: Quantity | None = None
    bucket: Ref | None = None
    channel: Ref | None = None
    reason: str | None = None
    requestedDate: datetime | None = None
    confirmationDate: datetime | None = None
    relatedParty: list[RelatedParty] | None = None


class TopupBalance(BalanceAction):
    voucher: str | None = Field(default=None, description="The card number, masked.")


class AdjustBalance(BalanceAction):
    adjustType: Literal["oneTime"] | None = None
    usageType: Literal["monetary"] | None = None


# --- TMF629 customer -------------------------------------------------------------------


class MediumCharacteristic(Tmf):
    contactType: str
    phoneNumber: str


class ContactMedium(Tmf):
    mediumType: str
    preferred: bool
    characteristic: MediumCharacteristic


class Customer(Resource):
    name: str | None = None
    status: str | None = None
    engagedParty: Ref | None = None
    contactMedium: list[ContactMedium] | None = None
    account: list[Ref] | None = None
    characteristic: list[Characteristic] | None = None
    validFor: TimePeriod | None = None


# --- authentication --------------------------------------------------------------------


class OtpRequest(BaseModel):
    msisdn: str = Field(min_length=1, max_length=20, examples=["13800138000"])


class OtpSent(BaseModel):
    msisdn: str
    expiresIn: int = Field(description="Seconds the code stays valid.")


class OtpGrant(BaseModel):
    grant_type: Literal["otp"]
    msisdn: str = Field(min_length=1, max_length=20, examples=["13800138000"])
    code: str = Field(min_length=1, max_length=10, examples=["123456"])


class PasswordGrant(BaseModel):
    grant_type: Literal["password"]
    username: str = Field(min_length=1, max_length=40, examples=["bj-agent"])
    password: str = Field(min_length=1, max_length=200)


TokenRequest = Annotated[OtpGrant | PasswordGrant, Field(discriminator="grant_type")]


class Identity(BaseModel):
    kind: str
    subject: str
    province: str
    role: str = ""


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    kind: str
    subject: str
    province: str
    role: str = ""
