"""A confirmed order for a G3 package records a ``g3`` survey contact (orders' hook)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from telcare import wiring
from telcare.bus import handlers
from telcare.domain import surveys as sv
from telcare.services import orders, surveys
from telcare.store import survey_models as sm
from telcare.store.uow import Database

BJ = "13800138000"
NOON = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)  # 12:00 in Beijing: not quiet hours


@pytest.fixture(autouse=True)
def wired(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(orders.hooks, "on_subscribed", [])
    wiring.subscribe_surveys()
    wiring.subscribe_surveys()  # idempotent
    assert orders.hooks.on_subscribed == [surveys.g3_subscribed]
    yield
    handlers.unsubscribe_all()


def _contacts(db: Database) -> list[sm.SurveyContact]:
    with db.uow() as uow:
        return list(uow.session.scalars(select(sm.SurveyContact)))


def test_the_g3_rule() -> None:
    assert sv.is_g3_package("QQT88", "全球通88套餐G3版")
    assert sv.is_g3_package("WLT", "", "M-Zone web-chat plan (g3)")
    assert sv.is_g3_package("G3YH")
    assert not sv.is_g3_package("LCYJ", "两城一家", "Two cities, one home")


def test_confirming_a_g3_order_records_a_g3_contact(db: Database) -> None:
    pending = orders.request_subscription(db, BJ, "G3YH", channel="sms", now=NOON)
    assert isinstance(pending, orders.Pending)
    assert _contacts(db) == []  # nothing before the confirmation
    done = orders.confirm(db, BJ, now=NOON)
    assert isinstance(done, orders.Subscribed)
    [contact] = _contacts(db)
    assert contact.trigger == "g3" and contact.msisdn == BJ
    assert contact.source_key == f"g3:{done.subscription_id}"
    assert contact.outcome in {"surveyed", "not_sampled"}
    # the same subscription again (a redelivered hook) changes nothing
    surveys.g3_subscribed(db, BJ, done, NOON)
    assert len(_contacts(db)) == 1


def test_a_g3_survey_is_sent_when_the_template_samples_everyone(db: Database) -> None:
    from telcare.domain.access import Kind, Principal

    hq = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
    spec = sv.template_to_dict(surveys.template(db, "G3"))
    surveys.save_template(db, hq, "G3", {**spec, "sample_percent": 100}, now=NOON)
    orders.request_subscription(db, BJ, "G3YH", channel="web", now=NOON)
    orders.confirm(db, BJ, now=NOON)
    [contact] = _contacts(db)
    assert contact.outcome == "surveyed" and contact.survey_id is not None


def test_other_packages_and_a_failing_hook_leave_orders_alone(db: Database) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("listener down")

    orders.hooks.on_subscribed.insert(0, broken)
    orders.request_subscription(db, BJ, "G3YH", channel="sms", now=NOON)
    done = orders.confirm(db, BJ, now=NOON)  # the order stands
    assert isinstance(done, orders.Subscribed)
    assert [c.trigger for c in _contacts(db)] == ["g3"]  # later hooks still run
