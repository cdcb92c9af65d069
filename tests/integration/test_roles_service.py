"""The services check the role matrix themselves (issue #15 finding 6): whatever the
channel, an HQ agent may not create a merchant, edit accrual rules or flag a spam
sender, and a provincial admin may not publish a complaint taxonomy."""

from __future__ import annotations

from datetime import date

import pytest

from telcare.domain.access import Kind, Principal
from telcare.domain.roles import NotPermitted
from telcare.services import antispam, api_queries, complaints, loyalty, selfcare
from telcare.store.uow import Database

HQ_AGENT = Principal(Kind.STAFF, "hq-agent", "HQ", "agent")
HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
BJ_ADMIN = Principal(Kind.STAFF, "bj-admin", "BJ", "admin")


def test_an_hq_agent_may_not_create_a_merchant(db: Database) -> None:
    fields = {
        "code": "M0099",
        "name_zh": "测试商户",
        "name_en": "Test merchant",
        "province": "BJ",
        "settlement_fen_per_point": "1",
    }
    with pytest.raises(NotPermitted):
        loyalty.save_merchant(db, HQ_AGENT, **fields)
    assert "M0099" not in {row.code for row in loyalty.merchants(db)}
    assert loyalty.save_merchant(db, HQ_ADMIN, **fields)  # the one-time password


def test_an_hq_agent_may_not_edit_accrual_rules(db: Database) -> None:
    rule = {
        "rule_id": None,
        "source": "spend",
        "brand": None,
        "tier": None,
        "points_per_yuan": "50",
        "valid_from": date(2030, 1, 1),
        "valid_to": None,
    }
    before = len(loyalty.accrual_rules(db))
    with pytest.raises(NotPermitted):
        loyalty.save_rule(db, HQ_AGENT, **rule)
    assert len(loyalty.accrual_rules(db)) == before
    loyalty.save_rule(db, HQ_ADMIN, **rule)
    assert len(loyalty.accrual_rules(db)) == before + 1


def test_an_hq_agent_may_not_flag_a_spam_sender(db: Database) -> None:
    for act in (antispam.flag_sender, antispam.unflag_sender, antispam.dismiss_reports):
        with pytest.raises(NotPermitted):
            act(db, "13512345678", who=HQ_AGENT)
    assert antispam.sender_status(db, "13512345678") == "clear"
    assert antispam.flag_sender(db, "13512345678", who=HQ_ADMIN) == "flagged"


def test_a_provincial_admin_may_not_publish_the_complaint_taxonomy(db: Database) -> None:
    current = complaints.taxonomy(db)
    with pytest.raises(NotPermitted):
        complaints.publish_taxonomy(db, BJ_ADMIN, current.categories)
    assert complaints.taxonomy(db).version == current.version


def test_only_admins_adjust_a_balance_and_only_staff_take_cash(db: Database) -> None:
    agent = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
    line = api_queries.line_by_msisdn(db, agent, "13800138000")
    before = selfcare.overview(db, "13800138000").balance_fen
    with pytest.raises(NotPermitted):
        api_queries.adjust_balance(db, agent, line, 100_000, idempotency_key="k1", reason="x")
    subscriber = Principal(Kind.SUBSCRIBER, "13800138000", "BJ")
    with pytest.raises(NotPermitted):
        api_queries.cash_topup(db, subscriber, line, 100_000, idempotency_key="k2", reason="x")
    assert selfcare.overview(db, "13800138000").balance_fen == before
    api_queries.cash_topup(db, agent, line, 1_000, idempotency_key="k3", reason="cash")
    api_queries.adjust_balance(db, BJ_ADMIN, line, -500, idempotency_key="k4", reason="fix")
    assert selfcare.overview(db, "13800138000").balance_fen == before + 500
