"""The club's shared checks: staff only, and a kind, category or state from input."""

from __future__ import annotations

import enum
from typing import TypeVar

from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_

E = TypeVar("E", bound=enum.Enum)


def _staff(who: Principal, action: str) -> None:
    """Staff whose role allows ``action`` (the role matrix)."""
    roles.require(who, action)


def _enum(kind: type[E], value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(N_("club.value_invalid"), value=value) from None
