"""The unit of work: uncommitted work is rolled back; what a use case returns stays readable."""

from __future__ import annotations

from sqlalchemy import select

from telcare.store import models as m
from telcare.store.uow import Database


def test_rows_returned_from_a_unit_of_work_stay_readable(db: Database) -> None:
    with db.uow() as uow:
        sp = uow.session.scalars(select(m.ServiceProvider)).first()
    assert sp is not None and sp.access_code and sp.name  # no DetachedInstanceError


def test_leaving_without_commit_writes_nothing(db: Database) -> None:
    with db.uow() as uow:
        uow.session.add(m.Province(code="ZZ", name_zh="测试", name_en="Test"))
        uow.session.flush()
    with db.uow() as uow:
        assert uow.session.get(m.Province, "ZZ") is None
