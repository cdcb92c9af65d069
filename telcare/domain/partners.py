"""Partner (SP) governance: consent, violations, the monthly credit score and tiers,
per-tier rules, suspension and termination. Pure; see ``docs/partners.md``.

Consent: a subscription to an SP service is *pending* until the subscriber answers
``Y`` to the confirmation SMS from 10086 within 24 hours; only then is it *active*
and only an active subscription with a recorded consent may be charged. A cancel
(``TD``, ``QX``, the hall, the API) takes effect at once and stops the next fee.

Credit score (0-100, one decimal) for one SP and one calendar month::

    score = 100 - complaints - satisfaction - violations - refunds, clamped to 0..100

    complaints   = min(30, 2 x complaints per 10,000 subscribers)
    satisfaction = min(20, 10 x max(0, 4 - mean rating))   (ratings 1..5; none: 0)
    violations   = sum of each violation's penalty points (table VIOLATIONS)
    refunds      = min(20, refunds as a percentage of the SP's fees)

Tiers: A >= 90 with no violation in the month; B >= 75; C >= 60; D below 60.
An SP with fewer than ``MIN_SUBSCRIBERS`` active subscriptions at the month's end has
too little data: no score, no tier (not published), only its serious violations count.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.domain.subscriptions import confirmation_expired

# --- subscriptions and consent -----------------------------------------------------------


class SubState(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    CANCELLED = "cancelled"


class SpStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


def can_charge(state: SubState, consent_id: int | None, needs_reconfirm: bool) -> bool:
    """Only a confirmed, active subscription that needs no re-confirmation is charged."""
    return state is SubState.ACTIVE and consent_id is not None and not needs_reconfirm


def consent_valid(requested_at: datetime, answered_at: datetime) -> bool:
    """A ``Y`` counts only within 24 hours of the request."""
    return not confirmation_expired(requested_at, answered_at)


def can_subscribe(sp_status: SpStatus, launch_allowed: bool, service_is_new: bool) -> bool:
    """Suspended and terminated SPs take no orders; new services need the tier's leave."""
    if sp_status is not SpStatus.ACTIVE:
        return False
    return launch_allowed or not service_is_new


def check_month(month: str) -> str:
    """``YYYY-MM`` (years 1900–2099), or :class:`InvalidInput`."""
    if not re.fullmatch(r"(19|20)\d{2}-(0[1-9]|1[0-2])", month):
        raise InvalidInput(N_("month.invalid"), value=month)
    return month


_ORDER = re.compile(r"(?:DG|订购|KT|开通)?([A-Z0-9]{1,12})")


def parse_sp_order(text: str) -> str | None:
    """An order sent to an SP access code: ``DG<code>``, ``KT<code>`` or the bare service code.

    Full-width and lower case accepted; separators ignored. None if it is not one.
    """
    key = unicodedata.normalize("NFKC", text).upper()
    key = "".join(ch for ch in key if ch.isalnum())
    if not key or len(key) > 20:
        return None
    match = _ORDER.fullmatch(key)
    return match.group(1) if match else None


# --- violations ---------------------------------------------------------------------------


class ViolationType(enum.StrEnum):
    UNCONFIRMED_CHARGE = "unconfirmed_charge"
    SPAM = "spam"
    FALSE_ADVERTISING = "false_advertising"
    UNSUB_OBSTRUCTION = "unsub_obstruction"
    ILLEGAL_CONTENT = "illegal_content"
    INSPECTION_MINOR = "inspection_minor"


class ViolationSource(enum.StrEnum):
    ANTISPAM = "antispam"
    COMPLAINT = "complaint"
    INSPECTION = "inspection"


@dataclass(frozen=True, slots=True)
class Penalty:
    """What one violation costs: score points, a fine (fen) and whether it is serious."""

    points: int
    fine_fen: int
    serious: bool


VIOLATIONS: Mapping[ViolationType, Penalty] = {
    ViolationType.UNCONFIRMED_CHARGE: Penalty(20, 500_000, True),
    ViolationType.SPAM: Penalty(15, 200_000, True),
    ViolationType.UNSUB_OBSTRUCTION: Penalty(15, 200_000, True),
    ViolationType.ILLEGAL_CONTENT: Penalty(25, 1_000_000, True),
    ViolationType.FALSE_ADVERTISING: Penalty(10, 100_000, False),
    ViolationType.INSPECTION_MINOR: Penalty(5, 0, False),
}

BILLING_VIOLATIONS = frozenset({ViolationType.UNCONFIRMED_CHARGE})
"""Violations about charging: they make a termination refund the current month."""

ANTISPAM_TYPES: Mapping[str, ViolationType] = {"spam_reports": ViolationType.SPAM}
"""How the anti-spam platform's ``sp_violation.type`` maps onto ours."""

COMPLAINT_CATEGORIES: Mapping[str, ViolationType] = {
    "VAS.UNCONFIRMED.SP": ViolationType.UNCONFIRMED_CHARGE,
    "VAS.UNSUB.FAILED": ViolationType.UNSUB_OBSTRUCTION,
}
"""Complaint categories that are violations when the ticket names an SP."""


def penalty(kind: ViolationType) -> Penalty:
    return VIOLATIONS[kind]


def antispam_type(raw: str) -> ViolationType:
    """Anti-spam violation types we do not know are treated as spam."""
    return ANTISPAM_TYPES.get(raw, ViolationType.SPAM)


# --- the credit score --------------------------------------------------------------------


class Tier(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


@dataclass(frozen=True, slots=True)
class ScoreInputs:
    """One SP's facts for one month."""

    subscribers: int  # active subscriptions at the end of the month
    complaints: int  # complaints naming the SP
    ratings: tuple[int, ...] = ()  # satisfaction ratings 1..5
    violations: Mapping[ViolationType, int] = field(default_factory=dict)
    fees_fen: int = 0
    refunds_fen: int = 0

    @property
    def complaint_rate(self) -> Decimal:
        """Complaints per 10,000 subscribers (at least one subscriber is assumed)."""
        return Decimal(self.complaints * 10_000) / Decimal(max(self.subscribers, 1))

    @property
    def satisfaction(self) -> Decimal | None:
        if not self.ratings:
            return None
        return Decimal(sum(self.ratings)) / Decimal(len(self.ratings))


@dataclass(frozen=True, slots=True)
class Score:
    value: Decimal
    tier: Tier
    parts: Mapping[str, Decimal]


COMPLAINT_WEIGHT = Decimal(2)
COMPLAINT_CAP = Decimal(30)
SATISFACTION_TARGET = Decimal(4)
SATISFACTION_WEIGHT = Decimal(10)
SATISFACTION_CAP = Decimal(20)
REFUND_CAP = Decimal(20)
TIER_FLOORS: tuple[tuple[Tier, int], ...] = ((Tier.A, 90), (Tier.B, 75), (Tier.C, 60))
_TENTH = Decimal("0.1")


def score(inputs: ScoreInputs) -> Score:
    """The month's credit score and tier (see the module docstring)."""
    complaints = min(COMPLAINT_CAP, COMPLAINT_WEIGHT * inputs.complaint_rate)
    mean = inputs.satisfaction
    shortfall = Decimal(0) if mean is None else max(Decimal(0), SATISFACTION_TARGET - mean)
    satisfaction = min(SATISFACTION_CAP, SATISFACTION_WEIGHT * shortfall)
    violations = Decimal(sum(VIOLATIONS[k].points * n for k, n in inputs.violations.items()))
    if inputs.refunds_fen <= 0:
        refunds = Decimal(0)
    elif inputs.fees_fen <= 0:
        refunds = REFUND_CAP
    else:
        refunds = min(REFUND_CAP, Decimal(inputs.refunds_fen * 100) / Decimal(inputs.fees_fen))
    parts = {
        "complaints": complaints.quantize(_TENTH, ROUND_HALF_UP),
        "satisfaction": satisfaction.quantize(_TENTH, ROUND_HALF_UP),
        "violations": violations.quantize(_TENTH, ROUND_HALF_UP),
        "refunds": refunds.quantize(_TENTH, ROUND_HALF_UP),
    }
    value = max(Decimal(0), Decimal(100) - sum(parts.values(), Decimal(0)))
    value = min(Decimal(100), value).quantize(_TENTH, ROUND_HALF_UP)
    any_violation = any(n > 0 for n in inputs.violations.values())
    return Score(value, tier_for(value, any_violation), parts)


MIN_SUBSCRIBERS = 1
"""Active subscriptions at the month's end below which an SP has no score and no tier."""


def enough_data(inputs: ScoreInputs) -> bool:
    """Whether the month's facts can carry a score (else: no data, never 100 or A)."""
    return inputs.subscribers >= MIN_SUBSCRIBERS


def tier_for(value: Decimal, any_violation: bool) -> Tier:
    """A needs 90 and a clean month; then B, C by their floors; D below 60."""
    for tier, floor in TIER_FLOORS:
        if value >= floor and not (tier is Tier.A and any_violation):
            return tier
    return Tier.D


@dataclass(frozen=True, slots=True)
class TierRules:
    launch_allowed: bool  # may put new services on sale
    settlement_hold_pct: int  # share of the month's settlement held back
    reconfirm: bool  # subscribers must confirm again before the next fee
    disclosed: bool  # listed on the public page of honest SPs


TIER_RULES: Mapping[Tier, TierRules] = {
    Tier.A: TierRules(True, 0, False, True),
    Tier.B: TierRules(True, 0, False, False),
    Tier.C: TierRules(False, 30, True, False),
    Tier.D: TierRules(False, 100, True, False),
}


def rules_for(tier: Tier | None) -> TierRules:
    """A new SP with no score yet is treated as B."""
    return TIER_RULES[tier or Tier.B]


def settlement_held(tier: Tier, fees_fen: int) -> int:
    """Fen held back from the SP's monthly settlement."""
    return fees_fen * rules_for(tier).settlement_hold_pct // 100


# --- suspension and termination ------------------------------------------------------------


class Action(enum.StrEnum):
    NONE = "none"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    TERMINATE = "terminate"


TERMINATE_AFTER = 3
"""Serious violations within ``WINDOW_MONTHS`` that end the partnership."""
WINDOW_MONTHS = 12


def decide(
    status: SpStatus, tier: Tier | None, serious_this_month: int, serious_in_window: int
) -> Action:
    """What the month's score does to the SP (``tier`` None: no data, no tier).

    Terminate after ``TERMINATE_AFTER`` serious violations in 12 months; suspend on
    tier D or any serious violation in the month; a suspended SP is reinstated by a
    clean month scoring B or better.
    """
    if status is SpStatus.TERMINATED:
        return Action.NONE
    if serious_in_window >= TERMINATE_AFTER:
        return Action.TERMINATE
    if tier is Tier.D or serious_this_month > 0:
        return Action.NONE if status is SpStatus.SUSPENDED else Action.SUSPEND
    if status is SpStatus.SUSPENDED and tier in (Tier.A, Tier.B):
        return Action.REINSTATE
    return Action.NONE


def refund_on_termination(kinds: frozenset[ViolationType]) -> bool:
    """Terminated for a billing violation: this month's fees go back to the subscribers."""
    return bool(kinds & BILLING_VIOLATIONS)


def window_start(month: str) -> date:
    """The first day of the 12-month window ending with ``month``."""
    year, mon = (int(x) for x in month.split("-"))
    total = year * 12 + (mon - 1) - (WINDOW_MONTHS - 1)
    return date(total // 12, total % 12 + 1, 1)
