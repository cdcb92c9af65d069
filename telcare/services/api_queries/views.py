"""What every API read shares: Page, Line, the API's messages and the access check of a line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import true

from telcare import clock
from telcare.domain import roles
from telcare.domain.access import Kind, Principal, require_subscriber_access
from telcare.domain.errors import Forbidden, NotFound
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.store import models as m

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int


@dataclass(frozen=True, slots=True)
class Line:
    """One subscriber line, as the API shows it."""

    id: int
    msisdn: str
    customer_id: int
    brand: str
    province: str
    status: str
    language: str
    created_at: datetime


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _line(row: m.Subscriber) -> Line:
    return Line(
        row.id,
        row.msisdn,
        row.customer_id,
        row.brand,
        row.province_code,
        row.status,
        row.language,
        row.created_at,
    )


def _checked(who: Principal, row: m.Subscriber | None) -> Line:
    if row is None or row.status == "closed":
        raise NotFound(N_("api.not_found"))
    require_subscriber_access(who, row.msisdn, row.province_code)
    return _line(row)


def require_role(who: Principal, action: str) -> None:
    """A caller whose role may do ``action`` (the role matrix); everyone else is refused."""
    roles.require(who, action)


def visible_lines(who: Principal) -> Any:
    """The SQL condition on ``Subscriber`` of the lines ``who`` may see."""
    if who.kind is Kind.SUBSCRIBER:
        return m.Subscriber.msisdn == who.subject
    if who.kind is Kind.STAFF:
        return true() if who.province == HQ else m.Subscriber.province_code == who.province
    raise Forbidden(N_("access.denied"))
