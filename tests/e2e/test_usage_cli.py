"""``telcare usage ingest`` through the CLI: a summary of the file, and a re-run charges nothing."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from telcare.cli import app
from telcare.config import get_settings
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import selfcare
from telcare.store.models import Subscription
from telcare.store.uow import Database

BJ = "13800138000"


def summary(output: str) -> dict[str, str]:
    """The summary table's rows: label -> value."""
    rows = re.findall(r"│\s*(\S+) [^│]*│\s*([\d,.]+)\s*│", output)
    return {label: value for label, value in rows}


def test_ingest_prints_its_summary_and_a_rerun_charges_nothing(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    month_start = datetime.now(OPERATOR_TZ).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    with sqlite_db.uow() as uow:
        uow.session.execute(update(Subscription).values(starts_at=month_start))
        uow.commit()
    at = month_start.replace(hour=9).isoformat()
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "record_id,msisdn,service,started_at,volume,roaming,peer\n"
        f"c1,{BJ},data,{at},500,1,\n"  # roaming: 500 KB at 0.01 yuan = 5.00
        f"c2,{BJ},voice,{at},61,1,13900139000\n"  # roaming: 2 minutes at 0.19 = 0.38
        f"c3,{BJ},data,{at},1024,0,\n"  # inside the plan: free
        f"c1,{BJ},data,{at},500,1,\n"  # the same record again
        "not a record\n"
    )
    monkeypatch.setenv("TELCARE_DATABASE_URL", sqlite_db.url)
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(app, ["usage", "ingest", str(usage)])
        assert first.exit_code == 0, first.output
        assert summary(first.output) == {"已计费": "3", "重复": "1", "拒绝": "1", "总费用": "5.38"}
        assert "usage.csv.rejects.csv" in first.output.replace("\n", "")  # Rich wraps it
        assert "6,malformed line" in (tmp_path / "usage.csv.rejects.csv").read_text()
        balance = selfcare.overview(sqlite_db, BJ).balance_fen
        again = CliRunner().invoke(app, ["usage", "ingest", str(usage)])
        assert again.exit_code == 0, again.output
        assert summary(again.output) == {"已计费": "0", "重复": "4", "拒绝": "1", "总费用": "0.00"}
        assert selfcare.overview(sqlite_db, BJ).balance_fen == balance
        missing = CliRunner().invoke(app, ["usage", "ingest", str(tmp_path / "none.csv")])
        assert missing.exit_code != 0
    finally:
        get_settings.cache_clear()
