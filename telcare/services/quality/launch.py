"""The launch gate: a product/tariff, SP service or dated tariff price is on sale only once
its launch checklist has passed (test orders on test lines through SMS and the web, run
and checked by :mod:`.launch_verify`; both languages' texts reviewed; approval by a second
person). Ordering services call :func:`require_on_sale`, rating :func:`rating_prices`;
seeds record what is already on sale with :func:`mark_launched`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import launch as rules
from telcare.domain.access import Principal
from telcare.domain.catalog import Service
from telcare.domain.catalog import TariffPrice as DomainPrice
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.services.quality.scope import now_or, staff
from telcare.store import models as m
from telcare.store.improvement_models import LaunchChecklist
from telcare.store.uow import Database

MAX_LINES = 5


@dataclass(frozen=True, slots=True)
class ChecklistView:
    kind: str
    item: str
    status: str
    test_lines: list[str]
    steps: dict[str, Any]
    missing: list[str]
    prepared_by: str
    approved_by: str | None
    created_at: datetime
    passed_at: datetime | None


def _view(r: LaunchChecklist) -> ChecklistView:
    steps = dict(r.steps or {})
    missing = [] if r.status == "passed" else rules.missing(steps, rules.Kind(r.kind))
    return ChecklistView(r.kind, r.item, r.status, list(r.test_lines), steps, missing,
                         r.prepared_by,
                         r.approved_by, r.created_at, r.passed_at)  # fmt: skip


def require_on_sale(s: Session, kind: rules.Kind, item: str, msisdn: str) -> None:
    """Refuse an order of an item whose checklist has not passed (its test lines may)."""
    row = s.get(LaunchChecklist, (kind.value, item))
    rules.check_on_sale(
        None if row is None else row.status, item, msisdn, [] if row is None else row.test_lines
    )


def rating_prices(
    s: Session, codes: Sequence[str] | None = None, *, trying: str | None = None
) -> list[DomainPrice]:
    """The dated tariff prices rating uses: only those whose launch passed (a price under
    test is not in force; the one it supersedes carries on until it passes). ``trying``:
    a price under test taken as launched (the verification run's rating check)."""
    stmt = select(m.TariffPrice)
    if codes is not None:
        stmt = stmt.where(m.TariffPrice.code.in_(sorted(set(codes))))
    rows = [DomainPrice(p.code, Service(p.service), p.unit, p.fen_per_unit, p.valid_from,
                        p.valid_to, p.name_zh, p.name_en) for p in s.scalars(stmt)]  # fmt: skip
    launched = set(
        s.scalars(
            select(LaunchChecklist.item).where(
                LaunchChecklist.kind == rules.Kind.TARIFF.value,
                LaunchChecklist.status == "passed",
            )
        )
    )
    if trying is not None:
        launched.add(trying)
    return rules.launched_prices(rows, launched.__contains__)


def mark_launched(s: Session, kind: rules.Kind, item: str, *, by: str, now: datetime) -> None:
    """Record an item already on sale before the gate (seeds, data migrations)."""
    if s.get(LaunchChecklist, (kind.value, item)) is None:
        s.add(LaunchChecklist(kind=kind.value, item=item, test_lines=[], steps={"legacy": True},
                              status="passed", prepared_by="legacy", approved_by=by,
                              created_at=now, passed_at=now))  # fmt: skip


def _kind(kind: str) -> rules.Kind:
    try:
        return rules.Kind(kind)
    except ValueError as err:
        raise InvalidInput(N_("launch.unknown_item"), item=kind[:20]) from err


def _hq(who: Principal) -> None:
    staff(who)
    if not who.is_headquarters:  # products and SP services are national
        raise Forbidden(N_("access.denied"))


def _exists(s: Session, kind: rules.Kind, item: str) -> None:
    if kind is rules.Kind.PRODUCT:
        found = s.get(m.Product, item) is not None
    elif kind is rules.Kind.TARIFF:
        found = tariff_row(s, item) is not None
    else:
        access, _, code = item.partition(":")
        svc = m.SpService
        query = select(svc.id).where(svc.access_code == access, svc.code == code)
        found = s.scalar(query) is not None
    if not found:
        raise NotFound(N_("launch.unknown_item"), item=item)


def tariff_row(s: Session, item: str) -> m.TariffPrice | None:
    """The dated tariff price an item ``CODE@YYYY-MM-DD`` names, if any."""
    code, _, day = item.partition("@")
    try:
        valid_from = date.fromisoformat(day)
    except ValueError:
        return None
    price = m.TariffPrice
    query = select(price).where(price.code == code, price.valid_from == valid_from)
    return s.scalar(query)


def _get(s: Session, kind: rules.Kind, item: str) -> LaunchChecklist:
    row = s.get(LaunchChecklist, (kind.value, item), with_for_update=True)
    if row is None:
        raise NotFound(N_("launch.unknown"), item=item)
    return row


def start(
    db: Database,
    who: Principal,
    kind: str,
    item: str,
    test_lines: Sequence[str],
    *,
    now: datetime | None = None,
) -> ChecklistView:
    """Open the launch test of an item (headquarters); its test lines may order it now."""
    _hq(who)
    k, now = _kind(kind), now_or(now)
    lines = list(dict.fromkeys(normalise_msisdn(n) for n in test_lines if n.strip()))
    if not 1 <= len(lines) <= MAX_LINES:
        raise InvalidInput(N_("launch.lines"))
    item = item.strip().upper()
    with db.uow() as uow:
        s = uow.session
        _exists(s, k, item)
        row = s.get(LaunchChecklist, (k.value, item))
        if row is not None and row.status == "passed":
            raise Conflict(N_("launch.passed"), item=item)
        if row is None:
            row = LaunchChecklist(kind=k.value, item=item, steps={}, status="testing",
                                  prepared_by=who.subject, created_at=now)  # fmt: skip
            s.add(row)
        row.test_lines = lines
        uow.commit()
        return _view(row)


def record_step(
    db: Database,
    who: Principal,
    kind: str,
    item: str,
    step: str,
    *,
    ok: bool,
    note: str = "",
    now: datetime | None = None,
) -> ChecklistView:
    """Record a text review (the test orders are recorded by :mod:`.launch_verify`)."""
    _hq(who)
    rules.check_step(step, _kind(kind))
    now = now_or(now)
    with db.uow() as uow:
        row = _get(uow.session, _kind(kind), item.strip().upper())
        if row.status == "passed":
            raise Conflict(N_("launch.passed"), item=row.item)
        row.steps = {**(row.steps or {}),
                     step: {"ok": ok, "by": who.subject, "at": now.isoformat(),
                            "note": note.strip()[:500]}}  # fmt: skip
        uow.commit()
        return _view(row)


def approve(
    db: Database, who: Principal, kind: str, item: str, *, now: datetime | None = None
) -> ChecklistView:
    """A second person approves a complete checklist: the item goes on sale."""
    _hq(who)
    now = now_or(now)
    with db.uow() as uow:
        row = _get(uow.session, _kind(kind), item.strip().upper())
        if row.status == "passed":
            raise Conflict(N_("launch.passed"), item=row.item)
        rules.check_approval(row.steps or {}, row.prepared_by, who.subject,
                             rules.Kind(row.kind))  # fmt: skip
        row.status, row.approved_by, row.passed_at = "passed", who.subject, now
        uow.commit()
        return _view(row)


def under_test(s: Session, who: Principal, kind: str, item: str) -> LaunchChecklist:
    """The checklist of an item under test, for a verification run (headquarters)."""
    _hq(who)
    k, key = _kind(kind), item.strip().upper()
    row = s.get(LaunchChecklist, (k.value, key))
    if row is None:
        raise NotFound(N_("launch.unknown"), item=key)
    if row.status == "passed":
        raise Conflict(N_("launch.passed"), item=key)
    return row


def record_run(
    db: Database, who: Principal, kind: str, item: str, results: dict[str, dict[str, Any]],
    *, now: datetime | None = None,
) -> ChecklistView:  # fmt: skip
    """Record a verification run's automatic steps (``by = system``) and its verdict."""
    stamp = {"by": rules.AUTO_BY, "at": now_or(now).isoformat(), "run_by": who.subject}
    with db.uow() as uow:
        row = _get(uow.session, _kind(kind), item.strip().upper())
        if row.status == "passed":
            raise Conflict(N_("launch.passed"), item=row.item)
        recorded = {step: {**r, **stamp} for step, r in results.items()}
        verdict = {**stamp, "passed": all(r["ok"] for r in results.values())}
        row.steps = {**(row.steps or {}), **recorded, "last_run": verdict}
        uow.commit()
        return _view(row)


def checklists(
    db: Database, who: Principal, *, status: str | None = None, limit: int = 500
) -> list[ChecklistView]:
    """Every checklist (staff), the ones under test first."""
    staff(who)
    stmt = select(LaunchChecklist).order_by(
        LaunchChecklist.status.desc(), LaunchChecklist.kind, LaunchChecklist.item
    )
    if status:
        stmt = stmt.where(LaunchChecklist.status == status)
    with db.read() as uow:
        return [_view(r) for r in uow.session.scalars(stmt.limit(min(max(limit, 1), 2000)))]


def checklist(db: Database, who: Principal, kind: str, item: str) -> ChecklistView:
    staff(who)
    with db.read() as uow:
        row = uow.session.get(LaunchChecklist, (_kind(kind).value, item.strip().upper()))
        if row is None:
            raise NotFound(N_("launch.unknown"), item=item)
        return _view(row)
