"""The unit of work: uncommitted work is rolled back; what a use case returns stays readable."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from telcare.store import db as store_db
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


def _backend_pid(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill_idle_connection(db: Database, admin_url: str) -> int:
    """Terminate the pooled connection's backend while it sits idle in the pool."""
    pid = _backend_pid(db)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    gone = text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(500):  # the signal is asynchronous: wait until the backend is gone
            if conn.execute(gone, {"pid": pid}).scalar_one():
                break
            time.sleep(0.01)
    admin.dispose()
    return pid


@pytest.mark.postgres
@pytest.mark.parametrize("idle_ping_s", [0.0, 3600.0])
def test_a_connection_the_server_dropped_while_idle_is_replaced_before_use(
    pg_schema_url: str, monkeypatch: pytest.MonkeyPatch, idle_ping_s: float
) -> None:
    """Idle longer than IDLE_PING_S: pinged and replaced. In steady use (not idle that
    long) it is not pinged, so a drop shows as one failed transaction, after which
    the pool reconnects."""
    monkeypatch.setattr(store_db, "IDLE_PING_S", idle_ping_s)
    db = Database(pg_schema_url)
    try:
        dead = _kill_idle_connection(db, db.engine.url)
        if idle_ping_s == 0.0:
            assert _backend_pid(db) != dead
        else:
            with pytest.raises(OperationalError):
                _backend_pid(db)
            assert _backend_pid(db) != dead
    finally:
        db.dispose()
