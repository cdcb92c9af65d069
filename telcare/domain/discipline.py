"""The five prohibitions and the discipline cases their breaches open: the rules, the
case workflow and the monthly summary. Pure rules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

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
    Prohibition("misleading_sale", "不准虚假宣传误导客户", "No misleading sales", False),
    Prohibition("forced_bundle", "不准强制捆绑搭售", "No forced bundling", False),
    Prohibition("hidden_charge", "不准乱收费", "No hidden or unlisted charges", False),
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
