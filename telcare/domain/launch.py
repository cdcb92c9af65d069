"""The launch gate: a product, tariff or SP service goes on sale only after its launch
checklist passes — test orders on test lines through SMS and the web (order,
confirmation text, charge, ``0000`` listing, cancel, refund), both languages' texts
reviewed, and approval by a second person. Pure rules.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from telcare.domain.errors import Conflict, InvalidInput, NotEligible
from telcare.domain.messages import N_


class Kind(enum.StrEnum):
    PRODUCT = "product"  # packages and tariffs (base plans)
    SP_SERVICE = "sp_service"  # item: "<access code>:<service code>"


CHANNELS = ("sms", "web")
TESTS = ("order", "confirmation", "charge", "listing", "cancel", "refund")
REVIEWS = ("text_zh", "text_en")
STEPS: tuple[str, ...] = (*(f"{c}_{t}" for c in CHANNELS for t in TESTS), *REVIEWS)
"""Every step of a checklist: 12 test orders (2 channels x 6 checks) and 2 reviews."""


def item_of(kind: Kind, code: str, access_code: str | None = None) -> str:
    return f"{access_code}:{code.upper()}" if kind is Kind.SP_SERVICE else code.upper()


def check_step(step: str) -> str:
    if step not in STEPS:
        raise InvalidInput(N_("launch.unknown_step"), step=step)
    return step


def missing(steps: Mapping[str, Any]) -> list[str]:
    """The steps not yet passed (a step passes when recorded with ``ok`` true)."""
    return [s for s in STEPS if not (steps.get(s) or {}).get("ok")]


def check_approval(steps: Mapping[str, Any], prepared_by: str, approver: str) -> None:
    """Approval needs every step passed and a second person."""
    if left := missing(steps):
        raise Conflict(N_("launch.incomplete"), steps="、".join(left))
    if approver == prepared_by:
        raise Conflict(N_("launch.four_eyes"))


def check_on_sale(status: str | None, item: str, msisdn: str, test_lines: list[str]) -> None:
    """An item is on sale when its checklist passed; before that only its test lines
    may order it (that is how the test orders are placed)."""
    if status == "passed" or (status is not None and msisdn in test_lines):
        return
    raise NotEligible(N_("launch.not_on_sale"), code=item)
