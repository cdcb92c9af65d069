"""Loyalty rules: accrual, tiers, campaigns, expiry, gift eligibility, delivery orders,
warehouse choice and one-time merchant codes. Pure: no I/O, no clock, no store.

Accrual rules and campaigns are *data* (rows in the store, seeded and edited by
staff); this module only says how they combine:

* a ledger entry's **spend** is what the subscriber paid (a charge, less a refund)
  or topped up (a recharge), each source with its own rules;
* the **tier** of a subscriber for a month is the highest tier whose monthly-spend
  threshold the previous calendar month's spend reaches;
* the **rule** for an entry is the most specific one in force on its day
  (brand and tier > brand > tier > any) for its source;
* **campaigns** in force on the day (matching source and brand) multiply the rule's
  rate and may add a fixed bonus per yuan;
* points are counted exactly in thousandths (*milli-points*) per entry; a
  subscriber's posted points are the floor of the running total, so small daily
  charges add up and nothing is rounded twice;
* points **expire** first in, first out: points earned in year Y and not used by
  the end of year Y+1 expire then.
"""

from telcare.domain.loyalty.accrual import (
    MILLI,
    RECHARGE_KINDS,
    SPEND_KINDS,
    AccrualRule,
    Campaign,
    Source,
    Tier,
    choose_rule,
    milli_points,
    month_key,
    points_step,
    previous_month,
    rate,
    source_of,
    spend_of,
    tier_for,
)
from telcare.domain.loyalty.codes import (
    CODE_DIGITS,
    CODE_TTL,
    CodeVerdict,
    judge_code,
    new_code,
    normalise_code,
)
from telcare.domain.loyalty.delivery import (
    CAPITALS,
    REFUNDING,
    SUBSCRIBER_CANCELLABLE,
    Address,
    OrderState,
    check_address,
    choose_warehouse,
    distance_km,
    next_states,
    transition,
    warehouses_by_distance,
)
from telcare.domain.loyalty.expiry import (
    EARNING_KINDS,
    PointsMove,
    expiry_day,
    points_to_expire,
)
from telcare.domain.loyalty.gifts import (
    GiftKind,
    GiftOffer,
    check_can_redeem,
    search,
)

__all__ = [
    "CAPITALS",
    "CODE_DIGITS",
    "CODE_TTL",
    "EARNING_KINDS",
    "MILLI",
    "RECHARGE_KINDS",
    "REFUNDING",
    "SPEND_KINDS",
    "SUBSCRIBER_CANCELLABLE",
    "AccrualRule",
    "Address",
    "Campaign",
    "CodeVerdict",
    "GiftKind",
    "GiftOffer",
    "OrderState",
    "PointsMove",
    "Source",
    "Tier",
    "check_address",
    "check_can_redeem",
    "choose_rule",
    "choose_warehouse",
    "distance_km",
    "expiry_day",
    "judge_code",
    "milli_points",
    "month_key",
    "new_code",
    "next_states",
    "normalise_code",
    "points_step",
    "points_to_expire",
    "previous_month",
    "rate",
    "search",
    "source_of",
    "spend_of",
    "tier_for",
    "transition",
    "warehouses_by_distance",
]
