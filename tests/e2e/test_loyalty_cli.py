"""``telcare loyalty`` commands on a demo database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from time_machine import TimeMachineFixture
from typer.testing import CliRunner

from telcare.channels.loyalty_cli import app
from telcare.config import get_settings
from telcare.demo.seed import seed_demo
from telcare.services import accounts, loyalty, selfcare
from telcare.store.migrate import upgrade
from telcare.store.uow import Database
from tests.clock import LOYALTY_SEASON


@pytest.fixture
def demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_machine: TimeMachineFixture
) -> Iterator[Database]:
    time_machine.move_to(LOYALTY_SEASON)  # 2026's points cannot expire yet
    url = f"sqlite:///{tmp_path / 'telcare.db'}"
    monkeypatch.setenv("TELCARE_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    upgrade(url, db.engine)
    seed_demo(db, subscribers=3)
    yield db
    db.dispose()
    get_settings.cache_clear()


def test_seed_accrue_expire_settlement(demo: Database) -> None:
    runner = CliRunner()
    seeded = runner.invoke(app, ["seed"])
    assert seeded.exit_code == 0  # the demo seed may have made the merchants already
    assert runner.invoke(app, ["seed"]).output == ""  # idempotent: nothing new
    accounts.recharge(demo, "13900139000", 10000, idempotency_key="cli-1")
    before = selfcare.overview(demo, "13900139000").points
    done = runner.invoke(app, ["accrue"])
    assert done.exit_code == 0, done.output
    assert selfcare.overview(demo, "13900139000").points > before
    early = runner.invoke(app, ["expire", "2026"])
    assert early.exit_code == 2 and "expire on 2028-01-01" in early.output
    loyalty.request_redemption(demo, "13800138000", "M201", channel="web")
    code = loyalty.confirm_redemption(demo, "13800138000").code
    assert code
    loyalty.verify_code(demo, "M0002", code)
    report = runner.invoke(app, ["settlement"])
    assert report.exit_code == 0 and ",M0002,爱康国宾体检中心,1,3000,36.00" in report.output
