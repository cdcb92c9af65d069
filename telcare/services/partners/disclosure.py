"""The public list of A-tier SPs: published (or withdrawn) by the monthly run, and read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare.domain import partners as rules
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class Disclosed:
    month: str
    access_code: str
    name: str
    score: Decimal


def _disclose(
    s: Session, sp: m.ServiceProvider, month: str, result: rules.Score | None, now: datetime
) -> None:
    """Publish an A-tier SP; withdraw any other (an SP without a score is never listed)."""
    row = s.get(pm.SpDisclosure, (month, sp.access_code))
    if result is not None and rules.rules_for(result.tier).disclosed:
        if row is None:
            s.add(
                pm.SpDisclosure(
                    month=month,
                    access_code=sp.access_code,
                    name=sp.name,
                    score=result.value,
                    published_at=now,
                )
            )
        else:
            row.score = result.value
    elif row is not None:
        s.delete(row)


def disclosed(db: Database, month: str | None = None) -> list[Disclosed]:
    """The public list of A-tier SPs for ``month`` (default: the latest published)."""
    with db.uow() as uow:
        s = uow.session
        month = month or s.scalar(select(func.max(pm.SpDisclosure.month)))
        if month is None:
            return []
        rows = s.scalars(
            select(pm.SpDisclosure)
            .where(pm.SpDisclosure.month == month)
            .order_by(pm.SpDisclosure.score.desc(), pm.SpDisclosure.access_code)
        ).all()
        return [Disclosed(r.month, r.access_code, r.name, r.score) for r in rows]
