"""Complaint use cases on SQLite and PostgreSQL: audit trail, outbox, replica at HQ."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Row, func, select

from telcare.domain.access import Kind, Principal
from telcare.domain.complaints import AccountabilityMissing, Category, InvalidTransition
from telcare.domain.errors import Forbidden
from telcare.services import complaints as svc
from telcare.services.quality import incidents
from telcare.store import complaint_models as cm
from telcare.store.migrate import upgrade
from telcare.store.outbox import OutboxEvent
from telcare.store.uow import Database

BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
GD_AGENT = Principal(Kind.STAFF, "gd-agent", "GD", "agent")
HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
CALLER = Principal(Kind.SUBSCRIBER, "13800138000", "BJ")
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Beijing


@pytest.fixture
def hq(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'hq.db'}"
    database = Database(url)
    upgrade(url, database.engine)
    return database


def outbox(db: Database) -> list[Row]:
    o = OutboxEvent
    with db.uow() as uow:
        return list(
            uow.session.execute(select(o.subject, o.type, o.seq, o.payload).order_by(o.id)).all()
        )


def payloads(db: Database) -> list[dict]:
    return [e.payload for e in outbox(db) if e.subject.startswith("telcare.tickets.")]


def test_life_cycle_writes_audit_and_outbox_in_step(db: Database) -> None:
    t = svc.file_ticket(
        db,
        CALLER,
        node="BJ",
        category="NET.COV.INDOOR",
        summary="家里没信号",
        channel="hall",
        now=NOW,
    )
    assert (t.province, t.status, t.queue, t.seq) == ("BJ", "new", "g3", 1)  # QQT88 is a G3 plan
    assert t.id.startswith("BJ-") and t.respond_by < t.resolve_by
    for step, action in enumerate(["acknowledge", "start", "resolve", "close"], start=1):
        t = svc.transition(db, BJ_AGENT, t.id, action, node="BJ", now=NOW + timedelta(hours=step))
    assert t.status == "closed" and t.responded_at == NOW + timedelta(hours=1)
    events = outbox(db)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[-1].type == "ticket.closed" and events[-1].subject == "telcare.tickets.BJ"
    assert events[-1].payload["survey"]["msisdn"] == "13800138000"
    trail = svc.audit_trail(db, HQ_ADMIN, t.id)
    assert [a.action for a in trail] == ["file", "acknowledge", "start", "resolve", "close"]
    assert trail[1].changes["status"] == ["new", "acknowledged"]
    with pytest.raises(InvalidTransition):
        svc.transition(db, BJ_AGENT, t.id, "resolve", node="BJ")
    t = svc.transition(db, CALLER, t.id, "reopen", node="BJ")
    assert (t.status, t.reopened, t.seq) == ("inProgress", 1, 6)


def test_major_complaint_needs_accountability_and_nothing_is_written(db: Database) -> None:
    t = svc.file_ticket(
        db, BJ_AGENT, node="BJ", msisdn="13700137000", category="VAS.UNCONFIRMED.SP",
        summary="SP未经确认扣费", major=True, related_sp="1066000001", now=NOW,
    )  # fmt: skip
    assert t.queue == "general"
    for action in ("start", "resolve"):
        svc.transition(db, BJ_AGENT, t.id, action, node="BJ", now=NOW)
    before = len(outbox(db))
    with pytest.raises(AccountabilityMissing):
        svc.transition(db, BJ_AGENT, t.id, "close", node="BJ", now=NOW)
    assert len(outbox(db)) == before
    svc.update_ticket(
        db, BJ_AGENT, t.id, node="BJ", changes={"responsible_unit": "北京分公司增值业务部"}
    )
    before = len(outbox(db))
    with pytest.raises(AccountabilityMissing, match="major_needs_incident"):  # issue #22
        svc.transition(db, BJ_AGENT, t.id, "close", node="BJ", outcome="退费并关停SP业务")
    assert len(outbox(db)) == before
    incidents.record_incident(
        db, BJ_AGENT, province="BJ", title="SP未经确认扣费", occurred_at=NOW, impact="1位用户",
        root_cause="SP绕过二次确认", unit="北京分公司增值业务部", person="张三",
        penalty="SP扣信用分", tickets=[t.id], now=NOW,
    )  # fmt: skip
    t = svc.transition(db, BJ_AGENT, t.id, "close", node="BJ", outcome="退费并关停SP业务")
    assert t.status == "closed" and t.outcome == "退费并关停SP业务"


def test_access_and_ownership(db: Database) -> None:
    t = svc.file_ticket(db, CALLER, node="BJ", category="BIL.DISPUTE.DATA", summary="流量费不对")
    with pytest.raises(Forbidden):
        svc.transition(db, CALLER, t.id, "acknowledge", node="BJ")  # subscribers do not triage
    with pytest.raises(Exception, match="unknown_ticket"):
        svc.get_ticket(db, GD_AGENT, t.id)
    assert svc.list_tickets(db, GD_AGENT).total == 0
    assert svc.list_tickets(db, BJ_AGENT, svc.TicketFilter(category="BIL")).total == 1
    assert svc.list_tickets(db, CALLER).items[0].id == t.id


def test_notes_attachments_and_severity_change(db: Database) -> None:
    t = svc.file_ticket(
        db,
        BJ_AGENT,
        node="BJ",
        msisdn="13700137000",
        category="NET.DATA.SLOW",
        summary="慢",
        now=NOW,
    )
    svc.add_note(db, BJ_AGENT, t.id, "已联系客户", node="BJ")
    svc.add_attachment(
        db,
        CALLER if False else BJ_AGENT,
        t.id,
        name="speed.png",
        content_type="image/png",
        content=b"\x89PNG" * 10,
        node="BJ",
    )
    t2 = svc.update_ticket(db, BJ_AGENT, t.id, node="BJ", changes={"severity": "critical"}, now=NOW)
    assert t2.resolve_by < t.resolve_by  # critical network: 4 hours around the clock
    full = svc.get_ticket(db, BJ_AGENT, t.id)
    assert [n.text for n in full.notes] == ["已联系客户"] and full.attachments[0].size == 40
    assert full.seq == 4


def test_headquarters_replica_is_exact_idempotent_and_ordered(db: Database, hq: Database) -> None:
    a = svc.file_ticket(db, CALLER, node="BJ", category="NET.COV.INDOOR", summary="没信号", now=NOW)
    svc.transition(db, BJ_AGENT, a.id, "acknowledge", node="BJ")
    svc.add_note(db, BJ_AGENT, a.id, "派单到网优", node="BJ")
    b = svc.file_ticket(
        db, BJ_AGENT, node="BJ", msisdn="13700137000", category="BIL.DISPUTE.DATA", summary="争议"
    )
    svc.transition(db, BJ_AGENT, b.id, "start", node="BJ")
    events = payloads(db)
    # out of order: a's second event before its first is a gap, applied later
    first = svc.apply_ticket_events(hq, [events[1]])
    assert first == ["gap"]
    assert svc.apply_ticket_events(hq, list(reversed(events))) == ["applied"] * 5
    assert svc.apply_ticket_events(hq, events) == ["duplicate"] * 5
    src, dst = svc.snapshot(db), svc.snapshot(hq)
    assert src == dst
    # applying to the owner's own database changes nothing (the in-process bus)
    assert set(svc.apply_ticket_events(db, events)) == {"duplicate"}
    # headquarters does not write a province's ticket; it sends it back
    with pytest.raises(Forbidden):
        svc.transition(hq, HQ_ADMIN, a.id, "start", node="HQ")
    svc.send_back(hq, HQ_ADMIN, a.id, unit="北京网优中心", note="请现场测试")
    command = next(e.payload for e in outbox(hq) if e.subject == "telcare.assignments.BJ")
    assert svc.apply_send_back_events(db, [command], node="BJ") == ["applied"]
    assert svc.apply_send_back_events(db, [command], node="BJ") == ["duplicate"]
    again = svc.get_ticket(db, BJ_AGENT, a.id)
    assert again.assigned_unit == "北京网优中心" and again.notes[-1].text == "请现场测试"
    svc.apply_ticket_events(hq, payloads(db))
    assert svc.snapshot(hq) == svc.snapshot(db)


def test_taxonomy_versions_flow_from_headquarters(db: Database, hq: Database) -> None:
    nodes = [
        *svc.taxonomy(hq).categories,
        Category("NET.COV.METRO", "地铁无信号", "No signal in the metro", "NET.COV"),
    ]
    with pytest.raises(Forbidden):
        svc.publish_taxonomy(db, BJ_AGENT, nodes)
    v2 = svc.publish_taxonomy(hq, HQ_ADMIN, nodes)
    event = next(e.payload for e in outbox(hq) if e.subject == "telcare.taxonomy")
    assert svc.apply_taxonomy_events(db, [event, event]) == ["applied", "duplicate"]
    assert svc.taxonomy(db).version == v2.version == 2
    t = svc.file_ticket(db, CALLER, node="BJ", category="NET.COV.METRO", summary="地铁里没信号")
    assert t.taxonomy_version == 2 and t.category_path[-1].name_en == "No signal in the metro"


def test_escalation_sweep(db: Database) -> None:
    t = svc.file_ticket(
        db,
        BJ_AGENT,
        node="BJ",
        msisdn="13700137000",
        category="NET.COV.ROAD",
        summary="路上掉线",
        now=NOW,
    )
    assert svc.sweep_escalations(db, node="BJ", now=NOW + timedelta(hours=1)) == 0
    assert (
        svc.sweep_escalations(db, node="BJ", now=NOW + timedelta(hours=6)) == 1
    )  # no response in 4 h
    assert svc.get_ticket(db, BJ_AGENT, t.id).escalation == 1
    assert svc.sweep_escalations(db, node="BJ", now=NOW + timedelta(days=30)) == 1
    assert svc.get_ticket(db, BJ_AGENT, t.id).escalation == 2
    with db.uow() as uow:
        kinds = uow.session.scalars(select(OutboxEvent.type).where(OutboxEvent.key == t.id)).all()
        assert kinds.count("ticket.escalated") == 2
        assert uow.session.scalar(select(func.count()).select_from(cm.TicketAudit)) == 3


def test_ticket_filed_on_2026_09_30_is_due_after_national_day(db: Database) -> None:
    """The service counts business hours over China's calendar, not weekdays only."""
    filed = datetime(2026, 9, 30, 9, 0, tzinfo=UTC)  # 17:00 in Beijing, the eve of Golden Week
    t = svc.file_ticket(
        db,
        CALLER,
        node="BJ",
        category="BIL.DISPUTE.VOICE",
        summary="话费不对",
        channel="hall",
        now=filed,
    )
    # G3 caller: 9 h to resolve a billing dispute, 1 h on 09-30 and 8 h after the holiday week
    assert t.respond_by == datetime(2026, 9, 30, 10, 0, tzinfo=UTC)
    assert t.resolve_by == datetime(2026, 10, 8, 8, 30, tzinfo=UTC)
