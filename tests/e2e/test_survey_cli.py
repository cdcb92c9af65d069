"""``telcare survey`` (the Typer sub-app, run in process on a demo database)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from telcare.channels import survey_cli
from telcare.demo import club as demo_club
from telcare.store.uow import Database


@pytest.fixture
def runner(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(survey_cli, "_database", lambda: sqlite_db)
    return CliRunner()


def test_send_scores_and_club(runner: CliRunner, sqlite_db: Database) -> None:
    app = survey_cli.app
    first = runner.invoke(app, ["send", "--msisdn", "13800138000", "--trigger", "shop"])
    assert first.exit_code == 0, first.output
    assert "SHOP v1" in first.output and "from 10086700" in first.output
    again = runner.invoke(app, ["send", "--msisdn", "13800138000", "--trigger", "hotline"])
    assert again.exit_code == 1 and "recent" in again.output
    bad = runner.invoke(app, ["send", "--msisdn", "13800138000", "--trigger", "party"])
    assert bad.exit_code == 2 and "party" in bad.output
    scores = runner.invoke(app, ["scores", "--by", "province,channel"])
    assert scores.exit_code == 0 and "satisfied" in scores.output
    assert runner.invoke(app, ["scores", "--by", "colour"]).exit_code == 2
    assert runner.invoke(app, ["expire"]).output.startswith("expired 0")
    demo_club.seed_campaign_history(sqlite_db, members=5, opinions=7, essays=2)
    out = runner.invoke(app, ["club"]).output
    assert "members\t5" in out and "OPINIONS-2008" in out
