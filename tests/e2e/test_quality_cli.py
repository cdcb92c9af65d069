"""``telcare quality`` on a database with the hand-made quality fixture (issue #22)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from telcare.channels.quality_cli import app
from telcare.config import get_settings
from telcare.demo.seed import seed_demo
from telcare.services import quality as qs
from telcare.store.migrate import upgrade
from telcare.store.uow import Database
from tests.integration.quality_fixture import MONTH, load
from tests.integration.test_quality_loop import KPI_CSV


@pytest.fixture
def qdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'telcare.db'}"
    monkeypatch.setenv("TELCARE_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    upgrade(url, db.engine)
    seed_demo(db, subscribers=3)
    load(db)
    yield db
    db.dispose()
    get_settings.cache_clear()


def test_the_quality_loop_from_the_command_line(qdb: Database, tmp_path: Path) -> None:
    runner = CliRunner()
    kpis = tmp_path / "kpi.csv"
    kpis.write_text(KPI_CSV, encoding="utf-8")
    done = runner.invoke(app, ["import-network", str(kpis)])
    assert done.exit_code == 0 and "rows 4" in done.output, done.output
    assert qs.compute(qdb, [MONTH], ["NET_DROP"]).value("NET_DROP", "XZ", MONTH) == 0.5
    bad = tmp_path / "bad.csv"
    bad.write_text("cell,province,day,drops,attempts\nC1,ZZ,2024-06-01,1,2\n", encoding="utf-8")
    refused = runner.invoke(app, ["import-network", str(bad)])
    assert refused.exit_code == 2 and "Line 2" in refused.output
    opened = runner.invoke(app, ["open-actions", "--month", MONTH])
    assert opened.exit_code == 0 and "actions opened" in opened.output
    listed = runner.invoke(app, ["actions", "--province", "XZ"], env={"COLUMNS": "200"})
    assert "S1" in listed.output and "XZ" in listed.output
    assert "no_data" in runner.invoke(app, ["verify-actions", "--month", "2024-07"]).output
    assert "escalated" in runner.invoke(app, ["escalate"]).output
    assert "discipline cases opened" in runner.invoke(app, ["detect"]).output
    assert "QQT88" in runner.invoke(app, ["launch"], env={"COLUMNS": "200"}).output
    assert runner.invoke(app, ["open-actions", "--month", "1999-13"]).exit_code == 2


def test_a_new_tariff_is_added_and_its_launch_test_run_from_the_command_line(
    qdb: Database,
) -> None:
    from telcare.domain.access import Kind, Principal
    from telcare.services.quality import launch

    runner = CliRunner()
    added = runner.invoke(app, ["add-tariff", "SMS_STD", "8", "--from", "2030-01-01"])
    assert added.exit_code == 0 and "SMS_STD@2030-01-01" in added.output, added.output
    item = "SMS_STD@2030-01-01"
    not_started = runner.invoke(app, ["verify-launch", "tariff", item])
    assert not_started.exit_code == 2 and "no launch checklist" in not_started.output
    tester = Principal(Kind.STAFF, "hq-tester", "HQ", "admin")
    launch.start(qdb, tester, "tariff", item, ["13800138000"])
    ran = runner.invoke(app, ["verify-launch", "tariff", item], env={"COLUMNS": "200"})
    assert ran.exit_code == 0 and "pass" in ran.output, ran.output
    assert "missing: text_zh, text_en" in ran.output
