"""The club's shared checks: staff only, and a kind, category or state from input."""

from __future__ import annotations

import enum
from typing import TypeVar

from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, InvalidInput

E = TypeVar("E", bound=enum.Enum)


def _staff(who: Principal) -> None:
    if who.kind is not Kind.STAFF:
        raise Forbidden("complaint.not_yours")


def _enum(kind: type[E], value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput("club.value_invalid", value=value) from None
