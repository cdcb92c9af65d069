"""``telcare worker`` and ``telcare jobs`` on a demo database: the new year's fees, once;
a worker killed in the middle of the renewals resumes without charging twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select
from typer.testing import CliRunner

from telcare import clock
from telcare.cli import app
from telcare.config import get_settings
from telcare.demo.seed import seed_demo
from telcare.services import orders, selfcare
from telcare.store import models as m
from telcare.store.cycle_models import Renewal
from telcare.store.migrate import upgrade
from telcare.store.uow import Database

SEEDED = datetime(2026, 12, 10, 4, tzinfo=UTC)
NEW_YEAR = "2027-01-01T00:05:00+08:00"
BJ = "13800138000"


def _demo(url: str, subscribers: int) -> Database:
    db = Database(url)
    upgrade(url, db.engine)
    with time_machine.travel(SEEDED, tick=False):
        seed_demo(db, subscribers=subscribers)
        orders.request_subscription(db, BJ, "G3YH", channel="sms")
        orders.confirm(db, BJ)  # 100.00 -> 99.00
    return db


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'telcare.db'}"
    monkeypatch.setenv("TELCARE_DATABASE_URL", url)
    get_settings.cache_clear()
    db = _demo(url, 3)
    yield db
    db.dispose()
    get_settings.cache_clear()
    clock.start_at(None)  # `worker --now` set this process's clock, as it does its own


def _ledger_ok(db: Database) -> None:
    with db.read() as uow:
        s = uow.session
        for account in s.scalars(select(m.Account)):
            total = s.scalar(
                select(func.coalesce(func.sum(m.LedgerEntry.amount_fen), 0)).where(
                    m.LedgerEntry.account_id == account.id
                )
            )
            assert account.balance_fen == total
        refs = list(
            s.scalars(
                select(m.LedgerEntry.reference).where(m.LedgerEntry.reference.like("renewal:%"))
            )
        )
        assert len(refs) == len(set(refs))


def test_new_year_worker_charges_the_plan_and_the_pack_once(demo: Database) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["worker", "--once", "--now", NEW_YEAR])
    assert first.exit_code == 0, first.output
    assert "renewals" in first.output and "2027-01" in first.output
    with demo.read() as uow:
        fees = dict(
            uow.session.execute(
                select(m.LedgerEntry.reason, m.LedgerEntry.amount_fen)
                .join(m.Account, m.Account.id == m.LedgerEntry.account_id)
                .join(m.Subscriber, m.Subscriber.id == m.Account.subscriber_id)
                .where(m.Subscriber.msisdn == BJ, m.LedgerEntry.reference.like("renewal:%"))
            ).all()
        )
    assert fees == {
        "月租 QQT88 全球通88套餐G3版 2027-01": -8800,
        "月租 G3YH 1元G3优惠包 2027-01": -100,
    }
    assert selfcare.overview(demo, BJ).balance_fen == 9900 - 8800 - 100
    second = runner.invoke(app, ["worker", "--once", "--now", NEW_YEAR])
    assert second.exit_code == 0 and "nothing due" in second.output
    assert selfcare.overview(demo, BJ).balance_fen == 1000
    cxye = runner.invoke(app, ["sms", BJ, "10086", "CXYE"])
    assert "10.00元" in cxye.output
    listed = runner.invoke(app, ["jobs", "--now", NEW_YEAR])
    assert listed.exit_code == 0 and "renewals" in listed.output
    as_json = runner.invoke(app, ["jobs", "--json", "--now", NEW_YEAR])
    rows = {r["job"]: r for r in map(json.loads, as_json.output.splitlines())}
    assert rows["renewals"]["last_status"] == "done"
    assert rows["renewals"]["next_run"] == "2027-02-01T00:00:00+08:00"
    _ledger_ok(demo)


def test_bad_now_is_a_usage_error(demo: Database) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["worker", "--once", "--now", "yesterday"]).exit_code == 2
    assert runner.invoke(app, ["worker", "--now", NEW_YEAR]).exit_code == 2
    assert runner.invoke(app, ["worker", "--once", "--job", "nope"]).exit_code == 2


def _worker(url: str, *extra: str, now: str = NEW_YEAR) -> subprocess.Popen[str]:
    env = {**os.environ, "TELCARE_DATABASE_URL": url, "COLUMNS": "200"}
    argv = ["worker", "--once", "--now", now, "--job", "renewals", *extra]
    return subprocess.Popen(
        [sys.executable, "-m", "telcare", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _renewed(db: Database) -> int:
    with db.read() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Renewal)) or 0)


@pytest.mark.slow
def test_a_worker_killed_mid_renewals_resumes_without_charging_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    db = _demo(url, 400)
    try:
        proc = _worker(url, "--lease", "1", "--batch-lines", "2")
        deadline = time.monotonic() + 60
        while _renewed(db) < 20 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        part = _renewed(db)
        assert 0 < part < 400, "the worker should die in the middle"
        _ledger_ok(db)
        # restarted five minutes later (its clock starts there): the dead one's lease lapsed
        rest = _worker(url, now="2027-01-01T00:10:00+08:00")
        out, _ = rest.communicate(timeout=120)
        assert rest.returncode == 0, out
        assert "done" in out
        with db.read() as uow:
            per_sub = uow.session.execute(
                select(Renewal.subscription_id, func.count()).group_by(Renewal.subscription_id)
            ).all()
            in_force = uow.session.scalar(
                select(func.count())
                .select_from(m.Subscription)
                .join(m.Product, m.Product.code == m.Subscription.product_code)
                .where(m.Product.period == "monthly", m.Subscription.state == "active")
            )
        assert len(per_sub) == in_force and all(n == 1 for _, n in per_sub)
        assert selfcare.overview(db, BJ).balance_fen == 1000
        _ledger_ok(db)
    finally:
        db.dispose()
