"""The five prohibitions and the discipline cases their breaches open: the rules, the
case workflow and the monthly summary. Pure rules.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from telcare.domain.errors import Conflict, InvalidInput
from telcare.domain.messages import N_


@dataclass(frozen=True, slots=True)
class Prohibition:
    code: str
    name_zh: str
    name_en: str
    detected: bool  # found by the system (the others are reported by people)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


PROHIBITIONS: tuple[Prohibition, ...] = (
    Prohibition(
        "unconfirmed_fee", "不准未经客户确认收费", "No fee without the subscriber's consent", True
    ),
    Prohibition(
        "unconfirmed_order",
        "不准未经客户确认代办业务",
        "No subscription placed by staff without the subscriber's confirmation",
        True,
    ),
    Prohibition("misleading_sale", "不准虚假宣传误导客户", "No misleading sales", True),
    Prohibition("forced_bundle", "不准强制捆绑搭售", "No forced bundling", True),
    Prohibition("hidden_charge", "不准乱收费", "No hidden or unlisted charges", True),
)
BY_CODE = {p.code: p for p in PROHIBITIONS}


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class CaseAction(enum.StrEnum):
    INVESTIGATE = "investigate"
    UPHOLD = "uphold"  # with the penalty
    DISMISS = "dismiss"  # with the finding


_MOVES = {
    (CaseStatus.OPEN, CaseAction.INVESTIGATE): CaseStatus.INVESTIGATING,
    (CaseStatus.OPEN, CaseAction.DISMISS): CaseStatus.DISMISSED,
    (CaseStatus.INVESTIGATING, CaseAction.UPHOLD): CaseStatus.UPHELD,
    (CaseStatus.INVESTIGATING, CaseAction.DISMISS): CaseStatus.DISMISSED,
}


def move(status: CaseStatus, action: CaseAction, finding: str, penalty: str) -> CaseStatus:
    """The case's next status; upholding needs a penalty, dismissing a finding."""
    target = _MOVES.get((status, action))
    if target is None:
        raise Conflict(N_("discipline.bad_move"), status=status.value, action=action.value)
    if action is CaseAction.UPHOLD and not penalty.strip():
        raise InvalidInput(N_("discipline.penalty"))
    if action is CaseAction.DISMISS and not finding.strip():
        raise InvalidInput(N_("discipline.finding"))
    return target


def fee_breaches(
    *,
    amount_fen: int,
    listed_fen: int,
    charged_at: datetime,
    cancelled_at: datetime | None,
    refunded: bool,
    on_sale: bool,
) -> list[str]:
    """Why an SP fee is a charge the tariff does not allow (不准乱收费), if it is: more
    than the listed price, posted after the subscription was cancelled, or for a service
    not on sale. A fee already refunded in full is no breach."""
    if refunded:
        return []
    reasons = []
    if amount_fen > listed_fen:
        reasons.append("above_listed_price")
    if cancelled_at is not None and charged_at > cancelled_at:
        reasons.append("after_cancellation")
    if not on_sale:
        reasons.append("not_on_sale")
    return reasons


@dataclass(frozen=True, slots=True)
class Activation:
    """A paid subscription taking effect: whose, when it was confirmed and what."""

    subscriber_id: int
    confirmed_at: datetime
    item: str  # "product:CODE" or "sp:ACCESS:CODE"
    channel: str


def bundles(activations: Iterable[Activation]) -> list[list[Activation]]:
    """Paid subscriptions that took effect on one and the same confirmation (强制捆绑搭售):
    a ``Y`` carries out one order, so two or more subscriptions of one line confirmed at
    the same instant were tied to the one the subscriber asked for."""
    groups: dict[tuple[int, datetime], list[Activation]] = {}
    for a in activations:
        groups.setdefault((a.subscriber_id, a.confirmed_at), []).append(a)
    return [sorted(g, key=lambda a: a.item) for _, g in sorted(groups.items(),
            key=lambda kv: (kv[0][1], kv[0][0])) if len({a.item for a in g}) > 1]  # fmt: skip
