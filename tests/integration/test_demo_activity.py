"""Demo activity gives the quality indicators figures, once (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from telcare.channels.report_cli import app
from telcare.config import get_settings
from telcare.demo.activity import generate
from telcare.demo.seed import seed_demo
from telcare.domain import quality as q
from telcare.domain.provinces import HQ
from telcare.services import quality
from telcare.store.models import Base
from telcare.store.uow import Database

UNTIL = "2026-10-20"
MONTH = "2026-10"


def _row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in Base.metadata.sorted_tables
        }


def test_demo_activity_fills_the_indicators_once(db: Database) -> None:
    seed_demo(db, subscribers=200)
    created = generate(db, months=3, until=UNTIL)
    for what in ("tickets", "surveys sent", "spam reports", "card recharges", "gift orders"):
        assert created.get(what, 0) > 0, what
    assert created.get("failed card PINs", 0) > 0
    assert created.get("usage records", 0) > 0

    result = quality.compute(db, q.month_range(MONTH, 3))
    values = {ind.code: result.value(ind.code, HQ, MONTH) for ind in q.INDICATORS}
    with_data = [code for code, v in values.items() if v is not None]
    assert len(with_data) >= 20, sorted(set(values) - set(with_data))
    for code in ("CMP_SLA", "SAT_SCORE", "SPAM_48H", "RCH_SUCCESS", "REM_BEFORE_SHOCK"):
        assert values[code] is not None, code
    assert values["CMP_UNCONF"] and values["CMP_UNCONF"] > 0  # SP 1066000005
    rch = [result.value("RCH_SUCCESS", HQ, mo) for mo in result.months]
    assert any(v is not None and v < 100 for v in rch), rch  # wrong PINs
    provinces = {p for (code, p, mo) in result.figures if code == "CMP_SLA" and mo == MONTH}
    assert len(provinces - {HQ}) >= 5  # spread over provinces

    before = _row_counts(db)
    assert generate(db, months=3, until=UNTIL) == {}
    assert _row_counts(db) == before


def test_cli_runs_once(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELCARE_DATABASE_URL", sqlite_db.url)
    get_settings.cache_clear()
    try:
        args = ["demo-activity", "--months", "1", "--until", UNTIL]
        first = CliRunner().invoke(app, args)
        assert first.exit_code == 0, first.output
        assert "tickets:" in first.output
        again = CliRunner().invoke(app, args)
        assert again.exit_code == 0 and "nothing added" in again.output
    finally:
        monkeypatch.delenv("TELCARE_DATABASE_URL")
        get_settings.cache_clear()
