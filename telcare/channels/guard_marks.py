"""The mark a route dependency carries to say who may call the route (read by
:mod:`telcare.channels.guards` and the route-coverage test); no imports of the channels,
so that any channel module can mark its own dependencies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from telcare.domain.roles import Role

ATTRIBUTE = "telcare_guard"  # on a dependency: ("public", why) | ("action", a) | ("kind", role)

F = TypeVar("F", bound=Callable[..., Any])


def declaration(call: object) -> tuple[str, str] | None:
    """What a dependency declares about the route's callers, if anything."""
    found: tuple[str, str] | None = getattr(call, ATTRIBUTE, None)
    return found


def kind_guard(role: Role) -> Callable[[F], F]:
    """Mark a dependency that admits only callers of ``role`` (it refuses the rest itself:
    a redirect to its login page, or 401)."""

    def mark(fn: F) -> F:
        setattr(fn, ATTRIBUTE, ("kind", role.value))
        return fn

    return mark
