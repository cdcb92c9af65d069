"""SP violations: recorded by staff, copied from the anti-spam platform and from resolved
complaints (idempotent), revocations mirrored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import partners as rules
from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict, InvalidInput
from telcare.domain.messages import N_
from telcare.services.partners.registry import SYSTEM, _now, _sp
from telcare.store import antispam_models as am
from telcare.store import complaint_models as cm
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class ViolationView:
    id: int
    access_code: str
    type: str
    source: str
    serious: bool
    penalty_points: int
    fine_fen: int
    evidence: dict[str, Any]
    occurred_at: datetime
    revoked: bool


def _add_violation(
    s: Session,
    access_code: str,
    kind: rules.ViolationType,
    source: rules.ViolationSource,
    ref: str,
    evidence: dict[str, Any],
    when: datetime,
    actor: str,
) -> pm.SpViolationRecord | None:
    if s.scalar(select(pm.SpViolationRecord.id).where(pm.SpViolationRecord.source_ref == ref)):
        return None
    p = rules.penalty(kind)
    row = pm.SpViolationRecord(
        access_code=access_code,
        type=kind.value,
        source=source.value,
        source_ref=ref,
        serious=p.serious,
        penalty_points=p.points,
        fine_fen=p.fine_fen,
        evidence=evidence,
        occurred_at=when,
        recorded_by=actor,
    )
    s.add(row)
    s.flush()
    return row


def record_inspection(
    db: Database,
    who: Principal,
    access_code: str,
    kind: str,
    evidence: str,
    *,
    ref: str | None = None,
    now: datetime | None = None,
) -> ViolationView:
    """A violation found by staff (inspection, or a complaint checked by hand)."""
    now = _now(now)
    roles.require(who, "sp.violation.record")
    try:
        vtype = rules.ViolationType(kind)
    except ValueError:
        raise InvalidInput(N_("sp.bad_violation"), type=kind) from None
    with db.uow() as uow:
        s = uow.session
        _sp(s, access_code)
        row = _add_violation(
            s,
            access_code,
            vtype,
            rules.ViolationSource.INSPECTION,
            ref or f"inspection:{access_code}:{now.isoformat()}",
            {"note": evidence[:2000]},
            now,
            who.subject,
        )
        if row is None:
            raise Conflict(N_("idempotency.conflict"))
        uow.commit()
        return _violation_view(row)


def sync_violations(db: Database, *, now: datetime | None = None) -> int:
    """Copy new anti-spam ``sp_violation`` rows and violating complaints; mirror revocations.

    Idempotent (each source row has a unique ``source_ref``); returns how many were added.
    """
    now = _now(now)
    added = 0
    with db.uow() as uow:
        s = uow.session
        known = set(s.scalars(select(m.ServiceProvider.access_code)))
        for v in s.scalars(select(am.SpViolation).order_by(am.SpViolation.id)):
            ref = f"antispam:{v.id}"
            if v.access_code not in known:
                continue
            if v.revoked_at is not None:
                mine = s.scalar(
                    select(pm.SpViolationRecord).where(pm.SpViolationRecord.source_ref == ref)
                )
                if mine is not None and mine.revoked_at is None:
                    mine.revoked_at = v.revoked_at
                continue
            evidence = {"antispam_violation": v.id, **v.evidence}
            kind = rules.antispam_type(v.type)
            if _add_violation(
                s,
                v.access_code,
                kind,
                rules.ViolationSource.ANTISPAM,
                ref,
                evidence,
                v.created_at,
                SYSTEM,
            ):
                added += 1
        tickets = s.scalars(
            select(cm.Ticket).where(
                cm.Ticket.related_sp.in_(known),
                cm.Ticket.category.in_(list(rules.COMPLAINT_CATEGORIES)),
                cm.Ticket.status.in_(("resolved", "closed")),
            )
        )
        for t in tickets:
            evidence = {"ticket": t.id, "msisdn": t.msisdn, "summary": t.summary}
            kind = rules.COMPLAINT_CATEGORIES[t.category]
            when = t.resolved_at or t.created_at
            if _add_violation(
                s,
                str(t.related_sp),
                kind,
                rules.ViolationSource.COMPLAINT,
                f"ticket:{t.id}",
                evidence,
                when,
                SYSTEM,
            ):
                added += 1
        uow.commit()
    return added


def _violation_view(r: pm.SpViolationRecord) -> ViolationView:
    return ViolationView(
        r.id,
        r.access_code,
        r.type,
        r.source,
        r.serious,
        r.penalty_points,
        r.fine_fen,
        r.evidence,
        r.occurred_at,
        r.revoked_at is not None,
    )
