"""TMF635 usage specifications and usage posted through the API.

The three services are built-in specifications (ids ``data``, ``voice``, ``sms``); staff
add others (numeric ids), each for one service. A usage posted by a mediation system
(HQ or provincial ``admin`` staff) is rated exactly as a usage-file line is
(:func:`telcare.services.charging.single.rate_record`)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from telcare import clock
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.services.api_queries import Page, line_by_msisdn, require_role
from telcare.services.charging.records import SERVICE_NAMES
from telcare.services.charging.single import Rated, rate_record
from telcare.store import tmf_models as t
from telcare.store.uow import Database

USAGE_ROLES = "usage.manage"  # the role-matrix action (admins)
BUILTIN = {
    "data": ("Data usage", "Mobile data sessions, volume in KB."),
    "voice": ("Voice usage", "Calls, duration in seconds (rated per started minute)."),
    "sms": ("SMS usage", "Short messages, one per record."),
}


@dataclass(frozen=True, slots=True)
class SpecView:
    id: str
    name: str
    description: str
    service: str
    last_update: datetime | None


def _view(r: t.UsageSpec) -> SpecView:
    return SpecView(str(r.id), r.name, r.description, r.service, r.last_update)


def _builtins() -> list[SpecView]:
    return [SpecView(k, name, text, k, None) for k, (name, text) in BUILTIN.items()]


def specs(db: Database, offset: int, limit: int) -> Page[SpecView]:
    """The built-in specifications, then the added ones by id."""
    with db.uow() as uow:
        s = uow.session
        total = len(BUILTIN) + (s.scalar(select(func.count()).select_from(t.UsageSpec)) or 0)
        views = _builtins()[offset : offset + limit]
        rows = s.scalars(
            select(t.UsageSpec)
            .order_by(t.UsageSpec.id)
            .offset(max(0, offset - len(BUILTIN)))
            .limit(limit - len(views))
        )
        return Page(views + [_view(r) for r in rows], total)


def spec(db: Database, spec_id: str) -> SpecView:
    if spec_id in BUILTIN:
        return next(v for v in _builtins() if v.id == spec_id)
    if not spec_id.isascii() or not spec_id.isdigit() or len(spec_id) > 9:
        raise NotFound(N_("api.not_found"))
    with db.uow() as uow:
        row = uow.session.get(t.UsageSpec, int(spec_id))
        if row is None:
            raise NotFound(N_("api.not_found"))
        return _view(row)


def create_spec(
    db: Database, who: Principal, name: str, description: str, service: str
) -> SpecView:
    require_role(who, USAGE_ROLES)
    check_plain(name)
    check_plain(description, multiline=True)
    assert service in SERVICE_NAMES
    now = clock.now()
    with db.uow() as uow:
        row = t.UsageSpec(
            name=name,
            description=description,
            service=service,
            created_by=who.subject,
            created_at=now,
            last_update=now,
        )
        uow.session.add(row)
        uow.commit()
        return _view(row)


def post_usage(
    db: Database,
    who: Principal,
    *,
    msisdn: str,
    spec_id: str | None,
    service: str | None,
    started_at: datetime,
    volume: int,
    roaming: bool,
    peer: str,
    key: str | None,
) -> Rated:
    """Rate one usage event of a line the staff member may see. The same
    ``Idempotency-Key`` names the same record: a retry is not charged twice."""
    require_role(who, USAGE_ROLES)
    check_plain(peer)
    line = line_by_msisdn(db, who, msisdn)
    if spec_id is not None:
        service = spec(db, spec_id).service
    record_id = "api-" + (
        hashlib.sha256(f"{who.subject}:{key}".encode()).hexdigest()[:32]
        if key
        else uuid.uuid4().hex
    )
    return rate_record(
        db,
        record_id=record_id,
        msisdn=line.msisdn,
        service=service or "",
        started_at=started_at,
        volume=volume,
        roaming=roaming,
        peer=peer,
        source=who.subject,
    )
