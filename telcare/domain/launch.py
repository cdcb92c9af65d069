"""The launch gate: a product, tariff or SP service goes on sale only after its launch
checklist passes — test orders on test lines through SMS and the web (order,
confirmation text, charge, ``0000`` listing, cancel, refund), both languages' texts
reviewed, and approval by a second person. Pure rules.

The test orders are automatic steps: only the verification run records them (with its
evidence); people record the two text reviews. A new dated tariff price (item
``CODE@YYYY-MM-DD``) is checked by rating a sample usage at it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from telcare.domain.catalog import TariffPrice
from telcare.domain.errors import Conflict, InvalidInput, NotEligible
from telcare.domain.messages import N_


class Kind(enum.StrEnum):
    PRODUCT = "product"  # packages and tariffs (base plans)
    SP_SERVICE = "sp_service"  # item: "<access code>:<service code>"
    TARIFF = "tariff"  # a dated unit price; item: "<tariff code>@<valid from>"


CHANNELS = ("sms", "web")
TESTS = ("order", "confirmation", "charge", "listing", "cancel", "refund")
REVIEWS = ("text_zh", "text_en")
ORDER_STEPS: tuple[str, ...] = tuple(f"{c}_{t}" for c in CHANNELS for t in TESTS)
"""The 12 test orders (2 channels x 6 checks): automatic, recorded by the verification run."""
RATING_STEPS: tuple[str, ...] = ("rate",)
"""A tariff price's automatic check: a sample usage on a test line rated at the new price."""
STEPS: tuple[str, ...] = (*ORDER_STEPS, *REVIEWS)
"""Every step of a product's or SP service's checklist."""
AUTO_BY = "system"
"""Who records the automatic steps (the verification run)."""


def automatic_steps(kind: Kind) -> tuple[str, ...]:
    return RATING_STEPS if kind is Kind.TARIFF else ORDER_STEPS


def steps_of(kind: Kind) -> tuple[str, ...]:
    return (*automatic_steps(kind), *REVIEWS)


def item_of(kind: Kind, code: str, access_code: str | None = None) -> str:
    return f"{access_code}:{code.upper()}" if kind is Kind.SP_SERVICE else code.upper()


def tariff_item(code: str, valid_from: date) -> str:
    return f"{code.upper()}@{valid_from.isoformat()}"


def check_step(step: str, kind: Kind = Kind.PRODUCT) -> str:
    """A step a person may record: the text reviews; the test orders are run, not typed."""
    if step in automatic_steps(kind):
        raise InvalidInput(N_("launch.automatic"), step=step)
    if step not in REVIEWS:
        raise InvalidInput(N_("launch.unknown_step"), step=step)
    return step


def passed(step: str, result: Any, kind: Kind) -> bool:
    """A review passes when recorded ``ok``; an automatic step only when the run passed it."""
    if not isinstance(result, Mapping) or not result.get("ok"):
        return False
    return step in REVIEWS or (result.get("auto") is True and result.get("by") == AUTO_BY)


def missing(steps: Mapping[str, Any], kind: Kind = Kind.PRODUCT) -> list[str]:
    """The steps not yet passed."""
    return [s for s in steps_of(kind) if not passed(s, steps.get(s), kind)]


def check_approval(
    steps: Mapping[str, Any], prepared_by: str, approver: str, kind: Kind = Kind.PRODUCT
) -> None:
    """Approval needs every step passed and a second person."""
    if left := missing(steps, kind):
        raise Conflict(N_("launch.incomplete"), steps="、".join(left))
    if approver == prepared_by:
        raise Conflict(N_("launch.four_eyes"))


def check_on_sale(status: str | None, item: str, msisdn: str, test_lines: list[str]) -> None:
    """An item is on sale when its checklist passed; before that only its test lines
    may order it (that is how the test orders are placed)."""
    if status == "passed" or (status is not None and msisdn in test_lines):
        return
    raise NotEligible(N_("launch.not_on_sale"), code=item)


def launched_prices(
    prices: Iterable[TariffPrice], on_sale: Callable[[str], bool]
) -> list[TariffPrice]:
    """The tariff prices rating may use: those whose launch passed. A price not (yet) on
    sale is skipped, and the price it would have superseded stays in force over its span."""
    by_code: dict[str, list[TariffPrice]] = {}
    for p in prices:
        by_code.setdefault(p.code, []).append(p)
    out: list[TariffPrice] = []
    for rows in by_code.values():
        rows.sort(key=lambda p: p.valid_from)
        kept = [on_sale(tariff_item(p.code, p.valid_from)) for p in rows]
        for i, p in enumerate(rows):
            if not kept[i]:
                continue
            end = p.valid_to
            for later, ok in zip(rows[i + 1 :], kept[i + 1 :], strict=True):
                if ok or end is None or later.valid_from != end:
                    break
                end = later.valid_to  # a gated successor: this price carries on
            out.append(dataclasses.replace(p, valid_to=end))
    return out
